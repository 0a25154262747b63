using System.Buffers.Text;

namespace Verification.Tests;

public sealed partial class ImageCaptchaServiceTests
{
    // ---- Token kinds -----------------------------------------------------------------------------------------

    [Fact]
    public async Task VerifyChallengeAsync_CaptchaTokenAsChallengeToken_InvalidCaptchaUnknown()
    {
        var h = new CaptchaHarness();
        var (challenge, key) = await h.ChallengeAsync();
        var captchaToken = ResultAssert.Succeeded(await h.Captcha.VerifyChallengeAsync(challenge.Token, key)).CaptchaToken;

        ResultAssert.Failed(await h.Captcha.VerifyChallengeAsync(captchaToken, key), VerificationErrorCodes.InvalidCaptcha, VerificationErrorReasons.Unknown);
    }

    [Fact]
    public async Task VerifyAsync_CaptchaTokenAsVerificationId_InvalidVerificationCodeUnknown()
    {
        // Same keys and project for both services: only the token's kind tells them apart.
        var h = new CaptchaHarness();
        var service = h.CreateVerificationService();
        var captchaToken = await h.SolveAsync();

        ResultAssert.Failed(
            await service.VerifyAsync(new VerifyRequest(captchaToken, "123456")),
            VerificationErrorCodes.InvalidVerificationCode,
            VerificationErrorReasons.Unknown);
    }

    [Fact]
    public async Task VerifyAsync_ChallengeTokenAsVerificationId_InvalidVerificationCodeUnknown()
    {
        var h = new CaptchaHarness();
        var service = h.CreateVerificationService();
        var (challenge, _) = await h.ChallengeAsync();

        ResultAssert.Failed(
            await service.VerifyAsync(new VerifyRequest(challenge.Token, "123456")),
            VerificationErrorCodes.InvalidVerificationCode,
            VerificationErrorReasons.Unknown);
    }

    [Fact]
    public async Task ValidateAsync_ChallengeTokenAsCaptchaToken_InvalidUnknown()
    {
        var h = new CaptchaHarness();
        var (challenge, key) = await h.ChallengeAsync();

        var result = await h.Captcha.ValidateAsync(challenge.Token, null);

        Assert.Equal(CaptchaValidationStatus.Invalid, result.Status);
        Assert.Equal(VerificationErrorReasons.Unknown, result.Reason);

        // An unsolved challenge stays unsolved: its key still works afterwards.
        ResultAssert.Succeeded(await h.Captcha.VerifyChallengeAsync(challenge.Token, key));
    }

    [Fact]
    public async Task ValidateAsync_VerificationIdAsCaptchaToken_InvalidUnknown()
    {
        var h = new CaptchaHarness();
        var service = h.CreateVerificationService();
        var sent = ResultAssert.Succeeded(await service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));

        var result = await h.Captcha.ValidateAsync(sent.VerificationId, null);

        Assert.Equal(CaptchaValidationStatus.Invalid, result.Status);
        Assert.Equal(VerificationErrorReasons.Unknown, result.Reason);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("")]
    public async Task ValidateAsync_GarbageToken_InvalidUnknown(string token)
    {
        var h = new CaptchaHarness();

        var result = await h.Captcha.ValidateAsync(token, null);

        Assert.Equal(CaptchaValidationStatus.Invalid, result.Status);
        Assert.Equal(VerificationErrorReasons.Unknown, result.Reason);
    }
}
