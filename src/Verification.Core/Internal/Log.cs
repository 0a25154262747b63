using Microsoft.Extensions.Logging;

namespace Verification;

/// <summary>
/// Every log line of Verification.Core (event ids 1000–1099). Contacts are masked; codes, tokens and keys are
/// never arguments. Normal flow logs at Debug, a caller's wrong code at Information at most.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Debug, "Sent the {Channel} code to {Contact} through {Sender} (record {RecordId}).")]
    public static partial void CodeSent(ILogger logger, VerificationChannel channel, MaskedContact contact, string sender, Guid recordId);

    [LoggerMessage(1001, LogLevel.Debug, "Refused a send to {Contact}: {Error} ({Reason}).")]
    public static partial void SendRefused(ILogger logger, MaskedContact contact, string error, string? reason);

    [LoggerMessage(1002, LogLevel.Warning, "Sender {Sender} failed to deliver the {Channel} code to {Contact} ({Kind}).")]
    public static partial void DeliveryFailed(ILogger logger, Exception exception, string sender, VerificationChannel channel, MaskedContact contact, DeliveryFailureKind kind);

    [LoggerMessage(1003, LogLevel.Error, "No sender delivered the {Channel} code to {Contact}; the record was released and its limits refunded.")]
    public static partial void DeliveryExhausted(ILogger logger, VerificationChannel channel, MaskedContact contact);

    [LoggerMessage(1004, LogLevel.Error, "The code store failed during {Operation}; failing closed.")]
    public static partial void StoreFailed(ILogger logger, Exception exception, string operation);

    [LoggerMessage(1005, LogLevel.Error, "Releasing record {RecordId} after a failed delivery failed; its cooldown stays charged until it expires.")]
    public static partial void ReleaseFailed(ILogger logger, Exception exception, Guid recordId);

    [LoggerMessage(1006, LogLevel.Debug, "Verified the code of record {RecordId} for {Contact}.")]
    public static partial void CodeVerified(ILogger logger, Guid recordId, MaskedContact contact);

    [LoggerMessage(1007, LogLevel.Information, "Refused a verification for {Contact}: {Reason}.")]
    public static partial void VerifyRefused(ILogger logger, MaskedContact contact, string reason);

    [LoggerMessage(1008, LogLevel.Debug, "Refused a {Kind} token: {Reason}.")]
    public static partial void TokenRefused(ILogger logger, TokenKind kind, string reason);

    [LoggerMessage(1009, LogLevel.Debug, "Redeemed a verification token for {Contact}.")]
    public static partial void TokenRedeemed(ILogger logger, MaskedContact contact);

    [LoggerMessage(1014, LogLevel.Information, "A phone number was refused with region_not_allowed: its region is not in Verification:Phone:AllowedRegions ({AllowedRegions}). Add the region's ISO code there (for example US), or \"*\" for every region.")]
    public static partial void RegionNotAllowed(ILogger logger, string allowedRegions);

    [LoggerMessage(1010, LogLevel.Warning, "Verification uses an ephemeral {Algorithm} signing key or hash key (Verification:Tokens:AllowEphemeralKey). Tokens die with this process and are not shared between instances; configure Verification:Tokens:SigningKeys and Verification:Tokens:HashKey for production.")]
    public static partial void EphemeralKey(ILogger logger, string algorithm);

    [LoggerMessage(1011, LogLevel.Error, "The user directory failed; failing closed.")]
    public static partial void UserDirectoryFailed(ILogger logger, Exception exception);

    [LoggerMessage(1012, LogLevel.Error, "The captcha validator failed; failing closed.")]
    public static partial void CaptchaValidatorFailed(ILogger logger, Exception exception);

    [LoggerMessage(1013, LogLevel.Debug, "A captcha token was refused: {Status} ({Reason}).")]
    public static partial void CaptchaRefused(ILogger logger, CaptchaValidationStatus status, string? reason);

    [LoggerMessage(1015, LogLevel.Warning, "Half of the {Budget} budget ({Limit} per window) is spent; past {CaptchaShare:P0} every send needs a captcha, past the open share only existing accounts and captcha solvers are served.")]
    public static partial void BudgetHalfSpent(ILogger logger, string budget, long limit, double captchaShare);
}
