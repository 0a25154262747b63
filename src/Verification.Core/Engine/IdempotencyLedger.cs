namespace Verification;

/// <summary>
/// The <c>Idempotency-Key</c> protocol of sends, over an <see cref="IIdempotencyStore"/>: look a key up, reserve it
/// (before anything is charged or sent) with the answer the send will give, and withdraw the reservation when the
/// send is refused or fails, so that a retry with the key sends again. A key lives as long as the resend cooldown.
/// </summary>
internal sealed class IdempotencyLedger(IIdempotencyStore store, StoreGuard guard, TimeProvider timeProvider, TimeSpan keyLifetime)
{
    /// <summary>Whether keys are honoured at all: with no resend cooldown there is nothing to deduplicate against.</summary>
    public bool Enabled => keyLifetime > TimeSpan.Zero;

    /// <summary>
    /// The store key of the context's <c>Idempotency-Key</c>, or null when it has none (or keys are off). A key is
    /// scoped by the client (its device id, else its IP block) and the contact: a third party's key (even a predictable
    /// one such as <c>signin-&lt;phone&gt;</c>) never names another client's send.
    /// </summary>
    public string? KeyOf(VerificationContext? context, string contactKey)
    {
        if (!Enabled || context?.IdempotencyKey is not { Length: > 0 } key)
        {
            return null;
        }

        var client = context.DeviceId is { Length: > 0 } device ? "d:" + device
            : context.ClientIp is { } ip ? "ip:" + ClientKeys.IpBucket(ip)
            : "-";
        return string.Concat("idempotency:", client, "\n", contactKey, "\n", key);
    }

    /// <summary>
    /// The record stored under <paramref name="key"/>, or null when the key is new (or holds a value this ledger
    /// cannot read, which is treated as new). A store failure is <c>unavailable</c>.
    /// </summary>
    public async ValueTask<Guarded<IdempotencyRecord?>> FindAsync(string key, CancellationToken cancellationToken)
    {
        var stored = await guard.RunAsync(
            "idempotency",
            (store, key, now: timeProvider.GetUtcNow()),
            static (s, ct) => s.store.GetValueAsync(s.key, s.now, ct),
            StoreGuard.NothingSent,
            cancellationToken).ConfigureAwait(false);
        if (stored.Failed)
        {
            return new(null, stored.Error);
        }

        return new(stored.Value is { } value && IdempotencyRecord.TryDecode(value, out var record) ? record : null, null);
    }

    /// <summary>
    /// Reserves <paramref name="key"/> for <paramref name="record"/> unless it already holds a live value. The result is
    /// the reservation when this call made it; otherwise <see cref="Reservation.Existing"/> is the record found (the
    /// answer to replay), or the result is <c>unavailable</c> when the store failed or holds an unreadable value.
    /// </summary>
    public async ValueTask<Guarded<Reservation>> ReserveAsync(string key, IdempotencyRecord record, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var value = record.Encode();
        var stored = await guard.RunAsync(
            "idempotency",
            (store, key, value, until: now + keyLifetime, now),
            static (s, ct) => s.store.GetOrAddValueAsync(s.key, s.value, s.until, s.now, ct),
            StoreGuard.NothingSent,
            cancellationToken).ConfigureAwait(false);
        if (stored.Failed)
        {
            return new(default, stored.Error);
        }

        if (string.Equals(stored.Value, value, StringComparison.Ordinal))
        {
            return new(new Reservation(key, value, null), null);
        }

        return IdempotencyRecord.TryDecode(stored.Value, out var existing)
            ? new(new Reservation(key, null, existing), null)
            : new(default, VerificationError.Unavailable(VerificationErrorReasons.StoreUnavailable, "The code store returned an unreadable idempotency record; try again later."));
    }

    /// <summary>Withdraws a reservation this ledger made (compare and delete); a failure is only logged.</summary>
    public ValueTask WithdrawAsync(Reservation reservation)
    {
        if (reservation.Value is null)
        {
            return ValueTask.CompletedTask;
        }

        // Nothing was sent; a stale reservation only answers with a dead id until the cooldown ends.
        return guard.BestEffortAsync(
            (store, reservation.Key, reservation.Value, now: timeProvider.GetUtcNow()),
            static s => s.store.RemoveValueAsync(s.Key, s.Value!, s.now, CancellationToken.None),
            static (logger, e, _) => Log.StoreFailed(logger, e, "idempotency"));
    }

    /// <summary>A key this send holds (<see cref="Value"/> set), or another send's record found under it (<see cref="Existing"/>).</summary>
    /// <param name="Key">The store key.</param>
    /// <param name="Value">The value this send stored, when it made the reservation.</param>
    /// <param name="Existing">The record another send stored, when the key was taken.</param>
    public readonly record struct Reservation(string Key, string? Value, IdempotencyRecord? Existing)
    {
        public bool IsHeld => Value is not null;
    }
}
