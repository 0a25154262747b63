namespace Verification;

/// <summary>
/// Everything under <c>Verification:Captcha</c>, in one type: captcha escalation and the built-in image captcha
/// (<see cref="AlwaysRequire"/> to <see cref="ChallengesPerIpPerHour"/>, checked by the core's validation), and the
/// siteverify provider (<see cref="Provider"/> to <see cref="Timeout"/>), read by the Verification.Captcha package and
/// checked at start when that package is registered (environment variables use <c>__</c>:
/// <c>Verification__Captcha__Secret</c>). Every failure message names the key to fix.
/// </summary>
/// <remarks>
/// The picture of the image captcha has its own section, <c>Verification:Captcha:Image</c>, read by the renderer of the
/// Verification.Captcha.Image package into its own options (<c>SkiaCaptchaImageOptions</c>): another renderer brings
/// other settings.
/// </remarks>
public sealed class CaptchaOptions
{
    /// <summary>The configuration section the options bind from: <c>"Verification:Captcha"</c>.</summary>
    public const string SectionName = "Verification:Captcha";

    /// <summary>Every send needs a valid captcha token (answers <c>captcha_required</c>, reason <c>always</c>, without one).</summary>
    /// <value>Default false.</value>
    public bool AlwaysRequire { get; set; }

    /// <summary>Characters per image-captcha key.</summary>
    /// <value>Default 5. 4–6.</value>
    public int KeyLength { get; set; } = 5;

    /// <summary>How long an image-captcha challenge can be answered (its <c>expires_in</c>).</summary>
    /// <value>Default 00:05:00. 10 seconds to 30 minutes.</value>
    public TimeSpan ChallengeLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Answers per image-captcha challenge; a wrong answer does not burn it, the last allowed one does.</summary>
    /// <value>Default 5. 1–10.</value>
    public int MaxTries { get; set; } = 5;

    /// <summary>How long a captcha token from a solved image captcha stays usable (once).</summary>
    /// <value>Default 00:05:00. 10 seconds to 30 minutes.</value>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Image-captcha challenges one client IP may ask for per hour (hard, reason <c>captcha_limit</c>).</summary>
    /// <value>Default 60. 0 turns it off.</value>
    public int ChallengesPerIpPerHour { get; set; } = 60;

    /// <summary>
    /// The siteverify provider (<c>Provider</c>): <c>Turnstile</c>, <c>HCaptcha</c>, <c>ReCaptchaV2</c> or <c>ReCaptchaV3</c>.
    /// <c>AddTurnstileCaptcha</c>, <c>AddHCaptcha</c> and <c>AddReCaptcha</c> set it; <c>AddCaptcha()</c> reads it
    /// from configuration.
    /// </summary>
    /// <value>Default null: required by <c>AddCaptcha()</c>.</value>
    public CaptchaProvider? Provider { get; set; }

    /// <summary>The secret key the provider issued for the site (<c>Secret</c>). Never logged.</summary>
    /// <value>Default null: required when a siteverify provider is registered.</value>
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
    /// <value>Default null: the provider's documented URL.</value>
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
}
