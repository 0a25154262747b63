using Verification.Shared;

namespace Verification.Twilio;

/// <summary>Reads the <c>Verification:Twilio</c> keys into <see cref="TwilioSmsOptions"/>.</summary>
internal static class TwilioOptionsBinder
{
    public static void Bind(ConfigurationReader section, TwilioSmsOptions options)
    {
        options.AccountSid = section.String("AccountSid") ?? options.AccountSid;
        options.AuthToken = section.String("AuthToken") ?? options.AuthToken;
        options.ApiKeySid = section.String("ApiKeySid") ?? options.ApiKeySid;
        options.ApiKeySecret = section.String("ApiKeySecret") ?? options.ApiKeySecret;
        options.From = section.String("From") ?? options.From;
        options.MessagingServiceSid = section.String("MessagingServiceSid") ?? options.MessagingServiceSid;
        options.Endpoint = section.Uri("Endpoint", $"use an absolute https URL, or remove the key to use {TwilioSmsOptions.DefaultEndpoint}.") ?? options.Endpoint;
    }
}
