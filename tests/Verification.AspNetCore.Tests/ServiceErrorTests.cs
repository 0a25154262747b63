using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace Verification.AspNetCore.Tests;

/// <summary>Every documented error of the service, reached over HTTP, with its status and JSON body.</summary>
public sealed class ServiceErrorTests
{
    private const string Send = "/auth/v1/verification";
    private const string Verify = "/auth/v1/verification/verify";
    private static readonly string PhoneJson = $$"""{"phone_number":"{{TestApp.Phone}}"}""";
    private static readonly string EmailJson = $$"""{"email":"{{TestApp.Email}}"}""";

    [Theory]
    [InlineData("12345", "phone_number")]
    [InlineData("15588665555", "missing_country_code")]
    [InlineData("+1 202 555 0143", "region_not_allowed")]
    [InlineData("+86 10 6552 9988", "number_type_not_allowed")]
    public async Task Send_WithBadPhoneNumber_AnswersInvalidPhoneNumber4001(string phone, string reasonOrField)
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.PostAsync(Send, $$"""{"phone_number":"{{phone}}"}""");

        var body = await Json.AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_phone_number", 4001);
        Assert.Equal("phone_number", Json.Detail(body, "field"));
        if (reasonOrField != "phone_number")
        {
            Assert.Equal(reasonOrField, Json.Detail(body, "reason"));
        }

