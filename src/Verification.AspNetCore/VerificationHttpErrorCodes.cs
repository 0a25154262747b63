namespace Verification.AspNetCore;

/// <summary>
/// The HTTP side of the error catalogue: the status that carries each code of <see cref="VerificationErrorCodes"/>,
/// and the two codes only the HTTP API answers (<c>not_found</c>, <c>method_not_allowed</c>).
/// </summary>
public static class VerificationHttpErrorCodes
{
    /// <summary>HTTP only: no endpoint at this path (with the opt-in JSON fallback). 4040 / 404.</summary>
    public const string NotFound = "not_found";

    /// <summary>HTTP only: a library endpoint exists at this path but not for this method. 4050 / 405.</summary>
    public const string MethodNotAllowed = "method_not_allowed";

    /// <summary>The stable number of <see cref="NotFound"/>.</summary>
    public const int NotFoundNumber = 4040;

    /// <summary>The stable number of <see cref="MethodNotAllowed"/>.</summary>
    public const int MethodNotAllowedNumber = 4050;

    /// <summary>The HTTP status that carries <paramref name="error"/>.</summary>
    /// <param name="error">The error.</param>
    public static int GetHttpStatus(VerificationError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return GetHttpStatus(error.Code);
    }

    /// <summary>The HTTP status that carries a wire code: one of <see cref="VerificationErrorCodes"/> or of this class.</summary>
    /// <param name="code">The wire code.</param>
    /// <exception cref="ArgumentException"><paramref name="code"/> is not a documented code.</exception>
    public static int GetHttpStatus(string code) => code switch
    {
        NotFound => 404,
        MethodNotAllowed => 405,
        VerificationErrorCodes.UserNotFound => 404,
        VerificationErrorCodes.AlreadyExists => 409,
        VerificationErrorCodes.IdempotencyKeyReused => 422,
        VerificationErrorCodes.Unauthenticated => 401,
        VerificationErrorCodes.UserBlocked => 403,
        VerificationErrorCodes.RateLimitExceeded => 429,
        VerificationErrorCodes.Internal => 500,
        VerificationErrorCodes.Unavailable => 503,
        _ => BadRequest(code),
    };

    // Every other documented code is a 400; an unknown one throws.
    private static int BadRequest(string code)
    {
        _ = VerificationErrorCodes.GetNumber(code);
        return 400;
    }
}
