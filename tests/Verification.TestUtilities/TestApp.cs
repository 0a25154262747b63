using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Verification.AspNetCore;
using Verification.Captcha.Image;

namespace Verification.TestUtilities;

/// <summary>What a <see cref="TestApp"/> is made of.</summary>
public sealed class TestAppOptions
{
    /// <summary>Register <see cref="TestApp.SmsSender"/> (the shipped fake) as the SMS sender.</summary>
    public bool Sms { get; set; } = true;

    /// <summary>Register <see cref="TestApp.EmailSender"/> (the shipped fake) as the email sender.</summary>
    public bool Email { get; set; } = true;

    /// <summary>A user directory, or none (then <c>is_user</c> is left out).</summary>
    public IUserDirectory? UserDirectory { get; set; }

    /// <summary>A clock the test moves, registered as the app's <see cref="TimeProvider"/>.</summary>
    public FakeTimeProvider? Time { get; set; }

    /// <summary>
    /// Turns on the built-in image captcha (<c>UseImageCaptcha()</c>, which maps the captcha endpoints) drawing with
    /// this renderer; off when null.
    /// </summary>
    public ICaptchaImageRenderer? CaptchaRenderer { get; set; }

    /// <summary>More Verification options, after the ephemeral-key switch.</summary>
    public Action<VerificationOptions>? Verification { get; set; }

    /// <summary>More services (substitutes), registered after AddVerification().</summary>
    public Action<IServiceCollection>? Services { get; set; }

    /// <summary>Configuration keys of the app (for example <c>Verification:Http:RoutePrefix</c>).</summary>
    public Dictionary<string, string?> Configuration { get; } = new(StringComparer.Ordinal);

    /// <summary>The callback of MapVerificationEndpoints().</summary>
    public Action<VerificationEndpointOptions>? Endpoints { get; set; }

    /// <summary>Middleware and endpoints of the app before MapVerificationEndpoints() (UseCors, MapOpenApi…).</summary>
    public Action<WebApplication>? BeforeEndpoints { get; set; }

    /// <summary>Conventions on the group MapVerificationEndpoints() returns, and the app's own endpoints after it.</summary>
    public Action<WebApplication, RouteGroupBuilder>? AfterEndpoints { get; set; }
}

/// <summary>
/// A real app on Kestrel at http://127.0.0.1:&lt;free port&gt; in the test process, with the shipped fake senders,
/// and an <see cref="HttpClient"/> that calls it. One per test.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    public const string Phone = "+86 15588665555";
    public const string PhoneE164 = "+8615588665555";
    public const string Email = "someone@example.com";

    /// <summary>
    /// One RS256 key for the whole test run: an ephemeral key per app would generate a 2048-bit RSA key per test,
    /// which costs seconds on a small machine.
    /// </summary>
    private static readonly Lazy<string> SigningKeyPem = new(() =>
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    });

    private readonly WebApplication _app;

    private TestApp(WebApplication app, Uri address, FakeSmsSender sms, FakeEmailSender email)
    {
        _app = app;
        Address = address;
        SmsSender = sms;
        EmailSender = email;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public FakeSmsSender SmsSender { get; }

    public FakeEmailSender EmailSender { get; }

    /// <summary>Every message the fakes delivered, on either channel (the SMS first, then the email).</summary>
    public IReadOnlyList<VerificationMessage> Messages => [.. SmsSender.Messages, .. EmailSender.Messages];

    public IServiceProvider Services => _app.Services;

    public FakeLogCollector Logs => _app.Services.GetFakeLogCollector();

    public static async Task<TestApp> StartAsync(Action<TestAppOptions>? configure = null)
    {
        var options = new TestAppOptions();
        configure?.Invoke(options);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            EnvironmentName = "Production",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");

        // Hermetic: no appsettings.json or environment variables of the machine, only what the test says.
        foreach (var source in builder.Configuration.Sources.Where(s => s is FileConfigurationSource or EnvironmentVariablesConfigurationSource).ToList())
        {
            builder.Configuration.Sources.Remove(source);
        }

        builder.Configuration.AddInMemoryCollection(options.Configuration);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddFakeLogging();

        var sms = new FakeSmsSender();
        var email = new FakeEmailSender();
        if (options.Time is not null)
        {
            builder.Services.AddSingleton<TimeProvider>(options.Time);
        }

        var verification = builder.Services.AddVerification(o =>
        {
            o.Tokens.AllowEphemeralKey = true;
            o.Tokens.SigningKeys.Add(new SigningKeyOptions { KeyId = "test-key", Pem = SigningKeyPem.Value });
            options.Verification?.Invoke(o);
        });
        if (options.Sms)
        {
            verification.AddSmsSender(sms);
        }

        if (options.Email)
        {
            verification.AddEmailSender(email);
        }

        if (options.CaptchaRenderer is not null)
        {
            builder.Services.AddSingleton(options.CaptchaRenderer);
            verification.UseImageCaptcha();
        }

        if (options.UserDirectory is not null)
        {
            builder.Services.AddSingleton(options.UserDirectory);
        }

        options.Services?.Invoke(builder.Services);

        var app = builder.Build();
        try
        {
            options.BeforeEndpoints?.Invoke(app);
            var group = app.MapVerificationEndpoints(options.Endpoints);
            options.AfterEndpoints?.Invoke(app, group);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            return new TestApp(app, new Uri(address), sms, email);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Posts <paramref name="json"/> as <c>application/json</c>.</summary>
    public Task<HttpResponseMessage> PostAsync(string path, string json) =>
        Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    /// <summary>Posts raw bytes with the given content type (or none).</summary>
    public Task<HttpResponseMessage> PostBytesAsync(string path, byte[] body, string? contentType = "application/json")
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return Client.PostAsync(path, content);
    }

    /// <summary>Sends a code to <paramref name="contactJson"/> and returns the verification_id (asserting 200).</summary>
    public async Task<string> SendAsync(string contactJson)
    {
        using var response = await PostAsync("/auth/v1/verification", contactJson);
        var body = await Json.ReadSuccessAsync(response);
        return body.GetProperty("verification_id").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        try
        {
            await _app.StopAsync();
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }
}
