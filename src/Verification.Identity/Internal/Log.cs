using Microsoft.Extensions.Logging;

namespace Verification.Identity;

/// <summary>Every log line of Verification.Identity (event ids 7000–7099). No contacts, codes, tokens or passwords.</summary>
internal static partial class Log
{
    [LoggerMessage(7000, LogLevel.Information, "Signed up a new user by {Channel} verification.")]
    public static partial void SignedUp(ILogger logger, VerificationChannel channel);

    [LoggerMessage(7001, LogLevel.Debug, "Signed in a user by {Channel} verification.")]
    public static partial void SignedIn(ILogger logger, VerificationChannel channel);

    [LoggerMessage(7002, LogLevel.Debug, "Signed in a user with a password.")]
    public static partial void SignedInWithPassword(ILogger logger);

    [LoggerMessage(7003, LogLevel.Error, "The Identity user store failed; answering unavailable.")]
    public static partial void UserStoreFailed(ILogger logger, Exception exception);
}
