using Microsoft.Extensions.Logging;

namespace Verification;

/// <summary>
/// The redeem step: a verification token whose claims checked out is accepted once — the first redemption marks it
/// used (until its expiry plus the clock skew) and yields the verified contact; any later one is <c>used</c>.
/// </summary>
internal sealed class TokenRedemption(SingleUseTokens tokens, ILogger logger, ContactParser? parser = null)
{
    /// <summary>Redeems the token when its contact and usage fit what the caller expects (<see cref="Mismatch"/>); only checks them when not <paramref name="consume"/>.</summary>
    public async ValueTask<VerificationResult<VerifiedContact>> RedeemAsync(
        VerificationTokenClaims claims, VerificationUsage? expectedUsage, string? expectedContact, bool consume, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (Mismatch(claims, expectedUsage, expectedContact) is { } mismatch)
        {
            return mismatch;
        }

        return consume
            ? await RedeemAsync(claims, now, cancellationToken).ConfigureAwait(false)
            : new VerifiedContact(claims.Channel, claims.Contact, claims.Usage);
    }

    /// <summary>
    /// Whether a token's contact and usage fit what the caller expects, checked before the token is consumed: the
    /// expected contact in any spelling that a send accepts, and the expected
    /// usage unless the token carries none (its code was sent without one). Null when they fit.
    /// </summary>
    public VerificationError? Mismatch(VerificationTokenClaims claims, VerificationUsage? expectedUsage, string? expectedContact)
    {
        if (expectedUsage is { } expected && claims.Usage is { } actual && actual != expected)
        {
            Log.TokenRefused(logger, TokenKind.VerificationToken, VerificationErrorReasons.UsageMismatch);
            return VerificationError.InvalidToken(VerificationErrorReasons.UsageMismatch, "The verification token was issued for another usage.");
        }

        // An unparsable contact cannot be the token's, which was parsed by the same rules when its code was sent.
        if (string.IsNullOrWhiteSpace(expectedContact)
            || (parser is not null && parser.TryParseAny(expectedContact, out var given) && given.Channel == claims.Channel
                && string.Equals(given.Key, parser.KeyOf(claims.Channel, claims.Contact), StringComparison.Ordinal)))
        {
            return null;
        }

        Log.TokenRefused(logger, TokenKind.VerificationToken, VerificationErrorReasons.ContactMismatch);
        return VerificationError.InvalidToken(VerificationErrorReasons.ContactMismatch, "The verification token proves another contact than the one given.");
    }

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
