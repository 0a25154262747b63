using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

using Verification.Captcha.Image;

namespace Verification.AspNetCore.Tests;

/// <summary>
/// The built-in image captcha over real HTTP: <c>POST /auth/v1/captcha/data</c>, <c>POST /auth/v1/captcha/data/verify</c>
/// and the captcha_required → solve → send path of <c>POST /auth/v1/verification</c>. The key is read from the fake
/// renderer (what it was asked to draw), never from a response.
/// </summary>
public sealed class CaptchaEndpointTests
{
    private const string DataPath = "/auth/v1/captcha/data";
    private const string VerifyPath = "/auth/v1/captcha/data/verify";
    private const string SendPath = "/auth/v1/verification";

    private static readonly string PhoneJson = $$"""{"phone_number":"{{TestApp.Phone}}"}""";
    private static readonly string EmailJson = $$"""{"email":"{{TestApp.Email}}"}""";

    // ---- POST /captcha/data ----------------------------------------------------------------------------------

    [Fact]
    public async Task CaptchaData_Post_Answers200WithExactlyDataTypeTokenAndExpiresIn()
    {
        var renderer = new RecordingCaptchaRenderer();
        await using var app = await StartAsync(renderer);

        using var response = await app.PostAsync(DataPath, "{}");

        var body = await Json.ReadSuccessAsync(response);
        Assert.Equal(new[] { "data", "expires_in", "token", "type" }, Json.PropertyNames(body));
        const string prefix = "data:image/png;base64,";
        var data = body.GetProperty("data").GetString()!;
        Assert.StartsWith(prefix, data, StringComparison.Ordinal);
        Assert.Equal(RecordingCaptchaRenderer.Png, Convert.FromBase64String(data[prefix.Length..]));
        Assert.Equal("image", body.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("token").GetString()));
        Assert.Equal(300, body.GetProperty("expires_in").GetInt32());
        Assert.Single(renderer.Texts);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("text/plain;charset=UTF-8")]
    [InlineData("application/json")]
    public async Task CaptchaData_PostWithoutBody_Answers200(string? contentType)
    {
        await using var app = await StartAsync(new RecordingCaptchaRenderer());

        using var response = await app.PostBytesAsync(DataPath + "?client_id=abc", [], contentType);

        await Json.ReadSuccessAsync(response);
    }

    [Fact]
    public async Task CaptchaData_Get_Answers405Json()
    {
        await using var app = await StartAsync(new RecordingCaptchaRenderer());

        using var response = await app.Client.GetAsync(DataPath);

        await Json.AssertErrorAsync(response, HttpStatusCode.MethodNotAllowed, "method_not_allowed", 4050);
        Assert.Contains("POST", response.Content.Headers.Allow);
    }

    [Fact]
    public async Task CaptchaVerify_Get_Answers405Json()
    {
        await using var app = await StartAsync(new RecordingCaptchaRenderer());

        using var response = await app.Client.GetAsync(VerifyPath);

        await Json.AssertErrorAsync(response, HttpStatusCode.MethodNotAllowed, "method_not_allowed", 4050);
    }

    [Fact]
    public async Task CaptchaData_FromOneClientBeyondTheHourlyLimit_Answers429CaptchaLimitWithRetryAfter()
    {
        await using var app = await StartAsync(new RecordingCaptchaRenderer(), o => o.Verification = v => v.Captcha.ChallengesPerIpPerHour = 2);
        for (var i = 0; i < 2; i++)
        {
            using var ok = await app.PostAsync(DataPath, "{}");
            await Json.ReadSuccessAsync(ok);
        }

        using var response = await app.PostAsync(DataPath, "{}");

        var body = await Json.AssertErrorAsync(response, (HttpStatusCode)429, "rate_limit_exceeded", 4029);
        Assert.Equal("captcha_limit", Json.Detail(body, "reason"));
        Assert.NotNull(response.Headers.RetryAfter?.Delta);
    }

    // ---- POST /captcha/data/verify ---------------------------------------------------------------------------

    [Fact]
    public async Task CaptchaVerify_RightKeyInLowerCase_Answers200WithExactlyCaptchaTokenAndExpiresIn()
    {
        var renderer = new RecordingCaptchaRenderer();
        await using var app = await StartAsync(renderer);
        var token = await ChallengeAsync(app);

        using var response = await VerifyAsync(app, token, renderer.Last.ToLowerInvariant());

        var body = await Json.ReadSuccessAsync(response);
        Assert.Equal(new[] { "captcha_token", "expires_in" }, Json.PropertyNames(body));
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("captcha_token").GetString()));
        Assert.Equal(300, body.GetProperty("expires_in").GetInt32());
    }

    [Fact]
    public async Task CaptchaVerify_WrongKey_Answers400InvalidCaptcha4020WithAttemptsRemaining()
    {
        var renderer = new RecordingCaptchaRenderer();
        await using var app = await StartAsync(renderer);
        var token = await ChallengeAsync(app);

        using var response = await VerifyAsync(app, token, RecordingCaptchaRenderer.WrongKey(renderer.Last));

        var body = await Json.AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_captcha", 4020);
        Assert.Equal("wrong", Json.Detail(body, "reason"));
        Assert.Equal("4", Json.Detail(body, "attempts_remaining"));

        // A wrong key does not burn the challenge.
        using var right = await VerifyAsync(app, token, renderer.Last);
        await Json.ReadSuccessAsync(right);
    }

    [Fact]
    public async Task CaptchaVerify_SolvedTwice_Answers400CaptchaUsed4022()
    {
        var renderer = new RecordingCaptchaRenderer();
        await using var app = await StartAsync(renderer);
        var token = await ChallengeAsync(app);
        using var first = await VerifyAsync(app, token, renderer.Last);
        await Json.ReadSuccessAsync(first);

        using var response = await VerifyAsync(app, token, renderer.Last);

        var body = await Json.AssertErrorAsync(response, HttpStatusCode.BadRequest, "captcha_used", 4022);
        Assert.Equal("used", Json.Detail(body, "reason"));
    }

    [Fact]
    public async Task CaptchaVerify_AfterTheChallengeLifetime_Answers400CaptchaExpired4021()
    {
        var renderer = new RecordingCaptchaRenderer();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
        await using var app = await StartAsync(renderer, o => o.Time = time);
        var token = await ChallengeAsync(app);

        time.Advance(TimeSpan.FromSeconds(301));
        using var response = await VerifyAsync(app, token, renderer.Last);

        var body = await Json.AssertErrorAsync(response, HttpStatusCode.BadRequest, "captcha_expired", 4021);
        Assert.Equal("expired", Json.Detail(body, "reason"));
    }

    [Fact]
    public async Task CaptchaVerify_ForgedToken_Answers400InvalidCaptcha4020Unknown()
    {
        await using var app = await StartAsync(new RecordingCaptchaRenderer());

        using var response = await VerifyAsync(app, "not-a-challenge", "ACDEF");

        var body = await Json.AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_captcha", 4020);
        Assert.Equal("unknown", Json.Detail(body, "reason"));
    }

    [Theory]
    [InlineData("""{"key":"ACDEF"}""", "token")]
    [InlineData("""{"token":"t"}""", "key")]
    [InlineData("""{"token":"t","key":""}""", "key")]
    public async Task CaptchaVerify_MissingField_Answers400InvalidArgumentNamingIt(string json, string field)
    {
        await using var app = await StartAsync(new RecordingCaptchaRenderer());

        using var response = await app.PostAsync(VerifyPath, json);

        await Json.AssertInvalidArgumentAsync(response, field, "missing");
    }

    // ---- captcha_required → solve → send ---------------------------------------------------------------------

    [Fact]
    public async Task Send_AlwaysRequireWithCaptchaTokenHeader_CaptchaRequiredThenSolveThenSendsThenTokenIsSpent()
    {
        var renderer = new RecordingCaptchaRenderer();
        await using var app = await StartAsync(renderer, o => o.Verification = v => v.Captcha.AlwaysRequire = true);

        using (var refused = await app.PostAsync(SendPath, PhoneJson))
        {
            var body = await Json.AssertErrorAsync(refused, HttpStatusCode.BadRequest, "captcha_required", 4028);
            Assert.Equal("always", Json.Detail(body, "reason"));
            Assert.Null(Json.Detail(body, "retry_after"));
            Assert.Null(refused.Headers.RetryAfter);
        }

        var captchaToken = await SolveAsync(app, renderer);
        using (var sent = await SendWithHeaderAsync(app, PhoneJson, captchaToken))
        {
            var body = await Json.ReadSuccessAsync(sent);
            Assert.False(string.IsNullOrEmpty(body.GetProperty("verification_id").GetString()));
        }

        Assert.Single(app.Messages);

        // Spent: the same token does not pass a second send, even to another contact.
        using (var again = await SendWithHeaderAsync(app, EmailJson, captchaToken))
        {
            var body = await Json.AssertErrorAsync(again, HttpStatusCode.BadRequest, "captcha_invalid", 4027);
            Assert.Equal("used", Json.Detail(body, "reason"));
        }

        Assert.Single(app.Messages);
    }

    [Fact]
    public async Task Send_AlwaysRequireWithCaptchaTokenQueryParameter_SendsOnceThenCaptchaInvalid()
    {
        var renderer = new RecordingCaptchaRenderer();
        await using var app = await StartAsync(renderer, o => o.Verification = v => v.Captcha.AlwaysRequire = true);
        var captchaToken = await SolveAsync(app, renderer);
        var path = SendPath + "?client_id=abc&captcha_token=" + Uri.EscapeDataString(captchaToken);

        using (var sent = await app.PostAsync(path, PhoneJson))
        {
            await Json.ReadSuccessAsync(sent);
        }

        using (var again = await app.PostAsync(path, EmailJson))
        {
            await Json.AssertErrorAsync(again, HttpStatusCode.BadRequest, "captcha_invalid", 4027);
        }

        Assert.Single(app.Messages);
    }

    [Fact]
    public async Task Send_ChallengeTokenAsCaptchaToken_Answers400CaptchaInvalid()
    {
        var renderer = new RecordingCaptchaRenderer();
        await using var app = await StartAsync(renderer, o => o.Verification = v => v.Captcha.AlwaysRequire = true);
        var challengeToken = await ChallengeAsync(app);

        using var response = await SendWithHeaderAsync(app, PhoneJson, challengeToken);

        await Json.AssertErrorAsync(response, HttpStatusCode.BadRequest, "captcha_invalid", 4027);
        Assert.Empty(app.Messages);
    }

    [Fact]
    public async Task Send_PerIpLimitReached_CaptchaRequiredIpLimitThenPassesWithASolvedCaptcha()
    {
        var renderer = new RecordingCaptchaRenderer();
        await using var app = await StartAsync(renderer, o => o.Verification = v => v.Throttling.PerIp = new RateWindow(1, TimeSpan.FromHours(1)));
        await app.SendAsync(PhoneJson);

        using (var refused = await app.PostAsync(SendPath, EmailJson))
        {
            var body = await Json.AssertErrorAsync(refused, HttpStatusCode.BadRequest, "captcha_required", 4028);
            Assert.Equal("ip_limit", Json.Detail(body, "reason"));
            Assert.NotNull(Json.Detail(body, "retry_after"));
        }

        var captchaToken = await SolveAsync(app, renderer);
        using var sent = await SendWithHeaderAsync(app, EmailJson, captchaToken);

        await Json.ReadSuccessAsync(sent);
        Assert.Equal(2, app.Messages.Count);
    }

    // ---- Without UseImageCaptcha -----------------------------------------------------------------------------

    [Theory]
    [InlineData(DataPath, "{}")]
    [InlineData(VerifyPath, """{"token":"t","key":"ACDEF"}""")]
    public async Task CaptchaPaths_WithoutImageCaptchaWithJsonNotFound_Answer404NotFoundJson(string path, string json)
    {
        await using var app = await TestApp.StartAsync(o => o.Endpoints = e => e.JsonNotFound = true);

        using var response = await app.PostAsync(path, json);

        await Json.AssertErrorAsync(response, HttpStatusCode.NotFound, "not_found", 4040);
    }

    // ---- Helpers ---------------------------------------------------------------------------------------------

    private static Task<TestApp> StartAsync(RecordingCaptchaRenderer renderer, Action<TestAppOptions>? configure = null) =>
        TestApp.StartAsync(o =>
        {
            o.CaptchaRenderer = renderer;
            configure?.Invoke(o);
        });

    /// <summary>Asks for a challenge; returns its token (the key is the renderer's last text).</summary>
    private static async Task<string> ChallengeAsync(TestApp app)
    {
        using var response = await app.PostAsync(DataPath, "{}");
        var body = await Json.ReadSuccessAsync(response);
        return body.GetProperty("token").GetString()!;
    }

    private static Task<HttpResponseMessage> VerifyAsync(TestApp app, string token, string key) =>
        app.PostAsync(VerifyPath, JsonSerializer.Serialize(new Dictionary<string, string> { ["token"] = token, ["key"] = key }));

    /// <summary>Asks for a challenge and answers it with the key the renderer drew; returns the captcha token.</summary>
    private static async Task<string> SolveAsync(TestApp app, RecordingCaptchaRenderer renderer)
    {
        var token = await ChallengeAsync(app);
        using var response = await VerifyAsync(app, token, renderer.Last);
        var body = await Json.ReadSuccessAsync(response);
        return body.GetProperty("captcha_token").GetString()!;
    }

    private static Task<HttpResponseMessage> SendWithHeaderAsync(TestApp app, string json, string captchaToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, SendPath) { Content = new StringContent(json) };
        request.Headers.Add("x-captcha-token", captchaToken);
        return SendAndDisposeRequestAsync(app, request);
    }

    private static async Task<HttpResponseMessage> SendAndDisposeRequestAsync(TestApp app, HttpRequestMessage request)
    {
        using (request)
        {
            return await app.Client.SendAsync(request);
        }
    }
}