        Assert.Empty(app.Messages);
    }

    [Fact]
    public async Task Send_EmailWithOnlyAnSmsSender_AnswersFailedPreconditionChannelDisabled()
    {
        await using var app = await TestApp.StartAsync(o => o.Email = false);

        using var response = await app.PostAsync(Send, EmailJson);

        var body = await Json.AssertErrorAsync(response, HttpStatusCode.BadRequest, "failed_precondition", 4002);
        Assert.Equal("channel_disabled", Json.Detail(body, "reason"));
        Assert.Equal("email", Json.Detail(body, "field"));
    }

    [Theory]
    [InlineData("USER")]
    [InlineData("NOT_USER")]
    public async Task Send_WithTargetAndNoUserDirectory_AnswersFailedPreconditionNoUserDirectory(string target)
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.PostAsync(Send, $$"""{"phone_number":"{{TestApp.Phone}}","target":"{{target}}"}""");

        var body = await Json.AssertErrorAsync(response, HttpStatusCode.BadRequest, "failed_precondition", 4002);
        Assert.Equal("no_user_directory", Json.Detail(body, "reason"));
        Assert.Equal("target", Json.Detail(body, "field"));
    }

    [Fact]
    public async Task Send_TargetUserForUnknownContact_AnswersUserNotFound404()
    {
        await using var app = await TestApp.StartAsync(o => o.UserDirectory = new FakeUserDirectory("other@example.com"));

        using var response = await app.PostAsync(Send, $$"""{"email":"{{TestApp.Email}}","target":"USER"}""");

        await Json.AssertErrorAsync(response, HttpStatusCode.NotFound, "user_not_found", 4004);
        Assert.Empty(app.Messages);
    }

    [Fact]
    public async Task Send_TargetNotUserForExistingContact_AnswersAlreadyExists409()
    {
        await using var app = await TestApp.StartAsync(o => o.UserDirectory = new FakeUserDirectory(TestApp.PhoneE164));

        using var response = await app.PostAsync(Send, $$"""{"phone_number":"{{TestApp.Phone}}","target":"NOT_USER"}""");

        await Json.AssertErrorAsync(response, HttpStatusCode.Conflict, "already_exists", 4009);
        Assert.Empty(app.Messages);
    }

    [Fact]
    public async Task Verify_WithWrongCode_AnswersInvalidVerificationCodeWrongWithAttemptsRemaining()
    {
        await using var app = await TestApp.StartAsync();
        var id = await app.SendAsync(PhoneJson);
        var code = app.SmsSender.LastCode!;

        using var response = await app.PostAsync(Verify, VerificationFlowTests.VerifyJson(id, WrongCode(code)));

        var body = await Json.AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_verification_code", 4003);
        Assert.Equal("wrong", Json.Detail(body, "reason"));
        Assert.Equal(4, body.GetProperty("details").GetProperty("attempts_remaining").GetInt32());

        // A wrong attempt does not burn the code.
        using var right = await app.PostAsync(Verify, VerificationFlowTests.VerifyJson(id, code));
        await Json.ReadSuccessAsync(right);
    }

    [Fact]
    public async Task Verify_FiveWrongCodes_LastAnswersExhaustedAndTheRightCodeNoLongerWorks()
    {
        await using var app = await TestApp.StartAsync();
        var id = await app.SendAsync(EmailJson);
        var code = app.EmailSender.LastCode!;

        for (var remaining = 4; remaining >= 1; remaining--)
        {
            using var wrong = await app.PostAsync(Verify, VerificationFlowTests.VerifyJson(id, WrongCode(code)));
            var body = await Json.AssertErrorAsync(wrong, HttpStatusCode.BadRequest, "invalid_verification_code", 4003);
            Assert.Equal(remaining.ToString(System.Globalization.CultureInfo.InvariantCulture), Json.Detail(body, "attempts_remaining"));
        }

        using var last = await app.PostAsync(Verify, VerificationFlowTests.VerifyJson(id, WrongCode(code)));
        var lastBody = await Json.AssertErrorAsync(last, HttpStatusCode.BadRequest, "invalid_verification_code", 4003);
        Assert.Equal("exhausted", Json.Detail(lastBody, "reason"));
        Assert.Equal("0", Json.Detail(lastBody, "attempts_remaining"));

        using var right = await app.PostAsync(Verify, VerificationFlowTests.VerifyJson(id, code));
        var rightBody = await Json.AssertErrorAsync(right, HttpStatusCode.BadRequest, "invalid_verification_code", 4003);
        Assert.Equal("exhausted", Json.Detail(rightBody, "reason"));
    }

    [Fact]
    public async Task Verify_AfterTheCodeLifetime_AnswersInvalidVerificationCodeExpired()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
        await using var app = await TestApp.StartAsync(o => o.Time = time);
        var id = await app.SendAsync(PhoneJson);

        time.Advance(TimeSpan.FromSeconds(601));
        using var response = await app.PostAsync(Verify, VerificationFlowTests.VerifyJson(id, app.SmsSender.LastCode!));

        var body = await Json.AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_verification_code", 4003);
        Assert.Equal("expired", Json.Detail(body, "reason"));
    }

    [Fact]
    public async Task Verify_WithForgedVerificationId_AnswersInvalidVerificationCodeUnknown()
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.PostAsync(Verify, VerificationFlowTests.VerifyJson("eyJhbGciOiJub25lIn0.eyJlIjoieCJ9.", "123456"));

        var body = await Json.AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_verification_code", 4003);
        Assert.Equal("unknown", Json.Detail(body, "reason"));
    }

    [Fact]
    public async Task Send_AgainWithinCooldown_Answers429WithRetryAfterHeaderEqualToDetails()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
        await using var app = await TestApp.StartAsync(o => o.Time = time);
        await app.SendAsync(PhoneJson);

        // 49.5 s of the 60 s cooldown remain: both the header and the body say 50 (rounded up).
        time.Advance(TimeSpan.FromSeconds(10.5));
        using var response = await app.PostAsync(Send, """{"phone_number":"+8615588665555"}""");

        var body = await Json.AssertErrorAsync(response, (HttpStatusCode)429, "rate_limit_exceeded", 4029);
        Assert.Equal("resend_cooldown", Json.Detail(body, "reason"));
        var retryAfter = body.GetProperty("details").GetProperty("retry_after").GetInt64();
        Assert.Equal(50, retryAfter);
        Assert.Equal(TimeSpan.FromSeconds(50), response.Headers.RetryAfter?.Delta);
        Assert.Equal(["50"], response.Headers.GetValues("Retry-After"));
        Assert.Single(app.Messages);

        time.Advance(TimeSpan.FromSeconds(50));
        using var later = await app.PostAsync(Send, PhoneJson);
        await Json.ReadSuccessAsync(later);
        Assert.Equal(2, app.Messages.Count);
    }

    [Fact]
    public async Task VerifyAndSend_AfterTheContactsFailureBudgetIsSpent_Answer429WithRetryAfter()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
        await using var app = await TestApp.StartAsync(o =>
        {
            o.Time = time;
            o.Verification = v =>
            {
                v.Throttling.FailedAttemptsPerContact = 2;
                v.Throttling.FailedAttemptsBackstop = 2;
                v.Throttling.FailedAttemptsWindow = TimeSpan.FromHours(1);
            };
        });
        var id = await app.SendAsync(PhoneJson);
        var code = app.SmsSender.LastCode!;
        for (var i = 0; i < 2; i++)
        {
            using var wrong = await app.PostAsync(Verify, VerificationFlowTests.VerifyJson(id, WrongCode(code)));
            await Json.AssertErrorAsync(wrong, HttpStatusCode.BadRequest, "invalid_verification_code", 4003);
        }

        // Even the right code is refused while the budget is spent.
        using var verifyRefused = await app.PostAsync(Verify, VerificationFlowTests.VerifyJson(id, code));
        var verifyBody = await Json.AssertErrorAsync(verifyRefused, (HttpStatusCode)429, "rate_limit_exceeded", 4029);
        Assert.Equal("failure_budget", Json.Detail(verifyBody, "reason"));
        Assert.Equal("3600", Json.Detail(verifyBody, "retry_after"));
        Assert.Equal(["3600"], verifyRefused.Headers.GetValues("Retry-After"));

        // And so are sends; the wait is rounded up to whole seconds.
        time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromMilliseconds(1));
        using var refused = await app.PostAsync(Send, PhoneJson);

        var body = await Json.AssertErrorAsync(refused, (HttpStatusCode)429, "rate_limit_exceeded", 4029);
        Assert.Equal("failure_budget", Json.Detail(body, "reason"));
        Assert.Equal("3000", Json.Detail(body, "retry_after"));
        Assert.Equal(TimeSpan.FromSeconds(3000), refused.Headers.RetryAfter?.Delta);
    }

    [Theory]
    [InlineData("POST", "/auth/v1/nope")]
    [InlineData("GET", "/auth/v1/nope/deeper")]
    [InlineData("POST", "/auth/v1/")]
    [InlineData("POST", "/auth/v1/verification/verify/more")]
    public async Task Request_ToUnknownPathUnderThePrefixWithJsonNotFound_AnswersJsonNotFound404(string method, string path)
    {
        await using var app = await TestApp.StartAsync(o => o.Configuration["Verification:Http:JsonNotFound"] = "true");

        using var response = await app.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}") });

        await Json.AssertErrorAsync(response, HttpStatusCode.NotFound, "not_found", 4040);
    }

    [Theory]
    [InlineData("POST", "/auth/v1/nope")]
    [InlineData("GET", "/auth/v1/nope/deeper")]
    [InlineData("POST", "/auth/v1/verification/verify/more")]
    public async Task Request_ToUnknownPathUnderThePrefix_GetsAspNetCoresOwn404(string method, string path)
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}") });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("GET", "/auth/v1/verification")]
    [InlineData("PUT", "/auth/v1/verification")]
    [InlineData("DELETE", "/auth/v1/verification/verify")]
    [InlineData("PATCH", "/auth/v1/verification/verify")]
    [InlineData("TRACE", "/auth/v1/verification")]
    [InlineData("PROPFIND", "/auth/v1/verification/verify")]
    public async Task Request_WithOtherMethodThanPost_AnswersJsonMethodNotAllowed405WithAllow(string method, string path)
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        await Json.AssertErrorAsync(response, HttpStatusCode.MethodNotAllowed, "method_not_allowed", 4050);
        Assert.Contains("POST", response.Content.Headers.Allow);
    }

    [Fact]
    public async Task Head_OnTheSendEndpoint_Answers405WithAllowAndNoBody()
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, Send));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("POST", response.Content.Headers.Allow);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData(Send)]
    [InlineData(Verify)]
    public async Task Post_WhenTheServiceThrows_AnswersJsonInternal500AndLogsIt(string path)
    {
        var service = Substitute.For<IVerificationService>();
        service.SendAsync(default!, default, default).ReturnsForAnyArgs<ValueTask<VerificationResult<VerificationResponse>>>(_ => throw new InvalidOperationException("boom"));
        service.VerifyAsync(default!, default, default).ReturnsForAnyArgs<ValueTask<VerificationResult<VerifyResponse>>>(_ => throw new InvalidOperationException("boom"));
        await using var app = await TestApp.StartAsync(o => o.Services = s => s.Replace(ServiceDescriptor.Singleton(service)));

        using var response = await app.PostAsync(path, """{"phone_number":"+86 15588665555","verification_id":"x","verification_code":"123456"}""");

        var body = await Json.AssertErrorAsync(response, HttpStatusCode.InternalServerError, "internal", 5000);
        Assert.DoesNotContain("boom", body.GetProperty("error_description").GetString(), StringComparison.Ordinal);
        var logged = Assert.Single(app.Logs.GetSnapshot(), r => r.Level == LogLevel.Error);
        Assert.IsType<InvalidOperationException>(logged.Exception);
    }

    [Fact]
    public async Task Post_WhenTheServiceThrowsAsynchronously_AnswersJsonInternal500()
    {
        var service = Substitute.For<IVerificationService>();
        service.SendAsync(default!, default, default).ReturnsForAnyArgs(_ => ThrowLaterAsync());
        await using var app = await TestApp.StartAsync(o => o.Services = s => s.Replace(ServiceDescriptor.Singleton(service)));

        using var response = await app.PostAsync(Send, PhoneJson);

        await Json.AssertErrorAsync(response, HttpStatusCode.InternalServerError, "internal", 5000);
    }

    [Fact]
    public async Task Send_WhenTheStoreThrows_AnswersUnavailable503AndSendsNothing()
    {
        var store = Substitute.For<ICodeStore>();
        store.SaveAsync(default!, default!, default, default, default).ReturnsForAnyArgs<ValueTask<SaveOutcome>>(_ => throw new TimeoutException("store down"));
        await using var app = await TestApp.StartAsync(o => o.Services = s => s.Replace(ServiceDescriptor.Singleton(store)));

        using var response = await app.PostAsync(Send, PhoneJson);

        var body = await Json.AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable, "unavailable", 5003);
        Assert.Equal("store_unavailable", Json.Detail(body, "reason"));
        Assert.Empty(app.Messages);
    }

    [Fact]
    public async Task Verify_WhenTheStoreThrows_AnswersUnavailable503()
    {
        var store = Substitute.For<ICodeStore>();
        store.SaveAsync(default!, default!, default, default, default).ReturnsForAnyArgs(new ValueTask<SaveOutcome>(SaveOutcome.Saved));
        store.AttemptAsync(default, default, default, default, default, default).ThrowsAsyncForAnyArgs(new IOException("store down"));
        await using var app = await TestApp.StartAsync(o => o.Services = s => s.Replace(ServiceDescriptor.Singleton(store)));
        var id = await app.SendAsync(PhoneJson);

        using var response = await app.PostAsync(Verify, VerificationFlowTests.VerifyJson(id, app.SmsSender.LastCode!));

        var body = await Json.AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable, "unavailable", 5003);
        Assert.Equal("store_unavailable", Json.Detail(body, "reason"));
    }

    [Fact]
    public async Task Send_WhenEverySenderFails_AnswersUnavailable503DeliveryFailed()
    {
        var sender = Substitute.For<ISmsSender>();
        sender.SendAsync(default!, default).ReturnsForAnyArgs<ValueTask>(_ => throw new DeliveryException(DeliveryFailureKind.Transient, "provider down"));
        await using var app = await TestApp.StartAsync(o =>
        {
            o.Sms = false;
            o.Services = s => s.AddSingleton(sender);
        });

        using var response = await app.PostAsync(Send, PhoneJson);

        var body = await Json.AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable, "unavailable", 5003);
        Assert.Equal("delivery_failed", Json.Detail(body, "reason"));
    }

    [Fact]
    public async Task Send_WhenASoftLimitRefuses_AnswersCaptchaRequired4028()
    {
        var store = Substitute.For<ICodeStore>();
        var soft = new RateCharge("ip:127.0.0.1", 5, TimeSpan.FromHours(1), Kind: RateLimitKind.Soft, Reason: "ip_limit");
        store.SaveAsync(default!, default!, default, default, default)
            .ReturnsForAnyArgs(new ValueTask<SaveOutcome>(new SaveOutcome(SaveStatus.CaptchaRequired, soft, TimeSpan.FromMinutes(30))));
        await using var app = await TestApp.StartAsync(o => o.Services = s => s.Replace(ServiceDescriptor.Singleton(store)));

        using var response = await app.PostAsync(Send, PhoneJson);

        await Json.AssertErrorAsync(response, HttpStatusCode.BadRequest, "captcha_required", 4028);
        Assert.Empty(app.Messages);
    }

    private static async ValueTask<VerificationResult<VerificationResponse>> ThrowLaterAsync()
    {
        await Task.Yield();
        throw new InvalidOperationException("boom");
    }

    private static string WrongCode(string code) => (code[0] == '9' ? '0' : (char)(code[0] + 1)) + code[1..];
}
