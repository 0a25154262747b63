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

/// <summary>
/// A captcha validator whose tokens are marked used by the save of the send they are spent on, not when they are
/// checked: a send that passes the captcha but is then refused (or fails) before its record is saved leaves the solved
/// captcha usable. <see cref="VerificationService"/> calls <see cref="CheckAsync"/> instead of
/// <see cref="ICaptchaValidator.ValidateAsync"/> and adds <see cref="CaptchaCheck.UsedMark"/> to the charges of the
/// send's save, which takes them atomically with the record: of any number of sends racing with one token, at most one
/// is saved. Only for tokens whose single use the library owns (the built-in image captcha); a provider whose siteverify
/// consumes the token itself cannot give it back.
/// </summary>
public interface ISaveBoundCaptchaValidator : ICaptchaValidator
{
    /// <summary>Checks one captcha token without using it up.</summary>
    /// <param name="captchaToken">The token the client presented.</param>
    /// <param name="context">The caller's context.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The outcome, and when valid the charge that marks the token used.</returns>
    ValueTask<CaptchaCheck> CheckAsync(string captchaToken, VerificationContext? context, CancellationToken cancellationToken = default);
}

/// <summary>The outcome of a captcha check that does not use the token up.</summary>
/// <param name="Result">Valid, invalid or unavailable.</param>
/// <param name="UsedMark">
/// When valid: a hard charge with a limit of 1 whose window lasts while the token could be accepted. Taking it marks
/// the token used; a save that finds it taken is refused with <c>captcha_invalid</c> (reason <c>used</c>).
/// </param>
public readonly record struct CaptchaCheck(CaptchaValidationResult Result, RateCharge? UsedMark = null);
