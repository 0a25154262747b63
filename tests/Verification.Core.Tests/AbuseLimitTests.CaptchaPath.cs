using NSubstitute;

namespace Verification.Tests;

public sealed partial class AbuseLimitTests
{
    // ---- AlwaysRequire and the soft → captcha → pass path ----------------------------------------------------

    [Fact]
    public async Task SendAsync_AlwaysRequireWithoutToken_CaptchaRequiredAlwaysAndNothingSent()
    {
        var validator = Validator(CaptchaValidationStatus.Valid);
        var h = new ServiceHarness(o => o.Captcha.AlwaysRequire = true, captchaValidator: validator);

        var error = ResultAssert.Failed(await SendPhone(h, ServiceHarness.Phone), VerificationErrorCodes.CaptchaRequired, VerificationErrorReasons.Always);

        Assert.Empty(h.Messages);
        await validator.DidNotReceiveWithAnyArgs().ValidateAsync(default!, default, default);
    }

    [Fact]
    public async Task SendAsync_AlwaysRequire_NoRetryAfterBecauseWaitingNeverHelps()
    {
        // The "always" window never ends: a retry_after would send clients into a loop of waiting and retrying.
        var h = new ServiceHarness(o => o.Captcha.AlwaysRequire = true, captchaValidator: Validator(CaptchaValidationStatus.Valid));

        var error = ResultAssert.Failed(await SendPhone(h, ServiceHarness.Phone), VerificationErrorCodes.CaptchaRequired, VerificationErrorReasons.Always);

        Assert.Null(error.RetryAfter);
    }

    [Fact]
    public async Task SendAsync_AlwaysRequireWithValidToken_SendsEveryTime()
    {
        var validator = Validator(CaptchaValidationStatus.Valid);
        var h = new ServiceHarness(o => o.Captcha.AlwaysRequire = true, captchaValidator: validator);

        ResultAssert.Succeeded(await SendPhone(h, Number(1), captchaToken: "token-1"));
        ResultAssert.Succeeded(await SendEmail(h, ServiceHarness.Email, captchaToken: "token-2"));

        Assert.Equal(2, h.Messages.Count);
        await validator.Received(1).ValidateAsync("token-1", Arg.Any<VerificationContext?>(), Arg.Any<CancellationToken>());
        await validator.Received(1).ValidateAsync("token-2", Arg.Any<VerificationContext?>(), Arg.Any<CancellationToken>());
    }

    [Theory]
    [InlineData(VerificationErrorReasons.IpLimit)]
    [InlineData(VerificationErrorReasons.DeviceLimit)]
    [InlineData(VerificationErrorReasons.PrefixVelocity)]
    [InlineData(VerificationErrorReasons.ContactBurst)]
    [InlineData(VerificationErrorReasons.Always)]
    public async Task SendAsync_SoftLimitThenSameRequestWithValidCaptchaToken_Sends(string reason)
    {
        var validator = Validator(CaptchaValidationStatus.Valid);
        var h = new ServiceHarness(o => OnlySoftLimit(o, reason), captchaValidator: validator);
        var context = new VerificationContext { ClientIp = Ipv4, DeviceId = "device-1" };
        if (reason != VerificationErrorReasons.Always)
        {
            ResultAssert.Succeeded(await h.Service.SendAsync(SoftRequest(reason, 1), context));
        }

        var request = SoftRequest(reason, 2);
        var sentBefore = h.Messages.Count;
        ResultAssert.Failed(await h.Service.SendAsync(request, context), VerificationErrorCodes.CaptchaRequired, reason);
        Assert.Equal(sentBefore, h.Messages.Count);

        var response = ResultAssert.Succeeded(await h.Service.SendAsync(request with { CaptchaToken = CaptchaToken }, context));

        Assert.Equal(sentBefore + 1, h.Messages.Count);
        ResultAssert.Succeeded(await h.Service.VerifyAsync(new VerifyRequest(response.VerificationId, h.SenderFor(request).LastCode!)));
        await validator.Received(1).ValidateAsync(CaptchaToken, context, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task SendAsync_InvalidCaptchaTokenAtASoftLimit_CaptchaInvalidAndNothingSent()
    {
        var h = new ServiceHarness(o => o.Captcha.AlwaysRequire = true, captchaValidator: Validator(CaptchaValidationStatus.Invalid, VerificationErrorReasons.Used));

        ResultAssert.Failed(await SendPhone(h, ServiceHarness.Phone, captchaToken: CaptchaToken), VerificationErrorCodes.CaptchaInvalid, VerificationErrorReasons.Used);

        Assert.Empty(h.Messages);
        Assert.Empty(h.Store.Saves);
    }

    [Fact]
    public async Task SendAsync_CooldownWithValidCaptchaToken_StillRateLimited()
    {
        var h = new ServiceHarness(captchaValidator: Validator(CaptchaValidationStatus.Valid));
        ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone));
        h.Time.Advance(TimeSpan.FromSeconds(15));

        var error = ResultAssert.Failed(
            await SendPhone(h, ServiceHarness.Phone, captchaToken: CaptchaToken),
            VerificationErrorCodes.RateLimitExceeded,
            VerificationErrorReasons.ResendCooldown);

        Assert.Equal(TimeSpan.FromSeconds(45), error.RetryAfter);
        Assert.Single(h.Messages);
    }

