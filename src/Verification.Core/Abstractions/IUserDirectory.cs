namespace Verification;

/// <summary>
/// The host's answer to "does an account exist for this contact?". It drives <c>is_user</c> and the
/// <c>USER</c> / <c>NOT_USER</c> targets. Without one, <c>is_user</c> is left out and those targets answer
/// <c>failed_precondition</c>.
/// </summary>
public interface IUserDirectory
{
    /// <summary>Whether an account exists for the contact.</summary>
    /// <param name="channel">Whether <paramref name="contact"/> is a phone number or an email address.</param>
    /// <param name="contact">The normalized contact (E.164 phone number or normalized email, as in <see cref="VerifiedContact.Contact"/>).</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    ValueTask<bool> ExistsAsync(VerificationChannel channel, string contact, CancellationToken cancellationToken = default);
}
