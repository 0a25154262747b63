namespace Verification;

/// <summary>Checks captcha tokens (an image-captcha token, Turnstile, hCaptcha, reCAPTCHA…).</summary>
public interface ICaptchaValidator
{
    /// <summary>Checks one captcha token. A token must be accepted once only.</summary>
    /// <param name="captchaToken">The token the client presented.</param>
    /// <param name="context">The caller's context (its IP is forwarded to providers that want it).</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    ValueTask<CaptchaValidationResult> ValidateAsync(string captchaToken, VerificationContext? context, CancellationToken cancellationToken = default);
}

/// <summary>The outcome of a captcha check.</summary>
public enum CaptchaValidationStatus
{
    /// <summary>The token is valid; soft limits are waived for this request.</summary>
    Valid = 0,

    /// <summary>The token is forged, expired or used; the request answers <c>captcha_invalid</c>.</summary>
    Invalid = 1,

    /// <summary>The provider could not be reached; the request fails closed with <c>unavailable</c>.</summary>
    Unavailable = 2,
}

/// <summary>The outcome of a captcha check.</summary>
/// <param name="Status">Valid, invalid or unavailable.</param>
/// <param name="Reason">A short machine-readable reason for logs and <c>details.reason</c>.</param>
public readonly record struct CaptchaValidationResult(CaptchaValidationStatus Status, string? Reason = null);
