using System.Buffers.Text;
using System.Collections.Concurrent;

namespace Verification.Tests;

public sealed partial class ImageCaptchaServiceTests
{
    // ---- Solving ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task VerifyChallengeAsync_RightKeyInLowerCase_YieldsACaptchaTokenExpiringIn300()
    {
        var h = new CaptchaHarness();
        var (challenge, key) = await h.ChallengeAsync();

        var solution = ResultAssert.Succeeded(await h.Captcha.VerifyChallengeAsync(challenge.Token, key.ToLowerInvariant()));

        Assert.False(string.IsNullOrWhiteSpace(solution.CaptchaToken));
        Assert.Equal(300, solution.ExpiresIn);
        Assert.NotEqual(challenge.Token, solution.CaptchaToken);
    }

    [Fact]
    public async Task VerifyChallengeAsync_RightKeyWithSurroundingSpaces_Verifies()
    {
        var h = new CaptchaHarness();
        var (challenge, key) = await h.ChallengeAsync();

        ResultAssert.Succeeded(await h.Captcha.VerifyChallengeAsync(challenge.Token, "  " + key + " "));
    }

    [Fact]
    public async Task ValidateAsync_CaptchaTokenOfASolvedChallenge_AcceptedExactlyOnce()
    {
        var h = new CaptchaHarness();
        var token = await h.SolveAsync();

        var first = await h.Captcha.ValidateAsync(token, null);
        var second = await h.Captcha.ValidateAsync(token, null);

        Assert.Equal(CaptchaValidationStatus.Valid, first.Status);
        Assert.Equal(CaptchaValidationStatus.Invalid, second.Status);
        Assert.Equal(VerificationErrorReasons.Used, second.Reason);
    }

    [Fact]
    public async Task ValidateAsync_ConcurrentUsesOfOneCaptchaToken_ExactlyOneValid()
    {
        var h = new CaptchaHarness();
        var token = await h.SolveAsync();

        var results = await Concurrently.RunAsync(16, _ => h.Captcha.ValidateAsync(token, null));

        Assert.Single(results, r => r.Status == CaptchaValidationStatus.Valid);
        Assert.All(results.Where(r => r.Status != CaptchaValidationStatus.Valid), r =>
        {
            Assert.Equal(CaptchaValidationStatus.Invalid, r.Status);
            Assert.Equal(VerificationErrorReasons.Used, r.Reason);
        });
    }

    [Fact]
    public async Task ValidateAsync_TwoCaptchaTokens_EachAcceptedOnce()
    {
        var h = new CaptchaHarness();
        var first = await h.SolveAsync();
        var second = await h.SolveAsync();

        Assert.Equal(CaptchaValidationStatus.Valid, (await h.Captcha.ValidateAsync(first, null)).Status);
        Assert.Equal(CaptchaValidationStatus.Valid, (await h.Captcha.ValidateAsync(second, null)).Status);
    }

    [Fact]
    public async Task ValidateAsync_CaptchaTokenPastItsLifetime_InvalidExpired()
    {
        var h = new CaptchaHarness();
        var token = await h.SolveAsync();

        // The token lives 300 s; the default clock skew of 10 s is tolerated, not more.
        h.Time.Advance(TimeSpan.FromSeconds(310));
        var result = await h.Captcha.ValidateAsync(token, null);

        Assert.Equal(CaptchaValidationStatus.Invalid, result.Status);
        Assert.Equal(VerificationErrorReasons.Expired, result.Reason);
    }

    [Fact]
    public async Task ValidateAsync_CaptchaTokenJustBeforeItsEnd_Valid()
    {
        var h = new CaptchaHarness();
        var token = await h.SolveAsync();

        h.Time.Advance(TimeSpan.FromSeconds(299));

        Assert.Equal(CaptchaValidationStatus.Valid, (await h.Captcha.ValidateAsync(token, null)).Status);
    }

