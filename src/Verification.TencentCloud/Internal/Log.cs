using Microsoft.Extensions.Logging;

namespace Verification.TencentCloud;

/// <summary>
/// Every log line of Verification.TencentCloud (event ids 5000–5099). The code, the message body, the SecretKey and
/// the Authorization header are never arguments; recipients are masked; exceptions logged are transport errors,
/// whose messages hold the endpoint host but not the request.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(5000, LogLevel.Debug, "Tencent Cloud SMS accepted a message to {Recipient} (serial {SerialNo}, request {RequestId}).")]
    public static partial void Accepted(ILogger logger, string recipient, string? serialNo, string? requestId);

    [LoggerMessage(5001, LogLevel.Information, "Tencent Cloud SMS refused the recipient {Recipient} as invalid ({ErrorCode}, request {RequestId}).")]
    public static partial void InvalidRecipient(ILogger logger, string recipient, string errorCode, string? requestId);

    [LoggerMessage(5002, LogLevel.Warning, "Tencent Cloud SMS throttled a message to {Recipient} ({ErrorCode}, request {RequestId}); it was not sent.")]
    public static partial void Throttled(ILogger logger, string recipient, string errorCode, string? requestId);

    [LoggerMessage(5003, LogLevel.Warning, "Tencent Cloud SMS failed internally on a message to {Recipient} ({ErrorCode}, request {RequestId}).")]
    public static partial void ProviderInternalError(ILogger logger, string recipient, string errorCode, string? requestId);

    [LoggerMessage(5004, LogLevel.Error, "Tencent Cloud SMS refused the request because of a configuration problem ({ErrorCode}, request {RequestId}); check {ConfigurationKey}. No SMS can be sent until it is fixed.")]
    public static partial void ConfigurationProblem(ILogger logger, string errorCode, string? requestId, string configurationKey);

    [LoggerMessage(5005, LogLevel.Warning, "Tencent Cloud SMS refused a message to {Recipient} for good ({ErrorCode}, request {RequestId}).")]
    public static partial void RefusedPermanently(ILogger logger, string recipient, string errorCode, string? requestId);

    [LoggerMessage(5006, LogLevel.Warning, "Tencent Cloud SMS answered HTTP {StatusCode} with a body that cannot be read ({Reason}, content type {ContentType}); the message may have been sent.")]
    public static partial void AnswerUnreadable(ILogger logger, int statusCode, string reason, string? contentType);

    [LoggerMessage(5007, LogLevel.Warning, "Tencent Cloud SMS could not be reached; the message was not sent.")]
    public static partial void Unreachable(ILogger logger, Exception exception);

    [LoggerMessage(5008, LogLevel.Warning, "The call to Tencent Cloud SMS failed after the request went out; the message may have been sent.")]
    public static partial void OutcomeUnknown(ILogger logger, Exception exception);

    [LoggerMessage(5009, LogLevel.Warning, "Tencent Cloud SMS did not answer within {Timeout}; the message may have been sent.")]
    public static partial void TimedOut(ILogger logger, TimeSpan timeout);

    [LoggerMessage(5010, LogLevel.Warning, "Tencent Cloud SMS answered the undocumented error {ErrorCode} for a message to {Recipient} (request {RequestId}); treated as transient.")]
    public static partial void UnrecognizedError(ILogger logger, string recipient, string errorCode, string? requestId);
}
