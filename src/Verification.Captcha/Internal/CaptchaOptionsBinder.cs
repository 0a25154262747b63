using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Verification.Captcha;

/// <summary>
/// Reads the <c>Verification:Captcha</c> keys into <see cref="CaptchaProviderOptions"/>.
/// </summary>
/// <remarks>
/// Written by hand instead of <c>ConfigurationBinder.Bind</c>: the binder throws on the first value it cannot
/// convert (an unknown <c>Provider</c>, a <c>MinimumScore</c> that is not a number) with a message that does not
/// say what to write instead. Here every unreadable value becomes a validation failure at start that names the key
/// and the accepted values. Keys that are absent leave the current value (the default or code) as it is.
/// </remarks>
internal static class CaptchaOptionsBinder
{
    private const string Providers = "Turnstile, HCaptcha, ReCaptchaV2 or ReCaptchaV3";

    public static void Bind(IConfiguration section, string path, CaptchaProviderOptions options)
    {
        if (AppConfigurationSection.Read(section, "Provider") is { } provider)
        {
            // Names only: Enum.TryParse would also take "1" or "-7".
            if (!char.IsAsciiDigit(provider[0]) && provider[0] is not ('-' or '+')
                && Enum.TryParse<CaptchaProvider>(provider, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
            {
                options.Provider = parsed;
            }
            else
            {
                options.ConfigurationErrors.Add($"{path}:Provider '{provider}' is not a known captcha provider; use {Providers}.");
            }
        }

        if (AppConfigurationSection.Read(section, "Secret") is { } secret)
        {
            options.Secret = secret;
        }

        if (AppConfigurationSection.Read(section, "SiteKey") is { } siteKey)
        {
            options.SiteKey = siteKey;
        }

        if (AppConfigurationSection.Read(section, "Endpoint") is { } endpoint)
        {
            if (Uri.TryCreate(endpoint, UriKind.RelativeOrAbsolute, out var uri))
            {
                options.Endpoint = uri;
            }
            else
            {
                options.ConfigurationErrors.Add($"{path}:Endpoint '{endpoint}' is not a URL; use an absolute https URL or remove the key to use the provider's siteverify URL.");
            }
        }

        if (AppConfigurationSection.Read(section, "MinimumScore") is { } score)
        {
            if (double.TryParse(score, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
            {
                options.MinimumScore = parsed;
            }
            else
            {
                options.ConfigurationErrors.Add($"{path}:MinimumScore '{score}' is not a number; use 0.0 to 1.0 (0.5 is the default).");
            }
        }

        if (AppConfigurationSection.Read(section, "ExpectedAction") is { } action)
        {
            options.ExpectedAction = action;
        }

        var hostnames = section.GetSection("ExpectedHostnames");
        if (hostnames.Value is { Length: > 0 } list)
        {
            options.ExpectedHostnames = [.. list.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }
        else if (hostnames.GetChildren().Select(c => c.Value).OfType<string>().ToList() is { Count: > 0 } items)
        {
            options.ExpectedHostnames = items;
        }

        if (AppConfigurationSection.Read(section, "Timeout") is { } timeout)
        {
            if (TimeSpan.TryParse(timeout, CultureInfo.InvariantCulture, out var parsed))
            {
                options.Timeout = parsed;
            }
            else
            {
                options.ConfigurationErrors.Add($"{path}:Timeout '{timeout}' is not a duration; use hh:mm:ss, for example 00:00:05 (the default).");
            }
        }
    }
}
