using Microsoft.Extensions.Configuration;

namespace Verification.Twilio;

/// <summary>Reads the <c>Verification:Twilio</c> keys into <see cref="TwilioSmsOptions"/>.</summary>
/// <remarks>
/// Written by hand instead of <c>ConfigurationBinder.Bind</c>, like the captcha binder: an <c>Endpoint</c> that is not
/// a URL becomes a validation failure at start naming the key, instead of a converter exception. Absent or empty
/// keys leave the current value as it is.
/// </remarks>
internal static class TwilioOptionsBinder
{
    public static void Bind(IConfiguration section, string path, TwilioSmsOptions options)
    {
        options.AccountSid = AppConfigurationSection.Read(section, "AccountSid") ?? options.AccountSid;
        options.AuthToken = AppConfigurationSection.Read(section, "AuthToken") ?? options.AuthToken;
        options.ApiKeySid = AppConfigurationSection.Read(section, "ApiKeySid") ?? options.ApiKeySid;
        options.ApiKeySecret = AppConfigurationSection.Read(section, "ApiKeySecret") ?? options.ApiKeySecret;
        options.From = AppConfigurationSection.Read(section, "From") ?? options.From;
        options.MessagingServiceSid = AppConfigurationSection.Read(section, "MessagingServiceSid") ?? options.MessagingServiceSid;
        if (AppConfigurationSection.Read(section, "Endpoint") is { } endpoint)
        {
            if (Uri.TryCreate(endpoint, UriKind.RelativeOrAbsolute, out var uri))
            {
                options.Endpoint = uri;
            }
            else
            {
                options.ConfigurationErrors.Add($"{path}:Endpoint '{endpoint}' is not a URL; use an absolute https URL, or remove the key to use {TwilioSmsOptions.DefaultEndpoint}.");
            }
        }
    }
}
