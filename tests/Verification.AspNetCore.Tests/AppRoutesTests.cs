using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Verification.AspNetCore.Tests;

/// <summary>Paths under the prefix that are not the library's belong to the app; options follow the options pattern.</summary>
public sealed class AppRoutesTests
{
    private static readonly string PhoneJson = $$"""{"phone_number":"{{TestApp.Phone}}"}""";

    [Fact]
    public async Task AppEndpointUnderThePrefix_WithoutContentType_Answers415AsAspNetCoreDoes()
    {
        await using var app = await TestApp.StartAsync(o => o.AfterEndpoints = (a, _) => a.MapPost("/auth/v1/signin", (SignInBody body) => Results.Ok(body.verification_token)));

        using var response = await app.PostBytesAsync("/auth/v1/signin", "{}"u8.ToArray(), contentType: null);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task AppEndpointUnderThePrefix_WithWrongMethod_Answers405AsAspNetCoreDoes()
    {
        await using var app = await TestApp.StartAsync(o => o.AfterEndpoints = (a, _) => a.MapPost("/auth/v1/signin", (SignInBody body) => Results.Ok(body.verification_token)));

        using var response = await app.Client.GetAsync("/auth/v1/signin");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task AppEndpointUnderThePrefix_WithJsonNotFoundOn_StillAnswers415And405AsAspNetCoreDoes()
    {
        await using var app = await TestApp.StartAsync(o =>
        {
            o.Endpoints = e => e.JsonNotFound = true;
            o.AfterEndpoints = (a, _) => a.MapPost("/auth/v1/signin", (SignInBody body) => Results.Ok(body.verification_token));
        });

        using var noContentType = await app.PostBytesAsync("/auth/v1/signin", "{}"u8.ToArray(), contentType: null);
        using var wrongMethod = await app.Client.GetAsync("/auth/v1/signin");
        using var missing = await app.PostAsync("/auth/v1/nope", "{}");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, noContentType.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        await Json.AssertErrorAsync(missing, HttpStatusCode.NotFound, "not_found", 4040);
    }

    [Fact]
    public async Task AppEndpointOnTheReturnedGroup_SharesThePrefixAndTheErrorShape()
    {
        await using var app = await TestApp.StartAsync(o => o.AfterEndpoints = (_, group) => group.MapPost("/signin", () =>
            VerificationHttpResults.Error(new VerificationError(VerificationErrorCodes.UserNotFound, "No account."))));

        using var response = await app.PostAsync("/auth/v1/signin", "{}");

        await Json.AssertErrorAsync(response, HttpStatusCode.NotFound, "user_not_found", 4004);
    }

    [Fact]
    public async Task ConfigureOptions_WithRoutePrefix_MovesTheEndpoints()
    {
        await using var app = await TestApp.StartAsync(o => o.Services = s => s.Configure<VerificationEndpointOptions>(e => e.RoutePrefix = "/api/otp"));

        using var moved = await app.PostAsync("/api/otp/verification", PhoneJson);
        using var old = await app.PostAsync("/auth/v1/verification", PhoneJson);

        await Json.ReadSuccessAsync(moved);
        Assert.Equal(HttpStatusCode.NotFound, old.StatusCode);
    }

    [Theory]
    [InlineData(false, false, "/from-configuration")]
    [InlineData(true, false, "/from-configure")]
    [InlineData(true, true, "/from-callback")]
    [InlineData(false, true, "/from-callback")]
    public async Task Options_FromEverySource_ApplyConfigurationThenConfigureThenTheCallback(bool configure, bool callback, string expectedPrefix)
    {
        await using var app = await TestApp.StartAsync(o =>
        {
            o.Configuration["Verification:Http:RoutePrefix"] = "/from-configuration";
            if (configure)
            {
                // Registered before AddVerificationEndpoints: configuration still comes first.
                o.Services = s =>
                {
                    s.Configure<VerificationEndpointOptions>(e => e.RoutePrefix = "/from-configure");
                    s.AddVerificationEndpoints();
                };
            }

            if (callback)
            {
                o.Endpoints = e => e.RoutePrefix = "/from-callback";
            }
        });

        using var response = await app.PostAsync(expectedPrefix + "/verification", PhoneJson);

        await Json.ReadSuccessAsync(response);
    }

    [Fact]
    public async Task AddVerificationEndpoints_ExposesTheBoundOptionsThroughIOptions()
    {
        await using var app = await TestApp.StartAsync(o =>
        {
            o.Configuration["Verification:Http:ErrorFormat"] = "problemdetails";
            o.Configuration["Verification:Http:AllowedOrigins:0"] = " https://app.example ";
            o.Services = s => s.AddVerificationEndpoints();
        });

        var options = app.Services.GetRequiredService<IOptions<VerificationEndpointOptions>>().Value;

        Assert.Equal(VerificationErrorFormat.ProblemDetails, options.ErrorFormat);
        Assert.Equal(["https://app.example"], options.AllowedOrigins);
    }

    [Theory]
    [InlineData("Verification:Http:ErrorFormat", "Xml", "Verification:Http:ErrorFormat")]
    [InlineData("Verification:Http:AllowedOrigins:0", "app.example", "Verification:Http:AllowedOrigins")]
    [InlineData("Verification:Http:RoutePrefix", "auth", "Verification:Http:RoutePrefix")]
    public async Task AddVerificationEndpoints_WithInvalidConfiguration_FailsBeforeServingNamingTheKey(string key, string value, string named)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestApp.StartAsync(o =>
        {
            o.Configuration[key] = value;
            o.Services = s => s.AddVerificationEndpoints();
        }));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_WithTextPlainUnknownQueryAndHeaders_IsReadAsJson()
    {
        await using var app = await TestApp.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/v1/verification?client_id=abc&foo=bar") { Content = new StringContent(PhoneJson) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("text/plain;charset=UTF-8");
        request.Headers.TryAddWithoutValidation("x-unknown", "1");

        using var response = await app.Client.SendAsync(request);

        await Json.ReadSuccessAsync(response);
    }

#pragma warning disable IDE1006, SA1300 // The wire name, as an app would declare it.
    private sealed record SignInBody(string verification_token);
#pragma warning restore IDE1006, SA1300
}
