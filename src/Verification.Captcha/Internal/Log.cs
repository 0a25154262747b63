using Microsoft.Extensions.Logging;

namespace Verification.Captcha;

/// <summary>
/// Every log line of Verification.Captcha (event ids 3000–3099). Tokens and secrets are never arguments;
/// exceptions logged are transport errors, whose messages hold the endpoint URL but not the request body.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(3000, LogLevel.Debug, "{Provider} accepted a captcha token (hostname {Hostname}, challenge at {ChallengeTimestamp}, score {Score}).")]
    public static partial void TokenAccepted(ILogger logger, CaptchaProvider provider, string? hostname, DateTimeOffset? challengeTimestamp, double? score);

    [LoggerMessage(3001, LogLevel.Debug, "A captcha token was refused without asking {Provider}: {Reason}.")]
    public static partial void TokenRefusedLocally(ILogger logger, CaptchaProvider provider, string reason);

    [LoggerMessage(3002, LogLevel.Debug, "{Provider} refused a captcha token: {Reason}.")]
    public static partial void TokenRefused(ILogger logger, CaptchaProvider provider, string reason);

    [LoggerMessage(3003, LogLevel.Information, "A captcha token accepted by {Provider} was presented again and refused as a duplicate.")]
    public static partial void DuplicateToken(ILogger logger, CaptchaProvider provider);

    [LoggerMessage(3004, LogLevel.Debug, "{Provider} accepted a captcha token but the answer fails a local check: {Reason} (hostname {Hostname}, action {Action}, score {Score}).")]
    public static partial void AnswerRejected(ILogger logger, CaptchaProvider provider, string reason, string? hostname, string? action, double? score);

    [LoggerMessage(3005, LogLevel.Warning, "{Provider} did not answer within {Timeout}; failing closed.")]
    public static partial void ProviderTimedOut(ILogger logger, CaptchaProvider provider, TimeSpan timeout);

    [LoggerMessage(3006, LogLevel.Warning, "{Provider} could not be reached; failing closed.")]
    public static partial void ProviderUnreachable(ILogger logger, Exception exception, CaptchaProvider provider);

    [LoggerMessage(3007, LogLevel.Warning, "{Provider} answered HTTP {StatusCode}; failing closed.")]
    public static partial void ProviderHttpError(ILogger logger, CaptchaProvider provider, int statusCode);

    [LoggerMessage(3008, LogLevel.Warning, "{Provider} answered a body that cannot be read ({Reason}, content type {ContentType}); failing closed.")]
    public static partial void ProviderAnswerUnreadable(ILogger logger, CaptchaProvider provider, string reason, string? contentType);

    [LoggerMessage(3009, LogLevel.Error, "{Provider} could not judge the captcha token ({ErrorCode}); failing closed. If this persists check Verification:Captcha:Secret and Verification:Captcha:SiteKey.")]
    public static partial void ProviderCouldNotJudge(ILogger logger, CaptchaProvider provider, string errorCode);

    [LoggerMessage(3010, LogLevel.Error, "The code store failed while marking a captcha token used; failing closed.")]
    public static partial void StoreFailed(ILogger logger, Exception exception);
}
