namespace Verification;

/// <summary>Captcha escalation and the built-in image captcha (<c>Verification:Captcha</c>).</summary>
public sealed class CaptchaOptions
{
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
}
