namespace Verification;

/// <summary>
/// Short-lived values under a key with compare-and-set semantics: the <c>Idempotency-Key</c> replays of sends. The
/// values are opaque to the store.
/// </summary>
/// <remarks>
/// Every method is one atomic operation (in memory under a lock, in Redis one Lua script). Time is always passed in,
/// so windows and expiry follow the engine's clock. Failures (the store is down, times out) are thrown as
/// exceptions; the engine turns them into <c>unavailable</c> and fails closed. Everything written gets a time to live.
/// The conformance suite of Verification.Testing.Stores checks an implementation against these rules.
/// </remarks>
public interface IIdempotencyStore
{
    /// <summary>
    /// Stores <paramref name="value"/> under <paramref name="key"/> until <paramref name="expiresAt"/> unless the key
    /// already holds a live value; returns the value the key holds afterwards (the existing one, or the new one).
    /// Used for <c>Idempotency-Key</c> replays.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value to store when the key is free.</param>
    /// <param name="expiresAt">When the value may be forgotten.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask<string> GetOrAddValueAsync(
        string key,
        string value,
        DateTimeOffset expiresAt,
        DateTimeOffset now,
        CancellationToken cancellationToken = default);

    /// <summary>The live value stored under <paramref name="key"/>, or null.</summary>
    /// <param name="key">The key.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask<string?> GetValueAsync(
        string key,
        DateTimeOffset now,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Forgets the value under <paramref name="key"/> when it still is <paramref name="value"/> (compare and delete:
    /// a value stored since by someone else stays). Used to withdraw an <c>Idempotency-Key</c> reservation whose
    /// send was refused or failed, so that a retry with the same key sends again.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value expected under the key.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask RemoveValueAsync(
        string key,
        string value,
        DateTimeOffset now,
        CancellationToken cancellationToken = default);
}
