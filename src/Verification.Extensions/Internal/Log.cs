using Microsoft.Extensions.Logging;

namespace Verification.Extensions;

/// <summary>The log messages of Verification.Extensions (event ids 8000–8099).</summary>
internal static partial class Log
{
    [LoggerMessage(8000, LogLevel.Warning, "Verification has no sender: no SMS or email sender is registered and Verification:PickupDirectory is not set, so every send answers unavailable. Add one (AddTwilioSms(), AddTencentCloudSms(), AddSmtpEmail(), AddConsoleSender() for development) or set Verification:PickupDirectory.")]
    public static partial void NoSender(ILogger logger);

    [LoggerMessage(8001, LogLevel.Warning, "Verification uses configured keys with the implicit Verification:ProjectId '{ProjectId}': another app sharing these keys would accept this app's tokens, and this app theirs. Set Verification:ProjectId to a name of this app.")]
    public static partial void ImplicitProjectId(ILogger logger, string projectId);
}
