using Microsoft.Extensions.Logging;

namespace Verification;

/// <summary>The outcome of <see cref="TokenGate.CheckAsync{TClaims}"/>: the claims, or the refusal and its reason.</summary>
/// <typeparam name="TClaims">The claims type.</typeparam>
/// <param name="Claims">The claims of a valid token.</param>
/// <param name="Error">The refusal of an invalid one.</param>
/// <param name="Reason">The refusal's reason (<c>expired</c> or <c>unknown</c>).</param>
internal readonly record struct TokenGateResult<TClaims>(TClaims? Claims, VerificationError? Error, string? Reason)
    where TClaims : class;

/// <summary>
/// The preamble that a verify and a redeem share: check the signed token a caller presented, read its typed claims,
/// and turn a forged, expired or malformed token into the operation's refusal (logged, never thrown).
/// </summary>
internal sealed class TokenGate(TokenService tokens, ILogger logger)
{
    /// <summary>Checks <paramref name="token"/> (already known to be present and not too long) at <paramref name="now"/>.</summary>
    public async ValueTask<TokenGateResult<TClaims>> CheckAsync<TClaims>(string token, DateTimeOffset now)
        where TClaims : class, ITokenClaims<TClaims>
    {
        var check = await tokens.ReadAsync<TClaims>(token, now).ConfigureAwait(false);
        if (check.Status == ClaimsStatus.Valid)
        {
            return new(check.Claims, null, null);
        }

        var reason = check.Status == ClaimsStatus.Expired ? VerificationErrorReasons.Expired : VerificationErrorReasons.Unknown;
        Log.TokenRefused(logger, TClaims.Kind, check.Status == ClaimsStatus.BadClaims ? "claims" : reason);
        return new(null, Refusal(TClaims.Kind, reason), reason);
    }

    /// <summary>How each kind of token is refused: a verification id as a code (<c>invalid_verification_code</c>), a verification token as itself.</summary>
    private static VerificationError Refusal(TokenKind kind, string reason) => (kind, reason) switch
    {
        (TokenKind.VerificationId, VerificationErrorReasons.Expired) => VerificationError.InvalidCode(reason, "The code expired; ask for a new one."),
        (TokenKind.VerificationId, _) => VerificationError.InvalidCode(reason, "The verification id is not valid."),
        (_, VerificationErrorReasons.Expired) => VerificationError.InvalidToken(reason, "The verification token expired; verify a new code."),
        _ => VerificationError.InvalidToken(reason, "The verification token is not valid."),
    };
}
