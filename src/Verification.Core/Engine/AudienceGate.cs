using Microsoft.Extensions.Logging;

namespace Verification;

/// <summary>
/// The user-directory step of a send: whether an account exists for the contact (for <c>is_user</c>) and whether
/// the request's <see cref="VerificationTarget"/> allows sending to it. A failing directory fails closed.
/// </summary>
internal sealed class AudienceGate(IUserDirectory? directory, ILogger logger)
{
    /// <summary>
    /// Asks the directory (when one is registered) and applies <paramref name="target"/>. The result's value is whether
    /// an account exists (null without a directory); its error is the refusal, to be logged as one, or
    /// <c>unavailable</c> (<c>Refused</c> false) when the directory failed.
    /// </summary>
    public async ValueTask<(bool? Exists, VerificationError? Error, bool Refused)> CheckAsync(
        VerificationTarget target,
        VerificationChannel channel,
        string contact,
        CancellationToken cancellationToken)
    {
        var field = channel == VerificationChannel.Sms ? "phone_number" : "email";
        if (directory is null)
        {
            return target == VerificationTarget.Any
                ? (null, null, false)
                : (null, new VerificationError(VerificationErrorCodes.FailedPrecondition, "target USER and NOT_USER need a user directory; none is registered.")
                {
                    Reason = VerificationErrorReasons.NoUserDirectory,
                    Field = "target",
                }, true);
        }

        bool exists;
        try
        {
            exists = await directory.ExistsAsync(channel, contact, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!StoreGuard.IsCallerCancellation(e, cancellationToken))
        {
            Log.UserDirectoryFailed(logger, e);
            return (null, VerificationError.Unavailable(VerificationErrorReasons.UserDirectoryUnavailable, "The user directory is unavailable; try again later."), false);
        }

        return (target, exists) switch
        {
            (VerificationTarget.User, false) => (exists, new VerificationError(VerificationErrorCodes.UserNotFound, "No account exists for this contact.") { Field = field }, true),
            (VerificationTarget.NotUser, true) => (exists, new VerificationError(VerificationErrorCodes.AlreadyExists, "An account already exists for this contact.") { Field = field }, true),
            _ => (exists, null, false),
        };
    }
}
