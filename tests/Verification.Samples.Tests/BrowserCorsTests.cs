using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace Verification.Samples.Tests;

/// <summary>
/// A browser page on another origin calls the API with a preflighted fetch (JSON content type, custom header) and
/// reads <c>Retry-After</c> of the second send: from an origin the app's own CORS policy allows (<c>UseCors()</c>)
/// and from one only <c>Verification:Http:AllowedOrigins</c> allows. A third origin is refused by the browser.
/// Every origin is a real loopback server, as a browser app's would be.
/// </summary>
[Trait("Requires", "browser")]
public sealed class BrowserCorsTests
{
    [Fact]
    public async Task PreflightedFetch_FromTheAppsAndTheLibrarysOrigins_SendsAndReadsRetryAfter()
    {
        Chromium.Require();

        // Three loopback origins, each a real server of one blank page.
        await using var appPage = await StartAsync(app => app.MapGet("/", () => Results.Content("<!doctype html><title>app</title>", "text/html")));
        await using var libraryPage = await StartAsync(app => app.MapGet("/", () => Results.Content("<!doctype html><title>library</title>", "text/html")));
        await using var otherPage = await StartAsync(app => app.MapGet("/", () => Results.Content("<!doctype html><title>other</title>", "text/html")));
        await using var api = await StartAsync(
            app =>
            {
                app.UseCors();
                app.MapVerificationEndpoints();
            },
            builder =>
            {
                builder.Configuration["Verification:Http:AllowedOrigins:0"] = libraryPage.Url;
                builder.Services.AddVerification(o => o.Tokens.AllowEphemeralKey = true).UseFakes();
                builder.Services.AddCors(o => o.AddDefaultPolicy(p => p.WithOrigins(appPage.Url).AllowAnyHeader().AllowAnyMethod()));
            });
        using var playwright = await Playwright.CreateAsync();
        var profile = Directory.CreateTempSubdirectory("verification-chromium-").FullName;
        try
        {
            await using var context = await Chromium.LaunchAsync(playwright, profile);
            foreach (var origin in (string[])[appPage.Url, libraryPage.Url])
            {
                var answers = await FetchTwiceAsync(context, origin, api.Url);

                Assert.Equal(200, answers.GetProperty("first").GetInt32());
                Assert.Equal(429, answers.GetProperty("second").GetInt32());
                // Readable only because the policy exposes it; the cooldown's remaining seconds (the clock is real).
                Assert.InRange(int.Parse(answers.GetProperty("retryAfter").GetString()!, System.Globalization.CultureInfo.InvariantCulture), 1, 60);
            }

            var refused = await FetchTwiceAsync(context, otherPage.Url, api.Url);
            Assert.Equal("TypeError", refused.GetProperty("error").GetString());
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }

    /// <summary>Opens a page at <paramref name="origin"/> and sends twice to the same contact from it.</summary>
    private static async Task<JsonElement> FetchTwiceAsync(IBrowserContext context, string origin, string api)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(origin + "/");
        var json = await page.EvaluateAsync<string>(
            """
            async ([api, email]) => {
              const send = () => fetch(api + '/auth/v1/verification', {
                method: 'POST',
                headers: { 'content-type': 'application/json', 'x-device-id': 'browser-test' },
                body: JSON.stringify({ email }),
              });
              try {
                const first = await send();
                const second = await send();
                return JSON.stringify({ first: first.status, second: second.status, retryAfter: second.headers.get('Retry-After') });
              } catch (e) {
                return JSON.stringify({ error: e.name });
              }
            }
            """,
            new[] { api, $"cors-{Guid.NewGuid():N}@example.com" });
        await page.CloseAsync();
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    /// <summary>A small app on a free loopback port; its origin is <see cref="Host.Url"/>.</summary>
    private static async Task<Host> StartAsync(Action<WebApplication> map, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        configure?.Invoke(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new Host(app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    private sealed record Host(WebApplication App, string Url) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
