using System.Net;

namespace Verification.AspNetCore.Tests;

/// <summary>CORS for browser apps: only configured origins get the headers.</summary>
public sealed class CorsTests
{
    private const string Origin = "https://app.example";
    private const string RequestedHeaders = "content-type,x-device-id,x-request-id,x-sdk-version,undefined";
    private static readonly string PhoneJson = $$"""{"phone_number":"{{TestApp.Phone}}"}""";

    [Theory]
    [InlineData("/auth/v1/verification")]
    [InlineData("/auth/v1/verification/verify")]
    public async Task Preflight_FromAllowedOrigin_Answers204WithTheCorsHeaders(string path)
    {
        await using var app = await TestApp.StartAsync(o => o.Endpoints = e => e.AllowedOrigins = [Origin]);

        using var response = await app.Client.SendAsync(Preflight(path, Origin));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal([Origin], response.Headers.GetValues("Access-Control-Allow-Origin"));
        Assert.Contains("POST", Values(response, "Access-Control-Allow-Methods"), StringComparison.Ordinal);
        Assert.Equal(RequestedHeaders, Values(response, "Access-Control-Allow-Headers"));
        Assert.Contains("Origin", Values(response, "Vary"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preflight_WithoutRequestedHeaders_AllowsTheDocumentedHeaders()
    {
        await using var app = await TestApp.StartAsync(o => o.Endpoints = e => e.AllowedOrigins = [Origin + "/"]);
        using var request = Preflight("/auth/v1/verification", Origin);
        request.Headers.Remove("Access-Control-Request-Headers");

        using var response = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal([Origin], response.Headers.GetValues("Access-Control-Allow-Origin"));
        var allowed = Values(response, "Access-Control-Allow-Headers");
        Assert.Contains("content-type", allowed, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("x-captcha-token", allowed, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Post_FromAllowedOrigin_CarriesAllowOriginAndExposesRetryAfter()
    {
        await using var app = await TestApp.StartAsync(o => o.Endpoints = e => e.AllowedOrigins = [Origin]);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/v1/verification") { Content = new StringContent(PhoneJson) };
        request.Headers.Add("Origin", Origin);

        using var response = await app.Client.SendAsync(request);

        await Json.ReadSuccessAsync(response);
        Assert.Equal([Origin], response.Headers.GetValues("Access-Control-Allow-Origin"));
        Assert.Contains("Retry-After", Values(response, "Access-Control-Expose-Headers"), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Post_FromAllowedOriginThatFails_StillCarriesTheCorsHeaders()
    {
        await using var app = await TestApp.StartAsync(o => o.Endpoints = e => e.AllowedOrigins = [Origin]);

        await app.SendAsync(PhoneJson);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/v1/verification") { Content = new StringContent(PhoneJson) };
        request.Headers.Add("Origin", Origin);
        using var response = await app.Client.SendAsync(request);

        await Json.AssertErrorAsync(response, (HttpStatusCode)429, "rate_limit_exceeded", 4029);
        Assert.Equal([Origin], response.Headers.GetValues("Access-Control-Allow-Origin"));
        Assert.Contains("Retry-After", Values(response, "Access-Control-Expose-Headers"), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Requests_FromOriginNotAllowed_GetNoCorsHeaders()
    {
        await using var app = await TestApp.StartAsync(o => o.Endpoints = e => e.AllowedOrigins = [Origin]);

        using var preflight = await app.Client.SendAsync(Preflight("/auth/v1/verification", "https://evil.example"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/v1/verification") { Content = new StringContent(PhoneJson) };
        request.Headers.Add("Origin", "https://evil.example");
        using var post = await app.Client.SendAsync(request);

        AssertNoCorsHeaders(preflight);
        await Json.ReadSuccessAsync(post);
        AssertNoCorsHeaders(post);
    }

    [Fact]
    public async Task Requests_WithNoOriginsConfigured_GetNoCorsHeaders()
    {
        await using var app = await TestApp.StartAsync();

        using var preflight = await app.Client.SendAsync(Preflight("/auth/v1/verification", Origin));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/v1/verification") { Content = new StringContent(PhoneJson) };
        request.Headers.Add("Origin", Origin);
        using var post = await app.Client.SendAsync(request);

        AssertNoCorsHeaders(preflight);
        await Json.ReadSuccessAsync(post);
        AssertNoCorsHeaders(post);
    }

    [Fact]
    public async Task Post_WithWildcardOrigin_AnswersAllowOriginStar()
    {
        await using var app = await TestApp.StartAsync(o => o.Endpoints = e => e.AllowedOrigins = ["*"]);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/v1/verification") { Content = new StringContent(PhoneJson) };
        request.Headers.Add("Origin", "https://anything.example");

        using var response = await app.Client.SendAsync(request);

        await Json.ReadSuccessAsync(response);
        Assert.Equal(["*"], response.Headers.GetValues("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Preflight_WithOriginFromConfiguration_Answers204WithTheCorsHeaders()
    {
        await using var app = await TestApp.StartAsync(o => o.Configuration["Verification:Http:AllowedOrigins:0"] = Origin);

        using var response = await app.Client.SendAsync(Preflight("/auth/v1/verification", Origin));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal([Origin], response.Headers.GetValues("Access-Control-Allow-Origin"));
        Assert.Equal(RequestedHeaders, Values(response, "Access-Control-Allow-Headers"));
    }

    /// <summary>A browser's preflight: OPTIONS with Origin, Access-Control-Request-Method and -Headers.</summary>
    internal static HttpRequestMessage Preflight(string path, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", RequestedHeaders);
        return request;
    }

    private static string Values(HttpResponseMessage response, string header) =>
        response.Headers.TryGetValues(header, out var values) ? string.Join(",", values) : string.Empty;

    private static void AssertNoCorsHeaders(HttpResponseMessage response)
    {
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            Assert.False(header.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase), $"Unexpected {header.Key}: {string.Join(",", header.Value)}");
        }
    }
}
