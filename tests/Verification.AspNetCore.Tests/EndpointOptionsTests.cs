using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace Verification.AspNetCore.Tests;

/// <summary>The route prefix from configuration and from code.</summary>
public sealed class EndpointOptionsTests
{
    private static readonly string PhoneJson = $$"""{"phone_number":"{{TestApp.Phone}}"}""";

    [Fact]
    public async Task MapVerificationEndpoints_WithRoutePrefixFromConfiguration_MovesTheEndpoints()
    {
        await using var app = await TestApp.StartAsync(o =>
        {
            o.Configuration["Verification:Http:RoutePrefix"] = "/api/auth";
            o.Configuration["Verification:Http:JsonNotFound"] = "true";
        });

        using var moved = await app.PostAsync("/api/auth/verification", PhoneJson);
        var id = (await Json.ReadSuccessAsync(moved)).GetProperty("verification_id").GetString()!;
        using var verified = await app.PostAsync("/api/auth/verification/verify", VerificationFlowTests.VerifyJson(id, app.SmsSender.LastCode!));
        await Json.ReadSuccessAsync(verified);
        using var old = await app.PostAsync("/auth/v1/verification", PhoneJson);
        using var unknown = await app.PostAsync("/api/auth/nope", "{}");

        Assert.Equal(HttpStatusCode.NotFound, old.StatusCode);
        await Json.AssertErrorAsync(unknown, HttpStatusCode.NotFound, "not_found", 4040);
    }

    [Fact]
    public async Task MapVerificationEndpoints_WithRoutePrefixInCode_OverridesConfiguration()
    {
        await using var app = await TestApp.StartAsync(o =>
        {
            o.Configuration["Verification:Http:RoutePrefix"] = "/api/auth";
            o.Endpoints = e => e.RoutePrefix = "/v2/";
        });

        using var response = await app.PostAsync("/v2/verification", PhoneJson);

        await Json.ReadSuccessAsync(response);
    }

    [Theory]
    [InlineData("")]
    [InlineData("auth/v1")]
    public async Task MapVerificationEndpoints_WithPrefixNotStartingWithSlash_ThrowsNamingTheSetting(string prefix)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestApp.StartAsync(o => o.Endpoints = e => e.RoutePrefix = prefix));

        Assert.Contains("Verification:Http:RoutePrefix", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Verification:Http:RoutPrefix", "/api", "Verification:Http:RoutPrefix is not a setting")]
    [InlineData("Verification:Http:Cors:0", "https://app.example", "Verification:Http:Cors is not a setting")]
    [InlineData("Verification:Http:JsonNotFound", "yes", "Verification:Http:JsonNotFound 'yes' is not true or false")]
    [InlineData("Verification:Http:ErrorFormat", "Xml", "Verification:Http:ErrorFormat 'Xml' is not a known error format")]
    public async Task MapVerificationEndpoints_WithUnreadableOrUnknownHttpKey_ThrowsNamingTheKey(string key, string value, string expected)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestApp.StartAsync(o => o.Configuration[key] = value));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddVerificationEndpoints_WithUnknownHttpKey_FailsAtStartNamingTheKey()
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => TestApp.StartAsync(o =>
        {
            o.Configuration["Verification:Http:AllowedOrigin"] = "https://app.example";
            o.Services = s => s.AddVerificationEndpoints();
        }));

        Assert.Contains("Verification:Http:AllowedOrigin is not a setting", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MapVerificationEndpoints_WithOriginsAsOneCommaSeparatedValue_ReadsTheList()
    {
        await using var app = await TestApp.StartAsync(o =>
        {
            o.Configuration["Verification:Http:AllowedOrigins"] = "https://a.example, https://b.example";
            o.Services = s => s.AddVerificationEndpoints();
        });

        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<VerificationEndpointOptions>>().Value;

        Assert.Equal(["https://a.example", "https://b.example"], options.AllowedOrigins);
    }
}
