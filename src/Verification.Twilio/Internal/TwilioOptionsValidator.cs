using System.Buffers;
using Microsoft.Extensions.Options;
using Verification.Shared;

namespace Verification.Twilio;

/// <summary>Validates <see cref="TwilioSmsOptions"/> at start. Every message names the configuration key to fix; secrets are never echoed.</summary>
/// <remarks>Hand-written: the rules span fields (which credential, which sender) and the messages name configuration keys.</remarks>
internal sealed class TwilioOptionsValidator : IValidateOptions<TwilioSmsOptions>
{
    private const string Path = TwilioSmsOptions.SectionName;
    private const int MaxSecretLength = 256;
    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    public ValidateOptionsResult Validate(string? name, TwilioSmsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();

        if (string.IsNullOrWhiteSpace(options.AccountSid))
        {
            errors.Add($"{Path}:AccountSid is missing; set the account SID shown in the Twilio console (AC followed by 32 hexadecimal digits).");
        }
        else if (!IsSid(options.AccountSid, "AC"))
        {
            errors.Add($"{Path}:AccountSid must start with \"AC\" followed by 32 hexadecimal digits; copy the account SID from the Twilio console (not an API key SK… or a service MG…).");
        }

        var hasToken = !string.IsNullOrEmpty(options.AuthToken);
        var hasKey = !string.IsNullOrEmpty(options.ApiKeySid) || !string.IsNullOrEmpty(options.ApiKeySecret);
        if (hasToken && hasKey)
        {
            errors.Add($"{Path}:AuthToken and {Path}:ApiKeySid/ApiKeySecret are both set; keep one kind of credential (remove AuthToken to authenticate with the API key).");
        }
        else if (!hasToken && !hasKey)
        {
            errors.Add($"{Path}:AuthToken is missing; set the account's auth token, or an API key with {Path}:ApiKeySid and {Path}:ApiKeySecret.");
        }
        else if (hasToken)
        {
            CheckSecret(errors, "AuthToken", options.AuthToken!);
        }
        else
        {
            if (string.IsNullOrEmpty(options.ApiKeySid))
            {
                errors.Add($"{Path}:ApiKeySid is missing; an API key needs its SID (SK followed by 32 hexadecimal digits) with {Path}:ApiKeySecret.");
            }
            else if (!IsSid(options.ApiKeySid, "SK"))
            {
                errors.Add($"{Path}:ApiKeySid must start with \"SK\" followed by 32 hexadecimal digits; copy the API key SID from the Twilio console.");
            }

            if (string.IsNullOrEmpty(options.ApiKeySecret))
            {
                errors.Add($"{Path}:ApiKeySecret is missing; set the secret shown when the API key {Path}:ApiKeySid was created.");
            }
            else
            {
                CheckSecret(errors, "ApiKeySecret", options.ApiKeySecret);
            }
        }

        var hasFrom = !string.IsNullOrWhiteSpace(options.From);
        var hasService = !string.IsNullOrWhiteSpace(options.MessagingServiceSid);
        if (hasFrom == hasService)
        {
            errors.Add(hasFrom
                ? $"{Path}:From and {Path}:MessagingServiceSid are both set; keep exactly one (the service picks its own sender)."
                : $"{Path}:From is missing; set the sending number (E.164, for example +15005550006) or {Path}:MessagingServiceSid.");
        }
        else if (hasFrom && (options.From!.Length > 64 || AdapterRules.HasControlCharacters(options.From)))
        {
            errors.Add($"{Path}:From '{options.From}' is not a phone number or sender id; use E.164 (for example +15005550006) or an alphanumeric sender id.");
        }
        else if (hasService && !IsSid(options.MessagingServiceSid!, "MG"))
        {
            errors.Add($"{Path}:MessagingServiceSid must start with \"MG\" followed by 32 hexadecimal digits; copy it from the Twilio console.");
        }

        AdapterRules.CheckEndpoint(errors, $"{Path}:Endpoint", options.Endpoint, $"the API root such as {TwilioSmsOptions.DefaultEndpoint}", "the credentials");

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Whether <paramref name="value"/> is <paramref name="prefix"/> followed by 32 hexadecimal digits, Twilio's SID form.</summary>
    internal static bool IsSid(string value, string prefix) =>
        value.Length == 34 && value.StartsWith(prefix, StringComparison.Ordinal) && !value.AsSpan(2).ContainsAnyExcept(HexDigits);

    private static void CheckSecret(List<string> errors, string key, string value)
    {
        // The value itself is never echoed: it is a secret.
        if (value.Length > MaxSecretLength || AdapterRules.HasControlCharacters(value))
        {
            errors.Add($"{Path}:{key} must be at most {MaxSecretLength} printable characters.");
        }
    }
}