    [Fact]
    public async Task VerifyChallengeAsync_ConcurrentRightAnswers_ExactlyOneCaptchaToken()
    {
        var h = new CaptchaHarness();
        var (challenge, key) = await h.ChallengeAsync();

        var results = await Concurrently.RunAsync(8, _ => h.Captcha.VerifyChallengeAsync(challenge.Token, key));

        Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(VerificationErrorCodes.CaptchaUsed, r.Error!.Code));
    }

    [Fact]
    public async Task VerifyChallengeAsync_WrongKey_InvalidCaptchaWrongWithAttemptsRemaining()
    {
        var h = new CaptchaHarness();
        var (challenge, key) = await h.ChallengeAsync();

        var error = ResultAssert.Failed(await h.Captcha.VerifyChallengeAsync(challenge.Token, RecordingCaptchaRenderer.WrongKey(key)), VerificationErrorCodes.InvalidCaptcha, VerificationErrorReasons.Wrong);

        Assert.Equal(4, error.AttemptsRemaining);
        Assert.Equal(4020, error.Number);
    }

    [Fact]
    public async Task VerifyChallengeAsync_RightKeyAfterAWrongOne_StillVerifies()
    {
        var h = new CaptchaHarness();
        var (challenge, key) = await h.ChallengeAsync();
        ResultAssert.Failed(await h.Captcha.VerifyChallengeAsync(challenge.Token, RecordingCaptchaRenderer.WrongKey(key)), VerificationErrorCodes.InvalidCaptcha, VerificationErrorReasons.Wrong);
        ResultAssert.Failed(await h.Captcha.VerifyChallengeAsync(challenge.Token, "0OQ1"), VerificationErrorCodes.InvalidCaptcha, VerificationErrorReasons.Wrong);

        var solution = ResultAssert.Succeeded(await h.Captcha.VerifyChallengeAsync(challenge.Token, key));

        Assert.Equal(CaptchaValidationStatus.Valid, (await h.Captcha.ValidateAsync(solution.CaptchaToken, null)).Status);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(3)]
    [InlineData(1)]
    public async Task VerifyChallengeAsync_MaxTriesWrongKeys_LastIsExhaustedThenEvenTheRightKeyIsCaptchaUsed(int maxTries)
    {
        var h = new CaptchaHarness(o => o.Captcha.MaxTries = maxTries);
        var (challenge, key) = await h.ChallengeAsync();
        for (var i = 1; i < maxTries; i++)
        {
            var wrong = ResultAssert.Failed(await h.Captcha.VerifyChallengeAsync(challenge.Token, RecordingCaptchaRenderer.WrongKey(key)), VerificationErrorCodes.InvalidCaptcha, VerificationErrorReasons.Wrong);
            Assert.Equal(maxTries - i, wrong.AttemptsRemaining);
        }

        var last = ResultAssert.Failed(await h.Captcha.VerifyChallengeAsync(challenge.Token, RecordingCaptchaRenderer.WrongKey(key)), VerificationErrorCodes.InvalidCaptcha, VerificationErrorReasons.Exhausted);
        Assert.Equal(0, last.AttemptsRemaining);

        var error = ResultAssert.Failed(await h.Captcha.VerifyChallengeAsync(challenge.Token, key), VerificationErrorCodes.CaptchaUsed);
        Assert.Equal(4022, error.Number);
    }

    [Fact]
    public async Task VerifyChallengeAsync_SolvedTwice_CaptchaUsed()
    {
        var h = new CaptchaHarness();
        var (challenge, key) = await h.ChallengeAsync();
        ResultAssert.Succeeded(await h.Captcha.VerifyChallengeAsync(challenge.Token, key));

        ResultAssert.Failed(await h.Captcha.VerifyChallengeAsync(challenge.Token, key), VerificationErrorCodes.CaptchaUsed, VerificationErrorReasons.Used);
        ResultAssert.Failed(await h.Captcha.VerifyChallengeAsync(challenge.Token, RecordingCaptchaRenderer.WrongKey(key)), VerificationErrorCodes.CaptchaUsed, VerificationErrorReasons.Used);
    }

    [Theory]
    [InlineData(300)]
    [InlineData(305)]
    [InlineData(311)]
    [InlineData(3600)]
    public async Task VerifyChallengeAsync_AfterItsLifetime_CaptchaExpired(int seconds)
    {
        var h = new CaptchaHarness();
        var (challenge, key) = await h.ChallengeAsync();

        h.Time.Advance(TimeSpan.FromSeconds(seconds));
        var error = ResultAssert.Failed(await h.Captcha.VerifyChallengeAsync(challenge.Token, key), VerificationErrorCodes.CaptchaExpired, VerificationErrorReasons.Expired);

        Assert.Equal(4021, error.Number);
    }

    [Fact]
    public async Task VerifyChallengeAsync_JustBeforeItsLifetimeEnds_Verifies()
    {
        var h = new CaptchaHarness();
        var (challenge, key) = await h.ChallengeAsync();

        h.Time.Advance(TimeSpan.FromSeconds(299));

        ResultAssert.Succeeded(await h.Captcha.VerifyChallengeAsync(challenge.Token, key));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJub25lIiwidHlwIjoiY2FwdGNoYS1jaGFsbGVuZ2Urand0In0.eyJraWQiOiIwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDAiLCJ0IjoiMDAifQ.")]
    public async Task VerifyChallengeAsync_GarbageChallengeToken_InvalidCaptchaUnknown(string token)
    {
        var h = new CaptchaHarness();

        ResultAssert.Failed(await h.Captcha.VerifyChallengeAsync(token, "ACDEF"), VerificationErrorCodes.InvalidCaptcha, VerificationErrorReasons.Unknown);
    }

    [Fact]
    public async Task VerifyChallengeAsync_ChallengeOfAnotherDeploymentsKeys_InvalidCaptchaUnknown()
    {
        var other = new CaptchaHarness();
        var (challenge, key) = await other.ChallengeAsync();
        var h = new CaptchaHarness();

        ResultAssert.Failed(await h.Captcha.VerifyChallengeAsync(challenge.Token, key), VerificationErrorCodes.InvalidCaptcha, VerificationErrorReasons.Unknown);
    }

    [Fact]
    public async Task VerifyChallengeAsync_ChallengeTokenWithEditedSignature_InvalidCaptchaUnknown()
    {
        var h = new CaptchaHarness();
        var (challenge, key) = await h.ChallengeAsync();
        var parts = challenge.Token.Split('.');
        var signature = parts[2].ToCharArray();
        signature[5] = signature[5] == 'A' ? 'B' : 'A';
        var forged = string.Join('.', parts[0], parts[1], new string(signature));

        ResultAssert.Failed(await h.Captcha.VerifyChallengeAsync(forged, key), VerificationErrorCodes.InvalidCaptcha, VerificationErrorReasons.Unknown);

        // The forgery cost the real challenge nothing.
        ResultAssert.Succeeded(await h.Captcha.VerifyChallengeAsync(challenge.Token, key));
    }
}
