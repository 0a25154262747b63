using System.Text.Json.Nodes;

namespace Verification.Tests.Tokens;

/// <summary>
/// Tokens signed with the deployment's own key but an <c>exp</c> at or beyond the end of the calendar (a key holder's
/// mistake, or a bug): the former rules added the clock skew to that date and threw (a 500 over HTTP); through the
/// codec every operation answers its documented refusal.
/// </summary>
public sealed class TokenExpiryRangeTests
{
    public static TheoryData<long> OutOfRange => [253_402_300_799, 253_402_300_795, 9_223_372_036_854_775_807, -1];

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public async Task VerifyAsync_IdWithExpOutOfRange_UnknownNotAnException(long exp)
    {
        var h = new ServiceHarness();
        var (id, code) = await h.SendPhoneAsync();
        var forged = Resign(h.Options, id, exp);

        var result = await h.Service.VerifyAsync(new VerifyRequest(forged, code));

        ResultAssert.Failed(result, VerificationErrorCodes.InvalidVerificationCode, VerificationErrorReasons.Unknown);
        await h.VerifyAsync(id, code);
    }

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public async Task RedeemVerificationTokenAsync_TokenWithExpOutOfRange_UnknownNotAnException(long exp)
    {
        var h = new ServiceHarness();
        var (id, code) = await h.SendPhoneAsync();
        var token = await h.VerifyAsync(id, code);

        var result = await h.Service.RedeemVerificationTokenAsync(Resign(h.Options, token, exp));

        ResultAssert.Failed(result, VerificationErrorCodes.InvalidVerificationToken, VerificationErrorReasons.Unknown);
        ResultAssert.Succeeded(await h.Service.RedeemVerificationTokenAsync(token));
    }

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public async Task CaptchaTokens_ExpOutOfRange_RefusedNotAnException(long exp)
    {
        var h = new CaptchaHarness();
        var (challenge, key) = await h.ChallengeAsync();
        var captchaToken = await h.SolveAsync();

        var solved = await h.Captcha.VerifyChallengeAsync(Resign(h.Options, challenge.Token, exp), key);
        var validated = await h.Captcha.ValidateAsync(Resign(h.Options, captchaToken, exp), null);

        ResultAssert.Failed(solved, VerificationErrorCodes.InvalidCaptcha, VerificationErrorReasons.Unknown);
        Assert.Equal((CaptchaValidationStatus.Invalid, VerificationErrorReasons.Unknown), (validated.Status, validated.Reason));
    }

    [Fact]
    public async Task FormerRules_ExpAtTheEndOfTheCalendar_Threw()
    {
        // What the codec fixed: the former checks overflowed adding the skew to 9999-12-31T23:59:59.
        var h = new ServiceHarness();
        var (id, _) = await h.SendPhoneAsync();
        var oracle = new JwtOracle(CodecKeys.Load(h.Options.Tokens.Algorithm, [.. h.Options.Tokens.SigningKeys]), h.Options.ProjectId, h.Options.Tokens.ClockSkew);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => oracle.CheckAsync(Resign(h.Options, id, 253_402_300_799), TokenKind.VerificationId, ServiceHarness.Start));
    }

    /// <summary><paramref name="token"/> with its <c>exp</c> set to <paramref name="exp"/>, signed again with the deployment's key.</summary>
    private static string Resign(VerificationOptions options, string token, long exp)
    {
        var signer = new JwtOracle(CodecKeys.Load(options.Tokens.Algorithm, [.. options.Tokens.SigningKeys]), options.ProjectId, options.Tokens.ClockSkew);
        return Jws.Resign(signer, token, payload: p => p["exp"] = JsonValue.Create(exp));
    }
}
