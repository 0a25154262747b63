using System.Net;

namespace Verification.Captcha.Tests;

/// <summary>
/// The whole path: <see cref="IVerificationService.SendAsync"/> with a captcha token, the Turnstile validator
/// registered by <c>AddTurnstileCaptcha</c>, and a Kestrel stand-in as siteverify.
/// </summary>
public sealed class EndToEndTests
{
    private const string Phone = "+86 15588665555";

    [Fact]
    public async Task SendAsync_WithATokenTheProviderAccepts_Sends()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.Turnstile());
        var outbox = new FakeSmsSender();
        using var h = Services(outbox, TestKeys.TurnstileAlwaysPasses, standIn.Endpoint);

        var sent = await h.Service.SendAsync(new VerificationRequest(PhoneNumber: Phone, CaptchaToken: TestKeys.TurnstileDummyToken), Harness.Client);

        Assert.True(sent.Succeeded, sent.ToString());
        Assert.Single(outbox.Messages);
        var request = Assert.Single(standIn.Requests);
        Assert.Equal(TestKeys.TurnstileDummyToken, request.Fields["response"]);
        Assert.Equal("203.0.113.7", request.Fields["remoteip"]);
    }

    [Fact]
    public async Task SendAsync_WithATokenTheProviderRefuses_AnswersCaptchaInvalidAndSendsNothing()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.Turnstile());
        var outbox = new FakeSmsSender();
        using var h = Services(outbox, TestKeys.TurnstileAlwaysFails, standIn.Endpoint);

        var sent = await h.Service.SendAsync(new VerificationRequest(PhoneNumber: Phone, CaptchaToken: TestKeys.TurnstileDummyToken), Harness.Client);

        Assert.False(sent.Succeeded);
        Assert.Equal(VerificationErrorCodes.CaptchaInvalid, sent.Error.Code);
        Assert.Equal("invalid-input-response", sent.Error.Reason);
        Assert.Empty(outbox.Messages);
    }

    [Fact]
    public async Task SendAsync_WithAReplayedToken_AnswersCaptchaInvalidDuplicate()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.Turnstile());
        var outbox = new FakeSmsSender();
        using var h = Services(outbox, TestKeys.TurnstileAlwaysPasses, standIn.Endpoint);

        Assert.True((await h.Service.SendAsync(new VerificationRequest(PhoneNumber: Phone, CaptchaToken: TestKeys.TurnstileDummyToken), Harness.Client)).Succeeded);
        var replay = await h.Service.SendAsync(new VerificationRequest(PhoneNumber: "+86 13800138000", CaptchaToken: TestKeys.TurnstileDummyToken), Harness.Client);

        Assert.False(replay.Succeeded);
        Assert.Equal(VerificationErrorCodes.CaptchaInvalid, replay.Error.Code);
        Assert.Equal(CaptchaValidationReasons.Duplicate, replay.Error.Reason);
        Assert.Single(outbox.Messages);
    }

    [Fact]
    public async Task SendAsync_WithTheProviderDown_AnswersUnavailableAndSendsNothing()
    {
        var outbox = new FakeSmsSender();
        using var h = Services(outbox, TestKeys.TurnstileAlwaysPasses, StandIn.ClosedPortEndpoint());

        var sent = await h.Service.SendAsync(new VerificationRequest(PhoneNumber: Phone, CaptchaToken: TestKeys.TurnstileDummyToken), Harness.Client);

        Assert.False(sent.Succeeded);
        Assert.Equal(VerificationErrorCodes.Unavailable, sent.Error.Code);
        Assert.Empty(outbox.Messages);
    }

    [Fact]
    public async Task SendAsync_WithTheProviderHanging_AnswersUnavailable()
    {
        await using var standIn = await StandIn.StartAsync(StandIn.NeverAnswers());
        var outbox = new FakeSmsSender();
        using var h = Services(outbox, TestKeys.TurnstileAlwaysPasses, standIn.Endpoint, TimeSpan.FromMilliseconds(300));

        var sent = await h.Service.SendAsync(new VerificationRequest(PhoneNumber: Phone, CaptchaToken: TestKeys.TurnstileDummyToken), Harness.Client);

        Assert.False(sent.Succeeded);
        Assert.Equal(VerificationErrorCodes.Unavailable, sent.Error.Code);
        Assert.Empty(outbox.Messages);
    }

    [Fact]
    public async Task SendAsync_WithAnOversizeToken_IsRefusedWithoutCallingTheProvider()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.Turnstile());
        var outbox = new FakeSmsSender();
        using var h = Services(outbox, TestKeys.TurnstileAlwaysPasses, standIn.Endpoint);

        var sent = await h.Service.SendAsync(new VerificationRequest(PhoneNumber: Phone, CaptchaToken: new string('x', 3000)), Harness.Client);

        Assert.False(sent.Succeeded);
        Assert.Equal(VerificationErrorCodes.CaptchaInvalid, sent.Error.Code);
        Assert.Equal(CaptchaValidationReasons.TokenTooLong, sent.Error.Reason);
        Assert.Empty(standIn.Requests);
    }

    [Fact]
    public async Task SendAsync_WithoutAToken_DoesNotCallTheProvider()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.Turnstile());
        var outbox = new FakeSmsSender();
        using var h = Services(outbox, TestKeys.TurnstileAlwaysPasses, standIn.Endpoint);

        var sent = await h.Service.SendAsync(new VerificationRequest(PhoneNumber: Phone), new VerificationContext { ClientIp = IPAddress.Loopback });

        Assert.True(sent.Succeeded, sent.ToString());
        Assert.Empty(standIn.Requests);
    }

    /// <summary>The brief's registration: AddVerification(...).AddSmsSender(outbox).AddTurnstileCaptcha(...).</summary>
    private static Harness Services(FakeSmsSender outbox, string secret, Uri endpoint, TimeSpan? timeout = null) =>
        new(b => b.AddTurnstileCaptcha(o =>
        {
            o.Secret = secret;
            o.Endpoint = endpoint;
            o.Timeout = timeout ?? o.Timeout;
        }), outbox: outbox);
}
