namespace Verification.AspNetCore;

/// <summary>The shape of error answers (<c>Verification:Http:ErrorFormat</c>).</summary>
public enum VerificationErrorFormat
{
    /// <summary><c>{"error", "error_code", "error_description", "details"}</c> as <c>application/json</c>: what the CloudBase clients read. The default.</summary>
    CloudBase = 0,

    /// <summary>
    /// RFC 9457 <c>application/problem+json</c>, written through the app's <c>IProblemDetailsService</c> when it has
    /// one, with <c>error</c>, <c>error_code</c> and <c>details</c> as extension members.
    /// </summary>
    ProblemDetails = 1,
}
