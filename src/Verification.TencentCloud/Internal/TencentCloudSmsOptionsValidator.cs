using System.Globalization;
using Microsoft.Extensions.Options;
using Verification.Shared;

namespace Verification.TencentCloud;

/// <summary>Validates <see cref="TencentCloudSmsOptions"/> at start. Every message names the configuration key to fix.</summary>
internal sealed class TencentCloudSmsOptionsValidator : IValidateOptions<TencentCloudSmsOptions>
{
    private const string Path = TencentCloudSmsOptions.SectionName;
    private static readonly TimeSpan MinTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(2);

    public ValidateOptionsResult Validate(string? name, TencentCloudSmsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();

        Required(errors, "SecretId", options.SecretId, "the SecretId of a Tencent Cloud API key (CAM console, API keys)", echo: true);
        Required(errors, "SecretKey", options.SecretKey, "the SecretKey of the same API key", echo: false);

        if (Required(errors, "Region", options.Region, "the region of the SMS application, for example ap-guangzhou", echo: true)
            && !options.Region!.All(static c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            errors.Add($"{Path}:Region '{options.Region}' is not a region name; use lower-case letters, digits and dashes, for example ap-guangzhou.");
        }

        if (Required(errors, "SmsSdkAppId", options.SmsSdkAppId, "the SDK AppID of the SMS application, for example 1400006666", echo: true)
            && !options.SmsSdkAppId!.All(char.IsAsciiDigit))
        {
            errors.Add($"{Path}:SmsSdkAppId '{options.SmsSdkAppId}' must be digits only, for example 1400006666 (SMS console, application management).");
        }

        if (Required(errors, "TemplateId", options.TemplateId, "the id of an approved body template, for example 449739", echo: true)
            && !options.TemplateId!.All(char.IsAsciiDigit))
        {
            errors.Add($"{Path}:TemplateId '{options.TemplateId}' must be digits only: the id of an approved body template, not its text.");
        }

        if (options.SignName is { } signName && (signName.Length is 0 or > 64 || AdapterRules.HasControlCharacters(signName)))
        {
            errors.Add($"{Path}:SignName must be 1 to 64 printable characters (the approved signature content), or removed.");
        }

        AdapterRules.CheckEndpoint(errors, $"{Path}:Endpoint", options.Endpoint, $"for example {TencentCloudSmsOptions.DefaultEndpoint} (the default)", "the signed request");

        if (options.TemplateParameters is null)
        {
            errors.Add($"{Path}:TemplateParameters must not be null; remove the key for the default [\"Code\", \"Minutes\"].");
        }
        else if (options.TemplateParameters.FirstOrDefault(p => !IsKnownParameter(p)) is { } unknown)
        {
            errors.Add($"{Path}:TemplateParameters holds '{unknown}'; use Code, Minutes or Seconds, in the order of the template's {{1}}, {{2}}….");
        }
        else if (!options.TemplateParameters.Any(static p => string.Equals(p, TencentCloudSmsOptions.CodeParameter, StringComparison.OrdinalIgnoreCase)))
        {
            errors.Add($"{Path}:TemplateParameters must include Code, or the message would not carry the code (the default is [\"Code\", \"Minutes\"]).");
        }

        if (options.Timeout < MinTimeout || options.Timeout > MaxTimeout)
        {
            errors.Add($"{Path}:Timeout is {options.Timeout.ToString("c", CultureInfo.InvariantCulture)}; use 00:00:01 to 00:02:00 (00:00:10 is the default).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static bool IsKnownParameter(string? parameter) =>
        parameter is not null
        && (string.Equals(parameter, TencentCloudSmsOptions.CodeParameter, StringComparison.OrdinalIgnoreCase)
            || string.Equals(parameter, TencentCloudSmsOptions.MinutesParameter, StringComparison.OrdinalIgnoreCase)
            || string.Equals(parameter, TencentCloudSmsOptions.SecondsParameter, StringComparison.OrdinalIgnoreCase));

    private static bool Required(List<string> errors, string key, string? value, string what, bool echo)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"{Path}:{key} is missing; set {what}.");
            return false;
        }

        if (value.Length > 256 || AdapterRules.HasControlCharacters(value) || value.Trim().Length != value.Length)
        {
            // A secret is never echoed.
            errors.Add(echo
                ? $"{Path}:{key} '{value}' must be at most 256 printable characters without surrounding spaces."
                : $"{Path}:{key} must be at most 256 printable characters without surrounding spaces.");
            return false;
        }

        return true;
    }
}
