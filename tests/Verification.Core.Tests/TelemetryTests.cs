using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using MsOptions = Microsoft.Extensions.Options.Options;

using Verification.Captcha.Image;

namespace Verification.Tests;

/// <summary>
/// The <c>Verification</c> meter and activity source as docs/telemetry.md documents them: the values of every
/// instrument after a scripted flow, and the spans of send, verify, redeem and each delivery attempt.
/// </summary>
public sealed class TelemetryTests
{
    // ---- Metrics after a scripted flow -----------------------------------------------------------------------

    [Fact]
    public async Task ScriptedFlow_SendsVerifiesRedeemsAndAFailover_CountsEveryInstrument()
    {
        var failing = new ScriptedSender("tencentcloud").ThenThrow(new DeliveryException(DeliveryFailureKind.Transient, "provider 500"));
        var backup = new FakeSmsSender("twilio");
        var smtp = new FakeEmailSender("smtp");
        using var t = new Telemetry([failing, backup], [smtp]);
        using var sends = t.Collect("verification.sends");
        using var deliveries = t.Collect("verification.deliveries");
        using var duration = new MetricCollector<double>(t.Meters, "Verification", "verification.delivery.duration");
        using var throttles = t.Collect("verification.throttles");
        using var verifications = t.Collect("verification.codes.verifications");
        using var redeemed = t.Collect("verification.tokens.redeemed");
        using var sent = t.Collect("verification.codes.sent");

        // SMS: the first provider fails (transient), the second delivers; a resend within the cooldown is throttled.
        var sms = ResultAssert.Succeeded(await t.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));
        ResultAssert.Failed(await t.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)), VerificationErrorCodes.RateLimitExceeded);

        // Email: delivered; wrong code, right code, redeemed twice.
        var mail = ResultAssert.Succeeded(await t.Service.SendAsync(new VerificationRequest(Email: ServiceHarness.Email)));
        var code = smtp.LastCode!;
        ResultAssert.Failed(await t.Service.VerifyAsync(new VerifyRequest(mail.VerificationId, ServiceHarness.WrongCode(code))), VerificationErrorCodes.InvalidVerificationCode);
        var token = ResultAssert.Succeeded(await t.Service.VerifyAsync(new VerifyRequest(mail.VerificationId, code))).VerificationToken;
        ResultAssert.Succeeded(await t.Service.RedeemVerificationTokenAsync(token));
        ResultAssert.Failed(await t.Service.RedeemVerificationTokenAsync(token), VerificationErrorCodes.InvalidVerificationToken);

        // Bad input: counted with channel unknown.
        ResultAssert.Failed(await t.Service.SendAsync(new VerificationRequest()), VerificationErrorCodes.InvalidArgument);
        Assert.False(string.IsNullOrEmpty(sms.VerificationId));

        Assert.Equal(
            [
                ("sms", "sent", "none"),
                ("sms", VerificationErrorCodes.RateLimitExceeded, VerificationErrorReasons.ResendCooldown),
                ("email", "sent", "none"),
                ("unknown", VerificationErrorCodes.InvalidArgument, VerificationErrorReasons.ExactlyOneContact),
            ],
            sends.GetMeasurementSnapshot().Select(m => (Tag(m.Tags, "verification.channel"), Tag(m.Tags, "verification.outcome"), Tag(m.Tags, "verification.reason"))));

        Assert.Equal(
            [("tencentcloud", "sms", "transient"), ("twilio", "sms", "delivered"), ("smtp", "email", "delivered")],
            deliveries.GetMeasurementSnapshot().Select(m => (Tag(m.Tags, "verification.provider"), Tag(m.Tags, "verification.channel"), Tag(m.Tags, "verification.outcome"))));
        var durations = duration.GetMeasurementSnapshot();
        Assert.Equal(
            [("tencentcloud", "transient"), ("twilio", "delivered"), ("smtp", "delivered")],
            durations.Select(m => (Tag(m.Tags, "verification.provider"), Tag(m.Tags, "verification.outcome"))));
        Assert.All(durations, m => Assert.InRange(m.Value, 0, 60));
        Assert.Equal("s", duration.Instrument!.Unit);

        var throttle = Assert.Single(throttles.GetMeasurementSnapshot());
        Assert.Equal(("send", "hard", VerificationErrorReasons.ResendCooldown), (Tag(throttle.Tags, "verification.operation"), Tag(throttle.Tags, "verification.limit.kind"), Tag(throttle.Tags, "verification.reason")));

        Assert.Equal(
            [("email", "wrong"), ("email", "verified")],
            verifications.GetMeasurementSnapshot().Select(m => (Tag(m.Tags, "verification.channel"), Tag(m.Tags, "verification.outcome"))));
        Assert.Equal(["redeemed", VerificationErrorReasons.Used], redeemed.GetMeasurementSnapshot().Select(m => Tag(m.Tags, "verification.outcome")));
        Assert.Equal(2, sent.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    [Fact]
    public async Task SendAsync_EveryProviderFails_CountsTheFailedDeliveryAndAnUnavailableSend()
    {
        var failing = new ScriptedSender("smtp").ThenThrow(new DeliveryException(DeliveryFailureKind.Unknown, "timeout after send"));
        using var t = new Telemetry([new FakeSmsSender()], [failing]);
        using var sends = t.Collect("verification.sends");
        using var deliveries = t.Collect("verification.deliveries");
        using var sent = t.Collect("verification.codes.sent");

        ResultAssert.Failed(await t.Service.SendAsync(new VerificationRequest(Email: ServiceHarness.Email)), VerificationErrorCodes.Unavailable, VerificationErrorReasons.DeliveryFailed);

        var send = Assert.Single(sends.GetMeasurementSnapshot());
        Assert.Equal((VerificationErrorCodes.Unavailable, VerificationErrorReasons.DeliveryFailed), (Tag(send.Tags, "verification.outcome"), Tag(send.Tags, "verification.reason")));
        var delivery = Assert.Single(deliveries.GetMeasurementSnapshot());
        Assert.Equal(("smtp", "unknown"), (Tag(delivery.Tags, "verification.provider"), Tag(delivery.Tags, "verification.outcome")));
        Assert.Empty(sent.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task SendAsync_NotProcessedThenDelivered_CountsEachAttempt()
    {
        var flaky = new ScriptedSender("twilio").ThenThrow(new DeliveryException(DeliveryFailureKind.NotProcessed, "429"));
        using var t = new Telemetry([flaky], [new FakeEmailSender()]);
        using var deliveries = t.Collect("verification.deliveries");

        ResultAssert.Succeeded(await t.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));

        Assert.Equal(["not_processed", "delivered"], deliveries.GetMeasurementSnapshot().Select(m => Tag(m.Tags, "verification.outcome")));
    }

    [Fact]
    public async Task SendAsync_CaptchaRequiredThenValidToken_CountsChallengeThrottleAndValidation()
    {
        var validator = new FixedCaptchaValidator();
        using var t = new Telemetry([new FakeSmsSender()], [new FakeEmailSender()], o => o.Captcha.AlwaysRequire = true, validator);
        using var captcha = t.Collect("verification.captcha.challenges");
        using var throttles = t.Collect("verification.throttles");

        ResultAssert.Failed(await t.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)), VerificationErrorCodes.CaptchaRequired);
        ResultAssert.Succeeded(await t.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, CaptchaToken: "pass")));
        validator.Status = CaptchaValidationStatus.Invalid;
        ResultAssert.Failed(await t.Service.SendAsync(new VerificationRequest(Email: ServiceHarness.Email, CaptchaToken: "fail")), VerificationErrorCodes.CaptchaInvalid);

        Assert.Equal(
            [("send", "required"), ("validation", "valid"), ("validation", "invalid")],
            captcha.GetMeasurementSnapshot().Select(m => (Tag(m.Tags, "verification.captcha.source"), Tag(m.Tags, "verification.outcome"))));
        var throttle = Assert.Single(throttles.GetMeasurementSnapshot());
        Assert.Equal(("send", "soft", VerificationErrorReasons.Always), (Tag(throttle.Tags, "verification.operation"), Tag(throttle.Tags, "verification.limit.kind"), Tag(throttle.Tags, "verification.reason")));
    }

    [Fact]
    public async Task ImageCaptcha_IssuedWrongSolvedAndRateLimited_CountsEachOutcome()
    {
        using var provider = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = provider.GetRequiredService<IMeterFactory>();
        var options = ServiceHarness.CreateOptions();
        options.Captcha.ChallengesPerIpPerHour = 2;
        var renderer = new RecordingCaptchaRenderer();
        var captcha = new ImageCaptchaService(MsOptions.Create(options), new InMemoryCodeStore(), renderer, new FakeTimeProvider(ServiceHarness.Start), meterFactory: meters);
        using var collector = new MetricCollector<long>(meters, "Verification", "verification.captcha.challenges");
        using var throttles = new MetricCollector<long>(meters, "Verification", "verification.throttles");
        var context = new VerificationContext { ClientIp = System.Net.IPAddress.Parse("203.0.113.9") };

        var challenge = ResultAssert.Succeeded(await captcha.CreateChallengeAsync(context));
        var key = renderer.Last;
        ResultAssert.Failed(await captcha.VerifyChallengeAsync(challenge.Token, key == "AAAA" ? "CCCC" : "AAAA"), VerificationErrorCodes.InvalidCaptcha);
        ResultAssert.Succeeded(await captcha.VerifyChallengeAsync(challenge.Token, key));
        ResultAssert.Succeeded(await captcha.CreateChallengeAsync(context));
        ResultAssert.Failed(await captcha.CreateChallengeAsync(context), VerificationErrorCodes.RateLimitExceeded);

        Assert.Equal(
            [("image", "issued"), ("image", "wrong"), ("image", "solved"), ("image", "issued"), ("image", "rate_limited")],
            collector.GetMeasurementSnapshot().Select(m => (Tag(m.Tags, "verification.captcha.source"), Tag(m.Tags, "verification.outcome"))));
        var throttle = Assert.Single(throttles.GetMeasurementSnapshot());
        Assert.Equal(("captcha", VerificationErrorReasons.CaptchaLimit), (Tag(throttle.Tags, "verification.operation"), Tag(throttle.Tags, "verification.reason")));
    }

    [Theory]
    [InlineData("tencentcloud", "tencentcloud")]
    [InlineData("Twilio", "twilio")]
    [InlineData("pickup-directory", "pickup-directory")]
    [InlineData("My Sender", "custom")]
    [InlineData("sms@example", "custom")]
    [InlineData("", "custom")]
    public void ProviderTag_SenderName_IsAPlainIdentifierOrCustom(string name, string expected) =>
        Assert.Equal(expected, VerificationMetrics.ProviderTag(name));

    [Theory]
    [InlineData(null, "none")]
    [InlineData("resend_cooldown", "resend_cooldown")]
    [InlineData("invalid-input-response", "invalid-input-response")]
    [InlineData("Something went wrong: +8615588665555", "other")]
    public void TagValue_Reason_IsAKnownShapeOrOther(string? reason, string expected) =>
        Assert.Equal(expected, VerificationMetrics.TagValue(reason));

    // ---- Spans -----------------------------------------------------------------------------------------------

    [Fact]
    public async Task Flow_WithAListener_RecordsSendVerifyRedeemAndDeliverySpansWithFixedTagsAndErrorStatus()
    {
        var failing = new ScriptedSender("tencentcloud").ThenThrow(new DeliveryException(DeliveryFailureKind.Transient, "provider 500"));
        var backup = new FakeSmsSender("twilio");
        using var t = new Telemetry([failing, backup], [new FakeEmailSender("smtp")]);
        using var spans = new SpanRecorder();

        string code, verificationId, token;
        using (spans.Root())
        {
            verificationId = ResultAssert.Succeeded(await t.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone))).VerificationId;
            code = backup.LastCode!;
            ResultAssert.Failed(await t.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)), VerificationErrorCodes.RateLimitExceeded);
            ResultAssert.Failed(await t.Service.VerifyAsync(new VerifyRequest(verificationId, ServiceHarness.WrongCode(code))), VerificationErrorCodes.InvalidVerificationCode);
            token = ResultAssert.Succeeded(await t.Service.VerifyAsync(new VerifyRequest(verificationId, code))).VerificationToken;
            ResultAssert.Succeeded(await t.Service.RedeemVerificationTokenAsync(token));
        }

        var recorded = spans.Recorded;
        Assert.Equal(
            ["verification.deliver", "verification.deliver", "verification.send", "verification.send", "verification.verify", "verification.verify", "verification.redeem"],
            recorded.Select(a => a.OperationName));

        var (failedAttempt, goodAttempt, send, throttled, wrong, right, redeem) = (recorded[0], recorded[1], recorded[2], recorded[3], recorded[4], recorded[5], recorded[6]);
        Assert.Equal(("tencentcloud", "sms", "transient", ActivityStatusCode.Error), (Tag(failedAttempt, "verification.provider"), Tag(failedAttempt, "verification.channel"), Tag(failedAttempt, "verification.outcome"), failedAttempt.Status));
        Assert.Equal("transient", Tag(failedAttempt, "error.type"));
        Assert.Equal(("twilio", "delivered", ActivityStatusCode.Unset), (Tag(goodAttempt, "verification.provider"), Tag(goodAttempt, "verification.outcome"), goodAttempt.Status));
        Assert.All([failedAttempt, goodAttempt], a => Assert.Equal(send.SpanId, a.ParentSpanId));

        Assert.Equal(("sms", "sent", ActivityStatusCode.Unset), (Tag(send, "verification.channel"), Tag(send, "verification.outcome"), send.Status));
        Assert.Equal((VerificationErrorCodes.RateLimitExceeded, VerificationErrorReasons.ResendCooldown, VerificationErrorCodes.RateLimitExceeded, ActivityStatusCode.Error),
            (Tag(throttled, "verification.outcome"), Tag(throttled, "verification.reason"), Tag(throttled, "error.type"), throttled.Status));
        Assert.Equal(("sms", VerificationErrorCodes.InvalidVerificationCode, VerificationErrorReasons.Wrong, ActivityStatusCode.Error),
            (Tag(wrong, "verification.channel"), Tag(wrong, "verification.outcome"), Tag(wrong, "verification.reason"), wrong.Status));
        Assert.Equal(("sms", "verified", ActivityStatusCode.Unset), (Tag(right, "verification.channel"), Tag(right, "verification.outcome"), right.Status));
        Assert.Equal(("sms", "redeemed"), (Tag(redeem, "verification.channel"), Tag(redeem, "verification.outcome")));

        // No contact, code or token in any tag.
        var secrets = new[] { ServiceHarness.PhoneE164, "15588665555", code, verificationId, token };
        foreach (var activity in recorded)
        {
            foreach (var (name, value) in activity.TagObjects)
            {
                var text = value?.ToString() ?? string.Empty;
                Assert.DoesNotContain(secrets, s => text.Contains(s, StringComparison.Ordinal));
                Assert.StartsWith(name.StartsWith("error", StringComparison.Ordinal) ? "error." : "verification.", name, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task SendAndVerify_Canceled_SpansEndWithErrorStatusCanceledAndTheExceptionType()
    {
        var store = new ObservableStore();
        using var t = new Telemetry([new FakeSmsSender("twilio")], [new FakeEmailSender("smtp")], store: store);
        using var spans = new SpanRecorder();
        using var canceled = new CancellationTokenSource();
        await canceled.CancelAsync();

        Exception sendError, verifyError;
        using (spans.Root())
        {
            sendError = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await t.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone), cancellationToken: canceled.Token));
            var id = ResultAssert.Succeeded(await t.Service.SendAsync(new VerificationRequest(Email: ServiceHarness.Email))).VerificationId;
            verifyError = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await t.Service.VerifyAsync(new VerifyRequest(id, "000000"), cancellationToken: canceled.Token));
        }

        var failed = spans.Recorded.Where(a => a.OperationName is "verification.send" or "verification.verify" && a.Status == ActivityStatusCode.Error).ToList();
        Assert.Equal(["verification.send", "verification.verify"], failed.Select(a => a.OperationName));
        Assert.All(failed, a => Assert.Equal("canceled", a.StatusDescription));
        Assert.Equal([sendError.GetType().FullName, verifyError.GetType().FullName], failed.Select(a => Tag(a, "error.type")));
    }

    private static string? Tag(IReadOnlyDictionary<string, object?> tags, string name) => tags.TryGetValue(name, out var value) ? value?.ToString() : null;

    private static string? Tag(Activity activity, string name) => activity.GetTagItem(name)?.ToString();

    /// <summary>A service on a real <see cref="IMeterFactory"/>, so that collectors see only its own measurements.</summary>
    private sealed class Telemetry : IDisposable
    {
        private readonly ServiceProvider _provider;

        public Telemetry(ISmsSender[] sms, IEmailSender[] email, Action<VerificationOptions>? configure = null, ICaptchaValidator? captcha = null, ICodeStore? store = null)
        {
            _provider = new ServiceCollection().AddMetrics().BuildServiceProvider();
            Meters = _provider.GetRequiredService<IMeterFactory>();
            var options = ServiceHarness.CreateOptions();
            configure?.Invoke(options);
            Service = new VerificationService(MsOptions.Create(options), store ?? new InMemoryCodeStore(), sms, email, captchaValidator: captcha, timeProvider: new FakeTimeProvider(ServiceHarness.Start), meterFactory: Meters);
        }

        public IMeterFactory Meters { get; }

        public VerificationService Service { get; }

        public MetricCollector<long> Collect(string instrument) => new(Meters, "Verification", instrument);

        public void Dispose() => _provider.Dispose();
    }

    private sealed class FixedCaptchaValidator : ICaptchaValidator
    {
        public CaptchaValidationStatus Status { get; set; } = CaptchaValidationStatus.Valid;

        public ValueTask<CaptchaValidationResult> ValidateAsync(string captchaToken, VerificationContext? context, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(new CaptchaValidationResult(Status, Status == CaptchaValidationStatus.Valid ? null : "invalid-input-response"));
    }

    /// <summary>
    /// Listens to the Verification source and keeps the spans of one trace only (other tests run in parallel and
    /// produce spans of their own), in the order they stopped.
    /// </summary>
    private sealed class SpanRecorder : IDisposable
    {
        private static readonly ActivitySource TestSource = new("Verification.Tests.Telemetry");
        private readonly ActivityListener _listener;
        private readonly ConcurrentQueue<Activity> _stopped = new();
        private ActivityTraceId _trace;

        public SpanRecorder()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name is VerificationTelemetry.SourceName or "Verification.Tests.Telemetry",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = activity =>
                {
                    if (activity.Source.Name == VerificationTelemetry.SourceName && activity.TraceId == _trace)
                    {
                        _stopped.Enqueue(activity);
                    }
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public IReadOnlyList<Activity> Recorded => [.. _stopped];

        public Activity Root()
        {
            var root = TestSource.StartActivity("test-root") ?? throw new InvalidOperationException("The test source is not sampled.");
            _trace = root.TraceId;
            return root;
        }

        public void Dispose() => _listener.Dispose();
    }
}
