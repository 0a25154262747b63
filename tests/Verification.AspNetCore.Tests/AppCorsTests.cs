using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Verification.AspNetCore.Tests;

/// <summary>The app's own CORS (AddCors + UseCors) and the library's allowed origins work together.</summary>
public sealed class AppCorsTests
{
    private const string LibraryOrigin = "https://library.example";
    private const string AppOrigin = "https://app.example";
    private static readonly string PhoneJson = $$"""{"phone_number":"{{TestApp.Phone}}"}""";

    [Theory]
    [InlineData(LibraryOrigin)]
    [InlineData(AppOrigin)]
    public async Task Preflight_FromTheLibrarysOrTheAppsOrigin_IsAllowed(string origin)
    {
        await using var app = await StartAsync();

        using var response = await app.Client.SendAsync(CorsTests.Preflight("/auth/v1/verification", origin));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal([origin], response.Headers.GetValues("Access-Control-Allow-Origin"));
        Assert.Contains("POST", string.Join(",", response.Headers.GetValues("Access-Control-Allow-Methods")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LibraryOrigin)]
    [InlineData(AppOrigin)]
    public async Task RateLimitedPost_FromEitherOrigin_ExposesRetryAfter(string origin)
    {
        await using var app = await StartAsync();
        await app.SendAsync(PhoneJson);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/v1/verification") { Content = new StringContent(PhoneJson) };
        request.Headers.Add("Origin", origin);

        using var response = await app.Client.SendAsync(request);

        await Json.AssertErrorAsync(response, (HttpStatusCode)429, "rate_limit_exceeded", 4029);
        Assert.Equal([origin], response.Headers.GetValues("Access-Control-Allow-Origin"));
        Assert.Contains("Retry-After", string.Join(",", response.Headers.GetValues("Access-Control-Expose-Headers")), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Preflight_FromAnotherOrigin_GetsNoCorsHeaders()
    {
        await using var app = await StartAsync();

        using var response = await app.Client.SendAsync(CorsTests.Preflight("/auth/v1/verification", "https://evil.example"));

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task AppEndpoint_WithTheLibrarysNamedPolicy_AdmitsTheLibrarysOrigin()
    {
        await using var app = await StartAsync(a => a.MapPost("/auth/v1/signin", () => "ok").RequireCors(VerificationEndpointOptions.CorsPolicyName));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/v1/signin");
        request.Headers.Add("Origin", LibraryOrigin);

        using var response = await app.Client.SendAsync(request);

        Assert.Equal([LibraryOrigin], response.Headers.GetValues("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task MapVerificationEndpoints_InsideAGroupWithAppCors_AppliesThePolicyThroughUseCors()
    {
        await using var app = await StartAsync(a => a.MapGroup("/inner").MapVerificationEndpoints());

        using var response = await app.Client.SendAsync(CorsTests.Preflight("/inner/auth/v1/verification", LibraryOrigin));

        Assert.True(response.Headers.Contains("Access-Control-Allow-Origin"), $"{(int)response.StatusCode} {response.Headers} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal([LibraryOrigin], response.Headers.GetValues("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task MapVerificationEndpoints_InsideAGroupWithOriginsButNoAppCors_ThrowsNamingTheSetting()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestApp.StartAsync(o =>
        {
            o.Configuration["Verification:Http:AllowedOrigins:0"] = LibraryOrigin;
            o.AfterEndpoints = (a, _) => a.MapGroup("/inner").MapVerificationEndpoints();
        }));

        Assert.Contains("Verification:Http:AllowedOrigins", error.Message, StringComparison.Ordinal);
    }

    private static Task<TestApp> StartAsync(Action<WebApplication>? map = null) => TestApp.StartAsync(o =>
    {
        o.Configuration["Verification:Http:AllowedOrigins:0"] = LibraryOrigin;
        o.Services = s => s.AddCors(c => c.AddDefaultPolicy(p => p.WithOrigins(AppOrigin).AllowAnyHeader().AllowAnyMethod()));
        o.BeforeEndpoints = a => a.UseCors();
        o.AfterEndpoints = (a, _) => map?.Invoke(a);
    });
}
