namespace Verification.Tests;

public sealed partial class TokenTests
{
    [Fact]
    public async Task VerifyAsync_NotBeforeBeyondSkew_IsUnknown()
    {
        var h = CreateHarness();
        var (id, code) = await SendAsync(h);

        var forged = Resign(id, RsaKey(SigningPem.Value, KeyId), claims => claims["nbf"] = (Start + Skew + TimeSpan.FromSeconds(1)).ToUnixTimeSeconds());

        await AssertVerifyRefusedAsync(h, forged, code, VerificationErrorReasons.Unknown);
    }

    [Fact]
    public async Task VerifyAsync_NotBeforeWithinSkew_Verifies()
    {
        var h = CreateHarness();
        var (id, code) = await SendAsync(h);

        var forged = Resign(id, RsaKey(SigningPem.Value, KeyId), claims => claims["nbf"] = (Start + Skew - TimeSpan.FromSeconds(1)).ToUnixTimeSeconds());

        await AssertVerifiesAsync(h, forged, code);
    }

    [Fact]
    public async Task VerifyAsync_JustBeforeExpiry_Verifies()
    {
        var h = CreateHarness();
        var (id, code) = await SendAsync(h);
        h.Time.Advance(Lifetime - TimeSpan.FromSeconds(1));

        await AssertVerifiesAsync(h, id, code);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3600)]
    public async Task VerifyAsync_PastExpiryPlusSkew_IsExpired(int extraSeconds)
    {
        var h = CreateHarness();
        var (id, code) = await SendAsync(h);
        h.Time.Advance(Lifetime + Skew + TimeSpan.FromSeconds(extraSeconds));

        await AssertVerifyRefusedAsync(h, id, code, VerificationErrorReasons.Expired);
    }

    [Fact]
    public async Task VerifyAsync_PastExpiryWithinSkew_IsExpiredByTheServerClock()
    {
        // The skew tolerates clock differences in token checks; the code itself expires on the engine's clock.
        var h = CreateHarness();
        var (id, code) = await SendAsync(h);
        h.Time.Advance(Lifetime + TimeSpan.FromSeconds(5));

        await AssertVerifyRefusedAsync(h, id, code, VerificationErrorReasons.Expired);
    }

    [Fact]
    public async Task RedeemVerificationTokenAsync_PastExpiryWithinSkew_Succeeds()
    {
        var h = CreateHarness();
        var token = await VerificationTokenAsync(h);
        h.Time.Advance(Lifetime + Skew - TimeSpan.FromSeconds(1));

        var redeemed = await h.Service.RedeemVerificationTokenAsync(token);

        Assert.True(redeemed.Succeeded, redeemed.ToString());
    }

    [Fact]
    public async Task RedeemVerificationTokenAsync_PastExpiryPlusSkew_IsExpired()
    {
        var h = CreateHarness();
        var token = await VerificationTokenAsync(h);
        h.Time.Advance(Lifetime + Skew);

        await AssertRedeemRefusedAsync(h, token, VerificationErrorReasons.Expired);
    }

    [Fact]
    public async Task CheckAsync_AroundExpiryPlusSkew_ValidThenExpired()
    {
        var tokens = new TokenService(LoadRing(new SigningKeyOptions { KeyId = KeyId, Pem = SigningPem.Value }), ProjectId, Skew);
        var expiresAt = Start + Lifetime;
        var id = tokens.CreateVerificationId(Guid.NewGuid(), CodeHasher.NewNonce(), E164, null, expiresAt);

        var withinSkew = await tokens.CheckAsync(id, TokenKind.VerificationId, expiresAt + Skew - TimeSpan.FromSeconds(1));
        var atSkew = await tokens.CheckAsync(id, TokenKind.VerificationId, expiresAt + Skew);
        var asToken = await tokens.CheckAsync(id, TokenKind.VerificationToken, Start);

        Assert.Equal(TokenCheckStatus.Valid, withinSkew.Status);
        Assert.Equal(TokenCheckStatus.Expired, atSkew.Status);
        Assert.Equal(TokenCheckStatus.Invalid, asToken.Status);
    }
}
