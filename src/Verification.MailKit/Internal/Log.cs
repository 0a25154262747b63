using Microsoft.Extensions.Logging;

namespace Verification.MailKit;

/// <summary>
/// Every log line of Verification.MailKit (event ids 4000–4099). Passwords, codes and message bodies are never
/// arguments; recipients appear masked; exceptions logged are transport errors without message content.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(4000, LogLevel.Debug, "Connected to the SMTP server {Host}:{Port} ({Security}); {Open} connection(s) open.")]
    public static partial void Connected(ILogger logger, string host, int port, SmtpSecurity security, int open);

    [LoggerMessage(4001, LogLevel.Debug, "The SMTP server accepted the {Delivery} (connection reused: {Reused}).")]
    public static partial void Sent(ILogger logger, string delivery, bool reused);

    [LoggerMessage(4002, LogLevel.Warning, "The SMTP server refused the {Delivery}: {StatusCode} on {Stage}; delivery failure kind {Kind}.")]
    public static partial void Refused(ILogger logger, string delivery, int statusCode, string stage, DeliveryFailureKind kind);

    [LoggerMessage(4003, LogLevel.Error, "Configuration problem: the SMTP server {Host}:{Port} refused the credentials; check Verification:Smtp:UserName and Verification:Smtp:Password.")]
    public static partial void AuthenticationFailed(ILogger logger, Exception exception, string host, int port);

    [LoggerMessage(4004, LogLevel.Warning, "Could not connect to the SMTP server {Host}:{Port}.")]
    public static partial void ConnectFailed(ILogger logger, Exception exception, string host, int port);

    [LoggerMessage(4005, LogLevel.Error, "Configuration problem with the SMTP server {Host}:{Port}: {Problem}")]
    public static partial void ConfigurationProblem(ILogger logger, Exception exception, string host, int port, string problem);

    [LoggerMessage(4006, LogLevel.Debug, "An idle SMTP connection failed its NOOP check; it is replaced.")]
    public static partial void IdleCheckFailed(ILogger logger, Exception exception);

    [LoggerMessage(4007, LogLevel.Debug, "A reused SMTP connection broke before the server took the sender; the message is sent again on a new connection.")]
    public static partial void RetryingOnNewConnection(ILogger logger, Exception exception);

    [LoggerMessage(4008, LogLevel.Warning, "Verification:Smtp:DangerousAcceptAnyServerCertificate is on: the SMTP server's certificate is not validated. Use it for local development only.")]
    public static partial void AcceptingAnyCertificate(ILogger logger);

    [LoggerMessage(4009, LogLevel.Warning, "The SMTP connection broke while the {Delivery} was in flight; whether it was delivered is unknown.")]
    public static partial void BrokeInFlight(ILogger logger, Exception exception, string delivery);
}
