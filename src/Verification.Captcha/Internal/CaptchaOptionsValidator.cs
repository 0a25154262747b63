using System.Globalization;
using Microsoft.Extensions.Options;
using Verification.Shared;

namespace Verification.Captcha;

/// <summary>Validates <see cref="CaptchaProviderOptions"/> at start. Every message names the configuration key to fix.</summary>
/// <remarks>Hand-written like Core's validator: the rules span fields and the messages name configuration keys.</remarks>
internal sealed class CaptchaOptionsValidator : IValidateOptions<CaptchaProviderOptions>
{
    private const string Path = CaptchaProviderOptions.SectionName;
    private const int MaxSecretLength = 1024;
    private static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(2);

    public ValidateOptionsResult Validate(string? name, CaptchaProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();

        switch (options.Provider)
        {
            case null when !OptionsBinding.ErrorsOf(options).Any(static e => e.StartsWith(Path + ":Provider", StringComparison.Ordinal)):
                errors.Add($"{Path}:Provider is not set; use Turnstile, HCaptcha, ReCaptchaV2 or ReCaptchaV3, or register with AddTurnstileCaptcha, AddHCaptcha or AddReCaptcha.");
                break;
            case { } provider when !Enum.IsDefined(provider):
                errors.Add($"{Path}:Provider '{(int)provider}' is not a known captcha provider; use Turnstile, HCaptcha, ReCaptchaV2 or ReCaptchaV3.");
                break;
        }

        if (string.IsNullOrWhiteSpace(options.Secret))
        {
            errors.Add($"{Path}:Secret is missing; set the secret key the captcha provider issued for the site (docs/captcha-providers.md lists the providers' test secrets for local use).");
        }
        else if (options.Secret.Length > MaxSecretLength || AdapterRules.HasControlCharacters(options.Secret))
        {
            // The value itself is never echoed: it is a secret.
            errors.Add($"{Path}:Secret must be at most {MaxSecretLength} printable characters.");
        }

        if (options.SiteKey is { } siteKey && (siteKey.Length == 0 || siteKey.Length > MaxSecretLength || AdapterRules.HasControlCharacters(siteKey)))
        {
            errors.Add($"{Path}:SiteKey must be 1 to {MaxSecretLength} printable characters, or removed.");
        }

        if (options.Endpoint is { } endpoint)
        {
            AdapterRules.CheckEndpoint(errors, $"{Path}:Endpoint", endpoint, "the full siteverify URL", "the secret");
        }

        if (double.IsNaN(options.MinimumScore) || options.MinimumScore is < 0 or > 1)
        {
            errors.Add($"{Path}:MinimumScore is {options.MinimumScore.ToString(CultureInfo.InvariantCulture)}; use 0.0 to 1.0 (0.5 is the default).");
        }

        if (options.ExpectedAction is { } action)
        {
            if (action.Length is 0 or > 256 || AdapterRules.HasControlCharacters(action))
            {
                errors.Add($"{Path}:ExpectedAction must be 1 to 256 printable characters, or removed.");
            }
            else if (options.Provider is CaptchaProvider.HCaptcha or CaptchaProvider.ReCaptchaV2)
            {
                errors.Add($"{Path}:ExpectedAction is set but {options.Provider} answers carry no action; remove the key (it is checked for Turnstile and ReCaptchaV3 only).");
            }
        }

        if (options.ExpectedHostnames is null)
        {
            errors.Add($"{Path}:ExpectedHostnames must not be null; use an empty list to accept any host name.");
        }
        else if (options.ExpectedHostnames.Any(h => string.IsNullOrWhiteSpace(h) || h.Length > 253 || AdapterRules.HasControlCharacters(h)))
        {
            errors.Add($"{Path}:ExpectedHostnames holds an empty or malformed host name; list host names like \"example.com\".");
        }

        if (options.Timeout < MinTimeout || options.Timeout > MaxTimeout)
        {
            errors.Add($"{Path}:Timeout is {options.Timeout.ToString("c", CultureInfo.InvariantCulture)}; use 00:00:00.1 to 00:02:00 (00:00:05 is the default).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
