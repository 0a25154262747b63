namespace Verification;

/// <summary>
/// A store that can name a contact's live code: the capability behind
/// <see cref="IVerificationService.CheckCodeAsync"/>, which checks a code by contact instead of by verification id
/// (as ASP.NET Core Identity's token providers and Twilio Verify's checks do). The in-memory and Redis stores
/// implement it; without it, checks by contact answer <c>failed_precondition</c>.
/// </summary>
public interface ILiveCodeStore
{
    /// <summary>
    /// The id of the contact's live record — the newest code saved for <paramref name="contactKey"/> that is still
    /// pending (neither used, burned, superseded nor released) and not expired at <paramref name="now"/> — or null.
    /// One atomic read.
    /// </summary>
    /// <param name="contactKey">The contact's limit key, as in <see cref="CodeRecord.ContactKey"/>.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask<Guid?> FindLiveRecordAsync(string contactKey, DateTimeOffset now, CancellationToken cancellationToken = default);
}
