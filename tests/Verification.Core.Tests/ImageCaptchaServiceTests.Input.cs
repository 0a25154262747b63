using System.Buffers.Text;

namespace Verification.Tests;

public sealed partial class ImageCaptchaServiceTests
{
    // ---- Input -----------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(null, VerificationErrorReasons.Missing)]
    [InlineData("", VerificationErrorReasons.Missing)]
    [InlineData("oversize", VerificationErrorReasons.TooLong)]
    public async Task VerifyChallengeAsync_MissingOrOversizeToken_InvalidArgumentToken(string? token, string reason)
    {
        var h = new CaptchaHarness();
        var (_, key) = await h.ChallengeAsync();
        token = token == "oversize" ? new string('a', TokenService.MaxTokenLength + 1) : token;

        var error = ResultAssert.Failed(await h.Captcha.VerifyChallengeAsync(token, key), VerificationErrorCodes.InvalidArgument, reason);

        Assert.Equal("token", error.Field);
    }

    [Theory]
    [InlineData(null, VerificationErrorReasons.Missing)]
    [InlineData("", VerificationErrorReasons.Missing)]
    [InlineData("   ", VerificationErrorReasons.Missing)]
    [InlineData("oversize", VerificationErrorReasons.TooLong)]
    public async Task VerifyChallengeAsync_MissingOrOversizeKey_InvalidArgumentKeyAndTheChallengeKeepsItsTries(string? key, string reason)
    {
        var h = new CaptchaHarness(o => o.Captcha.MaxTries = 1);
        var (challenge, right) = await h.ChallengeAsync();
        key = key == "oversize" ? new string('A', 33) : key;

        var error = ResultAssert.Failed(await h.Captcha.VerifyChallengeAsync(challenge.Token, key), VerificationErrorCodes.InvalidArgument, reason);

        Assert.Equal("key", error.Field);
        ResultAssert.Succeeded(await h.Captcha.VerifyChallengeAsync(challenge.Token, right));
    }
}
