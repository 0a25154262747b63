using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Verification.TencentCloud;

/// <summary>Reads the <c>Verification:TencentCloudSms</c> keys into <see cref="TencentCloudSmsOptions"/>.</summary>
/// <remarks>
/// Written by hand instead of <c>ConfigurationBinder.Bind</c>, which would append configured
/// <c>TemplateParameters</c> to the default list instead of replacing it, and throws on an unreadable value with a
/// message that does not name the fix. Unreadable values become validation failures at start; absent keys keep the
/// current value.
/// </remarks>
internal static class TencentCloudSmsOptionsBinder
{
    public static void Bind(IConfiguration section, string path, TencentCloudSmsOptions options)
    {
        options.SecretId = AppConfigurationSection.Read(section, "SecretId") ?? options.SecretId;
        options.SecretKey = AppConfigurationSection.Read(section, "SecretKey") ?? options.SecretKey;
        options.Region = AppConfigurationSection.Read(section, "Region") ?? options.Region;
        options.SmsSdkAppId = AppConfigurationSection.Read(section, "SmsSdkAppId") ?? options.SmsSdkAppId;
        options.SignName = AppConfigurationSection.Read(section, "SignName") ?? options.SignName;
        options.TemplateId = AppConfigurationSection.Read(section, "TemplateId") ?? options.TemplateId;

        if (AppConfigurationSection.Read(section, "Endpoint") is { } endpoint)
        {
            if (Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
            {
                options.Endpoint = uri;
            }
            else
            {
                options.ConfigurationErrors.Add($"{path}:Endpoint '{endpoint}' is not an absolute URL; use for example {TencentCloudSmsOptions.DefaultEndpoint} (the default) or remove the key.");
            }
        }

        var parameters = section.GetSection("TemplateParameters");
        if (parameters.Value is { Length: > 0 } list)
        {
            options.TemplateParameters = [.. list.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }
        else if (parameters.GetChildren().Select(static c => c.Value?.Trim()).OfType<string>().ToList() is { Count: > 0 } items)
        {
            options.TemplateParameters = items;
        }

        if (AppConfigurationSection.Read(section, "Timeout") is { } timeout)
        {
            if (TimeSpan.TryParse(timeout, CultureInfo.InvariantCulture, out var parsed))
            {
                options.Timeout = parsed;
            }
            else
            {
                options.ConfigurationErrors.Add($"{path}:Timeout '{timeout}' is not a duration; use hh:mm:ss, for example 00:00:10 (the default).");
            }
        }
    }
}
