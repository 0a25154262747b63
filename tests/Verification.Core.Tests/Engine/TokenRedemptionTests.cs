using Microsoft.Extensions.Logging.Abstractions;

namespace Verification.Tests;

/// <summary>Single-use tokens and the redeem step built on them.</summary>
public sealed class TokenRedemptionTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly ObservableStore _store = new();

    [Fact]
    public async Task UseAsync_FirstOnly_MarkKeptUntilExpiryPlusSkew()
    {
        var tokens = new SingleUseTokens(_store, new StoreGuard(NullLogger.Instance), TimeSpan.FromMinutes(1));

        var first = await tokens.UseAsync("redeemed:", "t1", Now.AddMinutes(5), Now, "redeem", default);
        var second = await tokens.UseAsync("redeemed:", "t1", Now.AddMinutes(5), Now, "redeem", default);
        var otherKind = await tokens.UseAsync("captcha-used:", "t1", Now.AddMinutes(5), Now, "redeem", default);
        var withinSkew = await tokens.UseAsync("redeemed:", "t1", Now.AddMinutes(5), Now.AddMinutes(5.9), "redeem", default);
        var afterSkew = await tokens.UseAsync("redeemed:", "t1", Now.AddMinutes(5), Now.AddMinutes(6), "redeem", default);

        Assert.Equal([true, false, true, false, true], new[] { first.Value, second.Value, otherKind.Value, withinSkew.Value, afterSkew.Value });
    }

    [Fact]
    public async Task RedeemAsync_FirstThenAgain_ContactThenUsed()
    {
        var redemption = new TokenRedemption(new SingleUseTokens(_store, new StoreGuard(NullLogger.Instance), TimeSpan.Zero), NullLogger.Instance);
        var claims = new VerificationTokenClaims("jti", "alice@example.com", VerificationUsage.Register, Now.AddMinutes(5));

        var first = await redemption.RedeemAsync(claims, Now, default);
        var again = await redemption.RedeemAsync(claims, Now, default);

        Assert.Equal(new VerifiedContact(VerificationChannel.Email, "alice@example.com", VerificationUsage.Register), first.Value);
        Assert.Equal((VerificationErrorCodes.InvalidVerificationToken, VerificationErrorReasons.Used), (again.Error?.Code, again.Error?.Reason));
    }

    [Fact]
    public async Task RedeemAsync_StoreDown_Unavailable()
    {
        _store.Down = true;
        var redemption = new TokenRedemption(new SingleUseTokens(_store, new StoreGuard(NullLogger.Instance), TimeSpan.Zero), NullLogger.Instance);

        var result = await redemption.RedeemAsync(new VerificationTokenClaims("jti", "+8615588665555", null, Now.AddMinutes(5)), Now, default);

        Assert.Equal((VerificationErrorCodes.Unavailable, StoreGuard.TryLater), (result.Error?.Code, result.Error?.Description));
    }
}
