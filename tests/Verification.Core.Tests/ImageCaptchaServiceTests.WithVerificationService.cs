using System.Buffers.Text;

namespace Verification.Tests;

public sealed partial class ImageCaptchaServiceTests
{
    // ---- With VerificationService ----------------------------------------------------------------------------

    [Fact]
    public async Task SendAsync_AlwaysRequireWithImageCaptcha_CaptchaRequiredThenSolveThenSendsThenTokenIsSpent()
    {
        var h = new CaptchaHarness(o => o.Captcha.AlwaysRequire = true);
        var service = h.CreateVerificationService();
        var request = new VerificationRequest(PhoneNumber: ServiceHarness.Phone);

        ResultAssert.Failed(await service.SendAsync(request), VerificationErrorCodes.CaptchaRequired, VerificationErrorReasons.Always);

        var (challenge, key) = await h.ChallengeAsync();
        var captchaToken = ResultAssert.Succeeded(await h.Captcha.VerifyChallengeAsync(challenge.Token, key.ToLowerInvariant())).CaptchaToken;
        var sent = ResultAssert.Succeeded(await service.SendAsync(request with { CaptchaToken = captchaToken }));

        var message = Assert.Single(h.Messages);
        ResultAssert.Succeeded(await service.VerifyAsync(new VerifyRequest(sent.VerificationId, message.Code)));

        // Spent: the same token does not let a second send through, even to another contact.
        ResultAssert.Failed(
            await service.SendAsync(new VerificationRequest(Email: ServiceHarness.Email, CaptchaToken: captchaToken)),
            VerificationErrorCodes.CaptchaInvalid,
            VerificationErrorReasons.Used);
        Assert.Single(h.Messages);
    }

