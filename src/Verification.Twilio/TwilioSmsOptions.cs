namespace Verification.Twilio;

/// <summary>
/// Settings of the Twilio SMS sender, bound from the <c>Verification:Twilio</c> configuration section
/// (environment variables use <c>__</c>: <c>Verification__Twilio__AuthToken</c>). Validated at start; every failure
/// message names the key to fix.
/// </summary>
/// <remarks>
/// Credentials: either <see cref="AuthToken"/> (Basic auth <c>AccountSid:AuthToken</c>) or an API key,
/// <see cref="ApiKeySid"/> and <see cref="ApiKeySecret"/> (Basic auth <c>ApiKeySid:ApiKeySecret</c>), not both.
/// Sender: exactly one of <see cref="From"/> and <see cref="MessagingServiceSid"/>.
/// </remarks>
public sealed class TwilioSmsOptions
{
    /// <summary>The configuration section the options bind from: <c>"Verification:Twilio"</c>.</summary>
    public const string SectionName = "Verification:Twilio";

    /// <summary>
    /// The name of the <see cref="System.Net.Http.IHttpClientFactory"/> client the sender uses:
    /// <c>services.AddHttpClient(TwilioSmsOptions.HttpClientName)</c> adds handlers (a proxy, telemetry, a timeout) to it.
    /// </summary>
    public const string HttpClientName = "Verification.Twilio";

    /// <summary>Twilio's REST API root.</summary>
    public const string DefaultEndpoint = "https://api.twilio.com";

    /// <summary>The account SID (<c>AccountSid</c>): <c>AC</c> and 32 hexadecimal digits. It is part of the request path.</summary>
    /// <value>Default null: required.</value>
    public string? AccountSid { get; set; }

    /// <summary>The account's auth token (<c>AuthToken</c>). Never logged. Leave unset when an API key is used.</summary>
    /// <value>Default null.</value>
    public string? AuthToken { get; set; }

    /// <summary>The SID of an API key (<c>ApiKeySid</c>): <c>SK</c> and 32 hexadecimal digits; used with <see cref="ApiKeySecret"/> instead of <see cref="AuthToken"/>.</summary>
    /// <value>Default null.</value>
    public string? ApiKeySid { get; set; }

    /// <summary>The secret of the API key (<c>ApiKeySecret</c>). Never logged.</summary>
    /// <value>Default null.</value>
    public string? ApiKeySecret { get; set; }

    /// <summary>The sending number in E.164 form or an alphanumeric sender id (<c>From</c>); or set <see cref="MessagingServiceSid"/> instead.</summary>
    /// <value>Default null.</value>
    public string? From { get; set; }

    /// <summary>The SID of a Messaging Service that picks the sender (<c>MessagingServiceSid</c>): <c>MG</c> and 32 hexadecimal digits; or set <see cref="From"/> instead.</summary>
    /// <value>Default null.</value>
    public string? MessagingServiceSid { get; set; }

    /// <summary>
    /// The REST API root (<c>Endpoint</c>); requests go to <c>{Endpoint}/2010-04-01/Accounts/{AccountSid}/Messages.json</c>.
    /// Must be absolute, and <c>https</c> unless the host is a loopback address (credentials travel in the request).
    /// </summary>
    /// <value>Default <c>https://api.twilio.com</c>.</value>
    public Uri Endpoint { get; set; } = new(DefaultEndpoint);
}
