using Verification.Shared;

namespace Verification.Captcha;

/// <summary>Reads the <c>Verification:Captcha</c> keys into <see cref="CaptchaProviderOptions"/>.</summary>
internal static class CaptchaOptionsBinder
{
    /// <summary>The keys of the same section that the image captcha reads (see <c>VerificationOptions.Captcha</c>).</summary>
    private static readonly string[] ImageCaptchaKeys = ["AlwaysRequire", "KeyLength", "ChallengeLifetime", "MaxTries", "TokenLifetime", "ChallengesPerIpPerHour", "Image"];

    public static void Bind(ConfigurationReader section, CaptchaProviderOptions options)
    {
        section.Allow(ImageCaptchaKeys);
        options.Provider = section.Enum<CaptchaProvider>("Provider", "captcha provider") ?? options.Provider;
        options.Secret = section.String("Secret") ?? options.Secret;
        options.SiteKey = section.String("SiteKey") ?? options.SiteKey;
        options.Endpoint = section.Uri("Endpoint", "use an absolute https URL or remove the key to use the provider's siteverify URL.") ?? options.Endpoint;
        options.MinimumScore = section.Double("MinimumScore") ?? options.MinimumScore;
        options.ExpectedAction = section.String("ExpectedAction") ?? options.ExpectedAction;
        options.ExpectedHostnames = section.StringList("ExpectedHostnames") is { Count: > 0 } hostnames ? hostnames : options.ExpectedHostnames;
        options.Timeout = section.TimeSpan("Timeout") ?? options.Timeout;
    }
}