    [Fact]
    public async Task SendAsync_ChallengeTokenInsteadOfCaptchaToken_CaptchaInvalidUnknown()
    {
        var h = new CaptchaHarness(o => o.Captcha.AlwaysRequire = true);
        var service = h.CreateVerificationService();
        var (challenge, _) = await h.ChallengeAsync();

        ResultAssert.Failed(
            await service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, CaptchaToken: challenge.Token)),
            VerificationErrorCodes.CaptchaInvalid,
            VerificationErrorReasons.Unknown);
        Assert.Empty(h.Messages);
    }

    [Fact]
    public async Task SendAsync_ExpiredCaptchaToken_CaptchaInvalidExpired()
    {
        var h = new CaptchaHarness(o => o.Captcha.AlwaysRequire = true);
        var service = h.CreateVerificationService();
        var captchaToken = await h.SolveAsync();

        h.Time.Advance(TimeSpan.FromMinutes(6));

        ResultAssert.Failed(
            await service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, CaptchaToken: captchaToken)),
            VerificationErrorCodes.CaptchaInvalid,
            VerificationErrorReasons.Expired);
    }

    // ---- Used by the save, not by the check --------------------------------------------------------------------

    [Fact]
    public async Task CheckAsync_ValidToken_LeavesItUnusedAndGivesTheMarkOfLimitOne()
    {
        var h = new CaptchaHarness();
        var captchaToken = await h.SolveAsync();

        var first = await h.Captcha.CheckAsync(captchaToken, null);
        var second = await h.Captcha.CheckAsync(captchaToken, null);

        Assert.Equal(CaptchaValidationStatus.Valid, first.Result.Status);
        Assert.Equal(first, second);
        var mark = Assert.IsType<RateCharge>(first.UsedMark);
        Assert.Equal((1, 1, RateLimitKind.Hard), (mark.Limit, mark.Amount, mark.Kind));
        Assert.InRange(mark.Window, h.Options.Captcha.TokenLifetime, h.Options.Captcha.TokenLifetime + h.Options.Tokens.ClockSkew);

        // Checking used nothing: the token is still accepted once, then never again.
        Assert.Equal(CaptchaValidationStatus.Valid, (await h.Captcha.ValidateAsync(captchaToken, null)).Status);
        Assert.Equal(new CaptchaValidationResult(CaptchaValidationStatus.Invalid, VerificationErrorReasons.Used), await h.Captcha.ValidateAsync(captchaToken, null));
        Assert.Equal(new CaptchaCheck(new CaptchaValidationResult(CaptchaValidationStatus.Invalid, VerificationErrorReasons.Used)), await h.Captcha.CheckAsync(captchaToken, null));
    }

    [Fact]
    public async Task CheckAsync_StoreDown_UnavailableAndNoMark()
    {
        var h = new CaptchaHarness();
        var captchaToken = await h.SolveAsync();
        h.Store.Down = true;

        var check = await h.Captcha.CheckAsync(captchaToken, null);

        Assert.Equal(new CaptchaCheck(new CaptchaValidationResult(CaptchaValidationStatus.Unavailable, VerificationErrorReasons.StoreUnavailable)), check);
    }

    [Fact]
    public async Task SendAsync_CaptchaPassedThenTheSaveIsRefusedByAConcurrentSendsCooldown_TheSolvedCaptchaStaysUsable()
    {
        var h = new CaptchaHarness(o => o.Captcha.AlwaysRequire = true);
        var service = h.CreateVerificationService();
        var captchaToken = await h.SolveAsync();
        var otherTab = await h.SolveAsync();

        // Between this send's limit read and its save, another tab's send to the same number goes out.
        h.Store.BeforeNextSave = async () => ResultAssert.Succeeded(await service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, CaptchaToken: otherTab)));
        ResultAssert.Failed(
            await service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, CaptchaToken: captchaToken)),
            VerificationErrorCodes.RateLimitExceeded,
            VerificationErrorReasons.ResendCooldown);
        Assert.Single(h.Messages);

        // The refused send did not use the captcha: it serves the next send, once.
        ResultAssert.Succeeded(await service.SendAsync(new VerificationRequest(Email: ServiceHarness.Email, CaptchaToken: captchaToken)));
        ResultAssert.Failed(
            await service.SendAsync(new VerificationRequest(Email: "other@example.com", CaptchaToken: captchaToken)),
            VerificationErrorCodes.CaptchaInvalid,
            VerificationErrorReasons.Used);
        Assert.Equal(2, h.Messages.Count);
    }

    [Fact]
    public async Task SendAsync_CaptchaPassedThenTheStoreFailsAtTheSave_TheSolvedCaptchaStaysUsable()
    {
        var h = new CaptchaHarness(o => o.Captcha.AlwaysRequire = true);
        var service = h.CreateVerificationService();
        var captchaToken = await h.SolveAsync();
        var request = new VerificationRequest(PhoneNumber: ServiceHarness.Phone, CaptchaToken: captchaToken);

        h.Store.BeforeNextSave = static () => throw new TimeoutException("the store timed out at the save");
        ResultAssert.Failed(await service.SendAsync(request), VerificationErrorCodes.Unavailable, VerificationErrorReasons.StoreUnavailable);

        ResultAssert.Succeeded(await service.SendAsync(request));
        Assert.Single(h.Messages);
    }

    [Fact]
    public async Task SendAsync_SaveOfACaptchaSend_TakesTheTokensMarkWithTheRecord()
    {
        var h = new CaptchaHarness(o => o.Captcha.AlwaysRequire = true);
        var service = h.CreateVerificationService();
        var captchaToken = await h.SolveAsync();
        var mark = (await h.Captcha.CheckAsync(captchaToken, null)).UsedMark!.Value;

        ResultAssert.Succeeded(await service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, CaptchaToken: captchaToken)));

        var save = Assert.Single(h.Store.Saves, s => s.Record.ContactKey == ServiceHarness.PhoneE164);
        Assert.True(save.WaiveSoftLimits);
        Assert.Equal(mark, save.Charges[^1]);
    }

    [Fact]
    public async Task SendAsync_DeliveryOfACaptchaSendFails_TheMarkIsGivenBackWithTheOtherCharges()
    {
        var h = new CaptchaHarness(o => o.Captcha.AlwaysRequire = true);
        var service = h.CreateVerificationService();
        var captchaToken = await h.SolveAsync();
        h.SmsSender.FailNext(DeliveryFailureKind.Permanent);

        Assert.False((await service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, CaptchaToken: captchaToken))).Succeeded);

        // The save was undone (record released, charges refunded): the person may ask again at once, with the same captcha.
        ResultAssert.Succeeded(await service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, CaptchaToken: captchaToken)));
        Assert.Single(h.Messages);
    }
}
