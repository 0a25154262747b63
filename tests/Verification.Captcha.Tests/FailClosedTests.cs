using System.Text;
using Microsoft.AspNetCore.Http;

namespace Verification.Captcha.Tests;

/// <summary>
/// Whatever goes wrong between us and the provider, the token is Unavailable (the send answers 503), never Valid.
/// Every case runs for every provider: the stand-ins answer the same bytes whoever asks.
/// </summary>
public sealed class FailClosedTests
{
    public static TheoryData<CaptchaProvider> Providers => [CaptchaProvider.Turnstile, CaptchaProvider.HCaptcha, CaptchaProvider.ReCaptchaV2, CaptchaProvider.ReCaptchaV3];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ValidateAsync_ProviderNeverAnswers_IsUnavailableAfterTheTimeout(CaptchaProvider provider)
    {
        await using var standIn = await StandIn.StartAsync(StandIn.NeverAnswers());
        using var h = For(provider, standIn.Endpoint, o => o.Timeout = TimeSpan.FromMilliseconds(300));

        var result = await h.Validator.ValidateAsync("token", Harness.Client);

        Expect.Unavailable(result, CaptchaValidationReasons.Timeout);
        Assert.Single(standIn.Requests);
    }

    [Fact]
    public async Task ValidateAsync_ProviderNeverAnswers_TimesOutOnTheInjectedClock()
    {
        await using var standIn = await StandIn.StartAsync(StandIn.NeverAnswers());
        var time = Clock.Fake();
        using var h = Harness.Turnstile(standIn.Endpoint, configure: o => o.Timeout = TimeSpan.FromMinutes(2), time: time);

        var pending = h.Validator.ValidateAsync(TestKeys.TurnstileDummyToken, Harness.Client).AsTask();
        await standIn.FirstRequest.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.False(pending.IsCompleted);
        time.Advance(TimeSpan.FromMinutes(2));

        Expect.Unavailable(await pending.WaitAsync(TimeSpan.FromSeconds(60)), CaptchaValidationReasons.Timeout);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ValidateAsync_Status500EvenWithASuccessBody_IsUnavailable(CaptchaProvider provider)
    {
        await using var standIn = await StandIn.StartAsync(StandIn.Raw(500, "application/json", """{"success":true,"score":1.0}"""));
        using var h = For(provider, standIn.Endpoint);

        Expect.Unavailable(await h.Validator.ValidateAsync("token", Harness.Client), CaptchaValidationReasons.HttpError);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(429)]
    [InlineData(502)]
    [InlineData(503)]
    public async Task ValidateAsync_NonSuccessStatus_IsUnavailable(int status)
    {
        await using var standIn = await StandIn.StartAsync(StandIn.Raw(status, "application/json", """{"success":true}"""));
        using var h = Harness.Turnstile(standIn.Endpoint);

        Expect.Unavailable(await h.Validator.ValidateAsync(TestKeys.TurnstileDummyToken, Harness.Client), CaptchaValidationReasons.HttpError);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ValidateAsync_HtmlAnswer_IsUnavailable(CaptchaProvider provider)
    {
        await using var standIn = await StandIn.StartAsync(StandIn.Raw(200, "text/html; charset=utf-8",
            "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>success: true</body></html>"));
        using var h = For(provider, standIn.Endpoint);

        Expect.Unavailable(await h.Validator.ValidateAsync("token", Harness.Client), CaptchaValidationReasons.MalformedResponse);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ValidateAsync_MalformedJson_IsUnavailable(CaptchaProvider provider)
    {
        await using var standIn = await StandIn.StartAsync(StandIn.Json("""{"success":true,"hostname":"example.com","""));
        using var h = For(provider, standIn.Endpoint);

        Expect.Unavailable(await h.Validator.ValidateAsync("token", Harness.Client), CaptchaValidationReasons.MalformedResponse);
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("true")]
    [InlineData("[{\"success\":true}]")]
    [InlineData("{}")]
    [InlineData("{\"Success\":true}")]
    [InlineData("{\"success\":\"true\"}")]
    [InlineData("{\"success\":1}")]
    [InlineData("{\"success\":null}")]
    [InlineData("{\"success\":false,\"success\":true}")]
    [InlineData("{\"success\":true,\"error-codes\":\"none\"}")]
    [InlineData("{\"success\":true} {\"success\":true}")]
    public async Task ValidateAsync_JsonWithoutAPlainBooleanSuccess_IsUnavailable(string body)
    {
        await using var standIn = await StandIn.StartAsync(StandIn.Json(body));
        using var h = Harness.Turnstile(standIn.Endpoint);

        Expect.Unavailable(await h.Validator.ValidateAsync(TestKeys.TurnstileDummyToken, Harness.Client), CaptchaValidationReasons.MalformedResponse);
    }

    [Fact]
    public async Task ValidateAsync_AnswerOver64KiBWithContentLength_IsUnavailable()
    {
        var body = """{"success":true,"cdata":""" + "\"" + new string('x', 70_000) + "\"}";
        await using var standIn = await StandIn.StartAsync(StandIn.Json(body));
        using var h = Harness.Turnstile(standIn.Endpoint);

        Expect.Unavailable(await h.Validator.ValidateAsync(TestKeys.TurnstileDummyToken, Harness.Client), CaptchaValidationReasons.ResponseTooLarge);
    }

    [Fact]
    public async Task ValidateAsync_ChunkedAnswerOver64KiB_IsUnavailable()
    {
        await using var standIn = await StandIn.StartAsync(async (context, _, _) =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"success":true,"cdata":" """);
            for (var i = 0; i < 80; i++)
            {
                await context.Response.WriteAsync(new string('x', 1024));
                await context.Response.Body.FlushAsync();
            }

            await context.Response.WriteAsync("\"}");
        });
        using var h = Harness.Turnstile(standIn.Endpoint);

        Expect.Unavailable(await h.Validator.ValidateAsync(TestKeys.TurnstileDummyToken, Harness.Client), CaptchaValidationReasons.ResponseTooLarge);
    }

    [Fact]
    public async Task ValidateAsync_AnswerJustUnder64KiB_IsRead()
    {
        var head = """{"success":true,"cdata":" """.TrimEnd();
        var body = head + new string('x', (64 * 1024) - head.Length - 2) + "\"}";
        Assert.Equal(64 * 1024, Encoding.UTF8.GetByteCount(body));
        await using var standIn = await StandIn.StartAsync(StandIn.Json(body));
        using var h = Harness.Turnstile(standIn.Endpoint);

        Expect.Valid(await h.Validator.ValidateAsync(TestKeys.TurnstileDummyToken, Harness.Client));
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task ValidateAsync_Redirect_IsUnavailableAndNotFollowed(int status)
    {
        await using var target = await StandIn.StartAsync(StandIn.Json("""{"success":true}"""));
        await using var standIn = await StandIn.StartAsync((context, _, _) =>
        {
            context.Response.StatusCode = status;
            context.Response.Headers.Location = target.Endpoint.ToString();
            return Task.CompletedTask;
        });
        using var h = Harness.Turnstile(standIn.Endpoint);

        Expect.Unavailable(await h.Validator.ValidateAsync(TestKeys.TurnstileDummyToken, Harness.Client), CaptchaValidationReasons.HttpError);
        Assert.Empty(target.Requests);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ValidateAsync_ConnectionRefused_IsUnavailable(CaptchaProvider provider)
    {
        using var h = For(provider, StandIn.ClosedPortEndpoint());

        Expect.Unavailable(await h.Validator.ValidateAsync("token", Harness.Client), CaptchaValidationReasons.NetworkError);
    }

    [Fact]
    public async Task ValidateAsync_ConnectionDroppedMidAnswer_IsUnavailable()
    {
        await using var standIn = await StandIn.StartAsync(async (context, _, _) =>
        {
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = 200;
            await context.Response.WriteAsync("""{"success":true,""");
            await context.Response.Body.FlushAsync();
            context.Abort();
        });
        using var h = Harness.Turnstile(standIn.Endpoint);

        var result = await h.Validator.ValidateAsync(TestKeys.TurnstileDummyToken, Harness.Client);

        Assert.Equal(CaptchaValidationStatus.Unavailable, result.Status);
        Assert.Contains(result.Reason, new[] { CaptchaValidationReasons.NetworkError, CaptchaValidationReasons.MalformedResponse });
    }

    [Fact]
    public async Task ValidateAsync_StoreDownWhenMarkingTheTokenUsed_IsUnavailable()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.Turnstile());
        using var h = Harness.Turnstile(standIn.Endpoint, store: new RecordingStore(down: true));

        Expect.Unavailable(await h.Validator.ValidateAsync(TestKeys.TurnstileDummyToken, Harness.Client), CaptchaValidationReasons.StoreUnavailable);
    }

    [Fact]
    public async Task ValidateAsync_CallerCancels_ThrowsRatherThanAnsweringUnavailable()
    {
        await using var standIn = await StandIn.StartAsync(StandIn.NeverAnswers());
        using var h = Harness.Turnstile(standIn.Endpoint, configure: o => o.Timeout = TimeSpan.FromMinutes(2));
        using var cancel = new CancellationTokenSource();

        var pending = h.Validator.ValidateAsync(TestKeys.TurnstileDummyToken, Harness.Client, cancel.Token).AsTask();
        await standIn.FirstRequest.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(TimeSpan.FromSeconds(60)));
    }

    private static Harness For(CaptchaProvider provider, Uri endpoint, Action<CaptchaOptions>? configure = null) =>
        new(b => b.AddCaptcha(o =>
        {
            o.Provider = provider;
            o.Secret = "secret-for-" + provider;
            o.Endpoint = endpoint;
            configure?.Invoke(o);
        }));
}