    [Fact]
    public async Task SendAsync_GlobalBudgetWithValidCaptchaToken_StillRateLimited()
    {
        var h = new ServiceHarness(
            o =>
            {
                o.Throttling.GlobalSmsPerHour = 1;
                o.Throttling.GlobalCaptchaShare = 1;
                o.Throttling.GlobalReservedShare = 0; // no reserved share: the captcha solver finds the cap spent too
            },
            captchaValidator: Validator(CaptchaValidationStatus.Valid));
        ResultAssert.Succeeded(await SendPhone(h, Number(1)));

        ResultAssert.Failed(
            await SendPhone(h, Number(2), captchaToken: CaptchaToken),
            VerificationErrorCodes.RateLimitExceeded,
            VerificationErrorReasons.GlobalBudget);
        Assert.Single(h.Messages);
    }

    [Fact]
    public async Task SendAsync_DailyLimitWithValidCaptchaToken_StillRateLimited()
    {
        var h = new ServiceHarness(
            o =>
            {
                o.Throttling.DailyLimitPerContact = 2;
                o.Throttling.ResendCooldown = TimeSpan.Zero;
            },
            captchaValidator: Validator(CaptchaValidationStatus.Valid));
        ResultAssert.Succeeded(await SendEmail(h, ServiceHarness.Email));
        ResultAssert.Succeeded(await SendEmail(h, ServiceHarness.Email));

        ResultAssert.Failed(
            await SendEmail(h, ServiceHarness.Email, captchaToken: CaptchaToken),
            VerificationErrorCodes.RateLimitExceeded,
            VerificationErrorReasons.DailyLimit);
    }

    [Fact]
    public async Task SendAsync_HardAndSoftLimitReachedTogether_ReportsTheHardOne()
    {
        // Solving a captcha would not help against the cooldown, so the client must not be asked for one.
        var h = new ServiceHarness(o => o.Throttling.ContactBurst = new RateWindow(1, TimeSpan.FromMinutes(10)));
        ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone));

        ResultAssert.Failed(await SendPhone(h, ServiceHarness.Phone), VerificationErrorCodes.RateLimitExceeded, VerificationErrorReasons.ResendCooldown);
    }

    [Fact]
    public async Task SendAsync_CaptchaRequiredRefusal_ChargesNothing()
    {
        var h = new ServiceHarness(o => o.Throttling.PerIp = new RateWindow(1, TimeSpan.FromHours(1)));
        var context = new VerificationContext { ClientIp = Ipv4 };
        ResultAssert.Succeeded(await SendEmail(h, "a@example.com", context));
        ResultAssert.Failed(await SendEmail(h, "b@example.com", context), VerificationErrorCodes.CaptchaRequired, VerificationErrorReasons.IpLimit);

        // The refused send did not start b@'s cooldown, burst or daily count: from another IP it goes through at once.
        ResultAssert.Succeeded(await SendEmail(h, "b@example.com", Ip("198.51.100.1")));
    }
}
