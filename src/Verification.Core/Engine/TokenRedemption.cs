using Microsoft.Extensions.Logging;

namespace Verification;

/// <summary>
/// The redeem step: a verification token whose claims checked out is accepted once — the first redemption marks it
/// used (until its expiry plus the clock skew) and yields the verified contact; any later one is <c>used</c>.
/// </summary>
internal sealed class TokenRedemption(SingleUseTokens tokens, ILogger logger)
{
    public async ValueTask<VerificationResult<VerifiedContact>> RedeemAsync(VerificationTokenClaims claims, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var first = await tokens.UseAsync("redeemed:", claims.TokenId, claims.ExpiresAt, now, "redeem", cancellationToken).ConfigureAwait(false);
        if (first.Failed)
        {
            return first.Error!;
        }

        if (!first.Value)
        {
            Log.TokenRefused(logger, TokenKind.VerificationToken, VerificationErrorReasons.Used);
            return VerificationError.InvalidToken(VerificationErrorReasons.Used, "The verification token was already redeemed.");
        }

        Log.TokenRedeemed(logger, new MaskedContact(claims.Channel, claims.Contact));
        return new VerifiedContact(claims.Channel, claims.Contact, claims.Usage);
    }
}
