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
}
