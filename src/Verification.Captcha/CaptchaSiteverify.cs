namespace Verification.Captcha;

/// <summary>
/// The fixed facts of siteverify validation: the providers' documented URLs, the named client, the token size limit.
/// The settings (<c>Verification:Captcha</c>) are <see cref="CaptchaOptions"/>, the captcha part of
/// <see cref="VerificationOptions"/>.
/// </summary>
public static class CaptchaSiteverify
{
    /// <summary>
    /// The name of the <see cref="System.Net.Http.IHttpClientFactory"/> client the validators use:
    /// <c>services.AddHttpClient(CaptchaSiteverify.HttpClientName)</c> adds handlers (a proxy, telemetry) to it.
    /// </summary>
    public const string HttpClientName = "Verification.Captcha";

    /// <summary>The longest token sent to a provider (Turnstile's documented limit); longer ones are invalid without a call.</summary>
    public const int MaxTokenLength = 2048;

    /// <summary>Cloudflare Turnstile's siteverify URL.</summary>
    public const string TurnstileEndpoint = "https://challenges.cloudflare.com/turnstile/v0/siteverify";

    /// <summary>hCaptcha's siteverify URL.</summary>
    public const string HCaptchaEndpoint = "https://api.hcaptcha.com/siteverify";

    /// <summary>Google reCAPTCHA's siteverify URL (v2 and v3).</summary>
    public const string ReCaptchaEndpoint = "https://www.google.com/recaptcha/api/siteverify";

    /// <summary>The documented siteverify URL of <paramref name="provider"/>, used unless <see cref="CaptchaOptions.Endpoint"/> is set.</summary>
    /// <param name="provider">The provider.</param>
    /// <returns>The URL.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="provider"/> is not a defined value.</exception>
    public static Uri GetDefaultEndpoint(CaptchaProvider provider) => provider switch
    {
        CaptchaProvider.Turnstile => new Uri(TurnstileEndpoint),
        CaptchaProvider.HCaptcha => new Uri(HCaptchaEndpoint),
        CaptchaProvider.ReCaptchaV2 or CaptchaProvider.ReCaptchaV3 => new Uri(ReCaptchaEndpoint),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Use Turnstile, HCaptcha, ReCaptchaV2 or ReCaptchaV3."),
    };
}
