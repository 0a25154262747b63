namespace Verification.Captcha;

/// <summary>The captcha services whose siteverify answer can be checked.</summary>
public enum CaptchaProvider
{
    /// <summary>Cloudflare Turnstile (<see cref="CaptchaProviderOptions.TurnstileEndpoint"/>).</summary>
    Turnstile = 1,

    /// <summary>hCaptcha (<see cref="CaptchaProviderOptions.HCaptchaEndpoint"/>); form-encoded requests only.</summary>
    HCaptcha = 2,

    /// <summary>Google reCAPTCHA v2 (checkbox or invisible; <see cref="CaptchaProviderOptions.ReCaptchaEndpoint"/>).</summary>
    ReCaptchaV2 = 3,

    /// <summary>
    /// Google reCAPTCHA v3 (<see cref="CaptchaProviderOptions.ReCaptchaEndpoint"/>): the answer's <c>score</c> must reach
    /// <see cref="CaptchaProviderOptions.MinimumScore"/> and its <c>action</c> must equal <see cref="CaptchaProviderOptions.ExpectedAction"/> when set.
    /// </summary>
    ReCaptchaV3 = 4,
}

/// <summary>
/// Settings of captcha token validation, bound from the <c>Verification:Captcha</c> configuration section
/// (environment variables use <c>__</c>: <c>Verification__Captcha__Secret</c>). Validated at start; every failure
/// message names the key to fix.
/// </summary>
/// <remarks>
/// The validator fails closed: when the provider cannot be asked or its answer cannot be read (network error,
/// <see cref="Timeout"/>, a non-2xx status, a redirect, a body that is not JSON, malformed or over 64 KiB) the token
/// is <see cref="CaptchaValidationStatus.Unavailable"/> and the send answers <c>unavailable</c> (503); it is never
/// taken as valid.
/// </remarks>
public sealed class CaptchaProviderOptions
{
    /// <summary>The configuration section the options bind from: <c>"Verification:Captcha"</c>.</summary>
    public const string SectionName = "Verification:Captcha";

    /// <summary>
    /// The name of the <see cref="System.Net.Http.IHttpClientFactory"/> client the validators use:
    /// <c>services.AddHttpClient(CaptchaProviderOptions.HttpClientName)</c> adds handlers (a proxy, telemetry) to it.
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

    /// <summary>
    /// The provider (<c>Provider</c>): <c>Turnstile</c>, <c>HCaptcha</c>, <c>ReCaptchaV2</c> or <c>ReCaptchaV3</c>.
    /// <c>AddTurnstileCaptcha</c>, <c>AddHCaptcha</c> and <c>AddReCaptcha</c> set it; <c>AddCaptcha()</c> reads it
    /// from configuration.
    /// </summary>
    /// <value>Default null: required by <c>AddCaptcha()</c>.</value>
    public CaptchaProvider? Provider { get; set; }

    /// <summary>The secret key the provider issued for the site (<c>Secret</c>). Never logged.</summary>
    /// <value>Default null: required.</value>
    public string? Secret { get; set; }

    /// <summary>
    /// The public site key (<c>SiteKey</c>). hCaptcha receives it as <c>sitekey</c>, so that a token solved for
    /// another site of the same account is refused; the other providers do not use it.
    /// </summary>
    /// <value>Default null (not sent).</value>
    public string? SiteKey { get; set; }

    /// <summary>
    /// Overrides the siteverify URL (<c>Endpoint</c>), for a proxy or a local stand-in. Must be absolute, and
    /// <c>https</c> unless the host is a loopback address (the secret travels in the request body).
    /// </summary>
    /// <value>Default null: the provider's documented URL (<see cref="TurnstileEndpoint"/>, <see cref="HCaptchaEndpoint"/>, <see cref="ReCaptchaEndpoint"/>).</value>
    public Uri? Endpoint { get; set; }

    /// <summary>reCAPTCHA v3 only: the lowest <c>score</c> accepted (<c>MinimumScore</c>); lower answers are invalid (<c>low_score</c>).</summary>
    /// <value>Default 0.5. 0.0–1.0.</value>
    public double MinimumScore { get; set; } = 0.5;

    /// <summary>
    /// Turnstile and reCAPTCHA v3 only: the <c>action</c> the answer must carry (<c>ExpectedAction</c>), compared
    /// ordinally; another action is invalid (<c>action_mismatch</c>).
    /// </summary>
    /// <value>Default null (the action is not checked).</value>
    public string? ExpectedAction { get; set; }

    /// <summary>
    /// The host names the challenge may have been solved on (<c>ExpectedHostnames</c>, an array, or one
    /// comma-separated value), compared case-insensitively with the answer's <c>hostname</c>; another host is
    /// invalid (<c>hostname_mismatch</c>).
    /// </summary>
    /// <value>Default empty (the host name is not checked).</value>
    public IList<string> ExpectedHostnames { get; set; } = new List<string>();

    /// <summary>How long one siteverify call may take, answer included (<c>Timeout</c>, <c>hh:mm:ss</c>); then the token is unavailable.</summary>
    /// <value>Default 00:00:05. 100 ms to 2 minutes.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);


    /// <summary>The documented siteverify URL of <paramref name="provider"/>.</summary>
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
