namespace Verification;

/// <summary>
/// Rate-limit counters outside a save: read them (so that a send is refused before anything expensive — the user
/// directory, a captcha provider, a signature — is done for it) and add to them without a code (an event to count,
/// such as a <c>USER</c>/<c>NOT_USER</c> lookup that did not match). The save still checks and charges atomically;
/// a read is advice taken early, never the decision.
/// </summary>
/// <remarks>
/// Every method is one atomic operation (in memory under a lock, in Redis one Lua script). Time is always passed in,
/// so windows follow the engine's clock. Failures are thrown as exceptions; the engine turns them into
/// <c>unavailable</c>. The counters are the ones <see cref="IPendingCodeStore.SaveAsync"/> charges: same keys, same
/// fixed windows from their first charge.
/// </remarks>
public interface IRateCounterStore
{
    /// <summary>Reads the counters <paramref name="charges"/> name (their keys), without charging them.</summary>
    /// <param name="charges">The charges whose counters to read; only their keys matter.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>One counter per charge, in order: its count and the time left in its window (0 and zero when none is open).</returns>
    ValueTask<IReadOnlyList<RateCounter>> ReadCountersAsync(IReadOnlyList<RateCharge> charges, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Adds every charge's amount (opening its window when none is open) without checking any limit.</summary>
    /// <param name="charges">The counters to add to.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the counters are added.</returns>
    ValueTask ChargeAsync(IReadOnlyList<RateCharge> charges, DateTimeOffset now, CancellationToken cancellationToken = default);
}
