using Microsoft.Extensions.Logging.Testing;

namespace Verification.Tests;

/// <summary>The typed claims of each token kind, and the token check that a verify and a redeem share.</summary>
public sealed class TokenClaimsTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly TokenService _tokens = KeyMaterial.Load(ServiceHarness.CreateOptions()).Tokens;

    [Fact]
    public async Task VerificationId_SignThenRead_SameClaims()
    {
        var claims = new VerificationIdClaims(Guid.NewGuid(), CodeHasher.NewNonce(), "+8615588665555", VerificationUsage.SignIn, Now.AddMinutes(5));

        var read = await _tokens.ReadAsync<VerificationIdClaims>(claims.Sign(_tokens), Now);

        Assert.Equal((ClaimsStatus.Valid, claims), (read.Status, read.Claims));
        Assert.Equal(VerificationChannel.Sms, read.Claims!.Channel);
    }

    [Fact]
    public async Task VerificationToken_SignThenRead_SameClaimsAndEmailChannel()
    {
        var claims = new VerificationTokenClaims("jti-1", "alice@example.com", null, Now.AddMinutes(5));

        var read = await _tokens.ReadAsync<VerificationTokenClaims>(claims.Sign(_tokens), Now);

        Assert.Equal(claims, read.Claims);
        Assert.Equal(VerificationChannel.Email, read.Claims!.Channel);
    }

    [Fact]
    public async Task CaptchaKinds_SignThenRead_SameClaims()
    {
        var challenge = new CaptchaChallengeClaims(Guid.NewGuid(), CodeHasher.NewNonce(), Now.AddMinutes(5));
        var token = new CaptchaTokenClaims("t-1", Now.AddMinutes(2));

        Assert.Equal(challenge, (await _tokens.ReadAsync<CaptchaChallengeClaims>(challenge.Sign(_tokens), Now)).Claims);
        Assert.Equal(token, (await _tokens.ReadAsync<CaptchaTokenClaims>(token.Sign(_tokens), Now)).Claims);
    }

    [Fact]
    public async Task Read_AnotherKind_Invalid()
    {
        var id = new VerificationIdClaims(Guid.NewGuid(), CodeHasher.NewNonce(), "+8615588665555", null, Now.AddMinutes(5)).Sign(_tokens);

        Assert.Equal(ClaimsStatus.Invalid, (await _tokens.ReadAsync<VerificationTokenClaims>(id, Now)).Status);
        Assert.Equal(ClaimsStatus.Invalid, (await _tokens.ReadAsync<CaptchaChallengeClaims>(id, Now)).Status);
    }

    [Fact]
    public async Task Read_Expired_Expired()
    {
        var id = new VerificationIdClaims(Guid.NewGuid(), CodeHasher.NewNonce(), "+8615588665555", null, Now.AddMinutes(5)).Sign(_tokens);

        Assert.Equal(ClaimsStatus.Expired, (await _tokens.ReadAsync<VerificationIdClaims>(id, Now.AddHours(1))).Status);
    }

    [Fact]
    public async Task Read_MalformedClaim_BadClaims()
    {
        // Signed correctly, but the record id is not a GUID.
        var id = _tokens.CreateVerificationId(Guid.Empty, "", "+8615588665555", null, Now.AddMinutes(5));

        Assert.Equal(ClaimsStatus.BadClaims, (await _tokens.ReadAsync<VerificationIdClaims>(id, Now)).Status);
    }

    [Fact]
    public async Task TokenGate_EachKindAndStatus_ItsRefusalAndLog()
    {
        var logger = new FakeLogger();
        var gate = new TokenGate(_tokens, logger);
        var id = new VerificationIdClaims(Guid.NewGuid(), CodeHasher.NewNonce(), "+8615588665555", null, Now.AddMinutes(5)).Sign(_tokens);
        var token = new VerificationTokenClaims("jti", "+8615588665555", null, Now.AddMinutes(5)).Sign(_tokens);

        var valid = await gate.CheckAsync<VerificationIdClaims>(id, Now);
        var expiredId = await gate.CheckAsync<VerificationIdClaims>(id, Now.AddHours(1));
        var forgedId = await gate.CheckAsync<VerificationIdClaims>(token, Now);
        var expiredToken = await gate.CheckAsync<VerificationTokenClaims>(token, Now.AddHours(1));
        var forgedToken = await gate.CheckAsync<VerificationTokenClaims>(id, Now);

        Assert.NotNull(valid.Claims);
        Assert.Equal((VerificationErrorCodes.InvalidVerificationCode, VerificationErrorReasons.Expired), (expiredId.Error?.Code, expiredId.Reason));
        Assert.Equal((VerificationErrorCodes.InvalidVerificationCode, VerificationErrorReasons.Unknown), (forgedId.Error?.Code, forgedId.Reason));
        Assert.Equal((VerificationErrorCodes.InvalidVerificationToken, VerificationErrorReasons.Expired), (expiredToken.Error?.Code, expiredToken.Error?.Reason));
        Assert.Equal((VerificationErrorCodes.InvalidVerificationToken, VerificationErrorReasons.Unknown), (forgedToken.Error?.Code, forgedToken.Error?.Reason));
        Assert.Equal(4, logger.Collector.Count);
    }
}
