namespace Verification;

/// <summary>
/// Pending codes with the rate-limit charges their sends make: save a code while charging its counters, attempt it
/// while charging the failure budget, release it (and refund) when its delivery failed. The store holds keyed hashes
/// only (HMAC-SHA256 bound to the record id and nonce), never codes; the engine owns the policy, the store executes it.
/// </summary>
/// <remarks>
/// Every method is one atomic operation (in memory under a lock, in Redis one Lua script). Time is always passed in,
/// so windows and expiry follow the engine's clock. Failures (the store is down, times out) are thrown as
/// exceptions; the engine turns them into <c>unavailable</c> and fails closed. Everything written gets a time to live.
/// The conformance suite of Verification.Testing.Stores checks an implementation against these rules.
/// </remarks>
public interface IPendingCodeStore
{
    /// <summary>
    /// Checks every charge, and if none is over its limit, adds them all, marks the contact's live record
    /// superseded and stores <paramref name="record"/> as the contact's live record until its expiry.
    /// </summary>
    /// <param name="record">The new pending code.</param>
    /// <param name="charges">The counters to check and charge, in order; the first one over its limit is reported.</param>
    /// <param name="waiveSoftLimits">True when the request carried a valid captcha token: soft limits do not refuse.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask<SaveOutcome> SaveAsync(
        CodeRecord record,
        IReadOnlyList<RateCharge> charges,
        bool waiveSoftLimits,
        DateTimeOffset now,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// One verification attempt. Refuses when the failure budget (<paramref name="failureCharge"/>) is spent;
    /// otherwise compares the presented hash in constant time: a match marks the record used; a mismatch counts
    /// an attempt and charges the failure budget, and the attempt that reaches <paramref name="maxAttempts"/>
    /// burns the record. Exactly one of any number of concurrent correct attempts is <see cref="AttemptStatus.Verified"/>.
    /// </summary>
    /// <param name="recordId">The record id (the <c>kid</c> claim of the verification id).</param>
    /// <param name="presentedHash">The keyed hash of the presented code.</param>
    /// <param name="maxAttempts">Attempts allowed per code.</param>
    /// <param name="failureCharge">The contact's failure budget: checked before, charged on a mismatch.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask<AttemptOutcome> AttemptAsync(
        Guid recordId,
        ReadOnlyMemory<byte> presentedHash,
        int maxAttempts,
        RateCharge failureCharge,
        DateTimeOffset now,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Undoes a save whose delivery failed: deletes the record (and the contact's pointer to it), gives back the record
    /// that save superseded (pending and live again, while unexpired and not replaced by a later save: a failed resend
    /// leaves the delivered code valid), and refunds the charges, so the person may ask again at once.
    /// </summary>
    /// <param name="record">The record that was saved.</param>
    /// <param name="charges">The charges that were added for it.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask ReleaseAsync(
        CodeRecord record,
        IReadOnlyList<RateCharge> charges,
        DateTimeOffset now,
        CancellationToken cancellationToken = default);
}
