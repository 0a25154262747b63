namespace Verification;

/// <summary>The captcha services whose siteverify answer the Verification.Captcha package can check (<c>Verification:Captcha:Provider</c>).</summary>
public enum CaptchaProvider
{
    /// <summary>Cloudflare Turnstile (<c>https://challenges.cloudflare.com/turnstile/v0/siteverify</c>).</summary>
    Turnstile = 1,

    /// <summary>hCaptcha (<c>https://api.hcaptcha.com/siteverify</c>); form-encoded requests only.</summary>
    HCaptcha = 2,

    /// <summary>Google reCAPTCHA v2, checkbox or invisible (<c>https://www.google.com/recaptcha/api/siteverify</c>).</summary>
    ReCaptchaV2 = 3,

    /// <summary>
    /// Google reCAPTCHA v3 (<c>https://www.google.com/recaptcha/api/siteverify</c>): the answer's <c>score</c> must reach
    /// <see cref="CaptchaOptions.MinimumScore"/> and its <c>action</c> must equal <see cref="CaptchaOptions.ExpectedAction"/> when set.
    /// </summary>
    ReCaptchaV3 = 4,
}
