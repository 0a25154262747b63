namespace Verification.TestUtilities;

/// <summary>
/// An <see cref="ICodeStore"/> that passes every call to another (the in-memory store, Redis, or any other), for test
/// decorators that change or watch one or two operations and override only those.
/// </summary>
public abstract class DelegatingCodeStore(ICodeStore inner) : ICodeStore
{
    /// <summary>The store every call goes to.</summary>
    protected ICodeStore Inner { get; } = inner;

    public virtual ValueTask<SaveOutcome> SaveAsync(CodeRecord record, IReadOnlyList<RateCharge> charges, bool waiveSoftLimits, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Inner.SaveAsync(record, charges, waiveSoftLimits, now, cancellationToken);

    public virtual ValueTask<AttemptOutcome> AttemptAsync(Guid recordId, ReadOnlyMemory<byte> presentedHash, int maxAttempts, RateCharge failureCharge, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Inner.AttemptAsync(recordId, presentedHash, maxAttempts, failureCharge, now, cancellationToken);

    public virtual ValueTask ReleaseAsync(CodeRecord record, IReadOnlyList<RateCharge> charges, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Inner.ReleaseAsync(record, charges, now, cancellationToken);

    public virtual ValueTask<bool> TryUseOnceAsync(string key, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Inner.TryUseOnceAsync(key, expiresAt, now, cancellationToken);

    public virtual ValueTask<string> GetOrAddValueAsync(string key, string value, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Inner.GetOrAddValueAsync(key, value, expiresAt, now, cancellationToken);

    public virtual ValueTask<string?> GetValueAsync(string key, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Inner.GetValueAsync(key, now, cancellationToken);

    public virtual ValueTask RemoveValueAsync(string key, string value, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Inner.RemoveValueAsync(key, value, now, cancellationToken);

    public virtual ValueTask<IReadOnlyList<RateCounter>> ReadCountersAsync(IReadOnlyList<RateCharge> charges, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Inner.ReadCountersAsync(charges, now, cancellationToken);

    public virtual ValueTask ChargeAsync(IReadOnlyList<RateCharge> charges, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Inner.ChargeAsync(charges, now, cancellationToken);
}
