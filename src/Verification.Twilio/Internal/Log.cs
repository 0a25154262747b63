using Microsoft.Extensions.Logging;

namespace Verification.Twilio;

/// <summary>
/// Every log line of Verification.Twilio (event ids 6000–6099). The auth token, the API key secret, the message body
/// and the code are never arguments; nor is Twilio's error <c>message</c>, which may quote the phone number. Exceptions
/// logged are transport errors, whose messages hold the endpoint but not the request.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(6000, LogLevel.Debug, "Twilio accepted {Message} as {MessageSid} (status {Status}).")]
    public static partial void Accepted(ILogger logger, string message, string messageSid, string? status);

    [LoggerMessage(6001, LogLevel.Information, "Twilio refused the recipient of {Message}: error {ErrorCode} (HTTP {StatusCode}).")]
    public static partial void InvalidRecipient(ILogger logger, string message, int errorCode, int statusCode);

    [LoggerMessage(6002, LogLevel.Warning, "Twilio throttled {Message}: error {ErrorCode} (HTTP {StatusCode}); it was not processed.")]
    public static partial void Throttled(ILogger logger, string message, int? errorCode, int statusCode);

    [LoggerMessage(6003, LogLevel.Error, "Twilio refused the credentials (error {ErrorCode}, HTTP {StatusCode}): a configuration problem. Check Verification:Twilio:AccountSid and {CredentialKey}.")]
    public static partial void AuthenticationFailed(ILogger logger, int? errorCode, int statusCode, string credentialKey);

    [LoggerMessage(6004, LogLevel.Warning, "Twilio refused {Message} for good: error {ErrorCode} (HTTP {StatusCode}, {MoreInfo}).")]
    public static partial void Refused(ILogger logger, string message, int? errorCode, int statusCode, string? moreInfo);

    [LoggerMessage(6005, LogLevel.Warning, "Twilio answered HTTP {StatusCode} (error {ErrorCode}) for {Message}; it may have been delivered.")]
    public static partial void ServerError(ILogger logger, int statusCode, int? errorCode, string message);

    [LoggerMessage(6006, LogLevel.Warning, "Twilio answered HTTP {StatusCode} with a body that cannot be read (content type {ContentType}) for {Message}; it may have been delivered.")]
    public static partial void Unreadable(ILogger logger, int statusCode, string? contentType, string message);

    [LoggerMessage(6007, LogLevel.Warning, "Twilio did not answer in time for {Message}; it may have been delivered.")]
    public static partial void TimedOut(ILogger logger, string message);

    [LoggerMessage(6008, LogLevel.Warning, "Twilio could not be reached for {Message}; nothing was sent.")]
    public static partial void Unreachable(ILogger logger, Exception exception, string message);

    [LoggerMessage(6009, LogLevel.Warning, "The exchange with Twilio broke after the request went out for {Message}; it may have been delivered.")]
    public static partial void TransportFailed(ILogger logger, Exception exception, string message);
}
