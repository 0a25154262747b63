using System.Collections.Concurrent;

namespace Verification.Captcha.Tests;

/// <summary>The in-memory store, recording every single-use mark; optionally failing them as a store that is down.</summary>
internal sealed class RecordingStore(bool down = false) : ICodeStore
{
    private readonly InMemoryCodeStore _inner = new();
    private readonly ConcurrentQueue<(string Key, DateTimeOffset ExpiresAt, DateTimeOffset Now)> _marks = new();

    public IReadOnlyList<(string Key, DateTimeOffset ExpiresAt, DateTimeOffset Now)> Marks => [.. _marks];

    public ValueTask<SaveOutcome> SaveAsync(CodeRecord record, IReadOnlyList<RateCharge> charges, bool waiveSoftLimits, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _inner.SaveAsync(record, charges, waiveSoftLimits, now, cancellationToken);

    public ValueTask<AttemptOutcome> AttemptAsync(Guid recordId, ReadOnlyMemory<byte> presentedHash, int maxAttempts, RateCharge failureCharge, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _inner.AttemptAsync(recordId, presentedHash, maxAttempts, failureCharge, now, cancellationToken);

    public ValueTask ReleaseAsync(CodeRecord record, IReadOnlyList<RateCharge> charges, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _inner.ReleaseAsync(record, charges, now, cancellationToken);

    public ValueTask<bool> TryUseOnceAsync(string key, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (down)
        {
            throw new TimeoutException("The store did not answer (simulated).");
        }

        _marks.Enqueue((key, expiresAt, now));
        return _inner.TryUseOnceAsync(key, expiresAt, now, cancellationToken);
    }

    public ValueTask<string> GetOrAddValueAsync(string key, string value, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _inner.GetOrAddValueAsync(key, value, expiresAt, now, cancellationToken);

    public ValueTask<string?> GetValueAsync(string key, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _inner.GetValueAsync(key, now, cancellationToken);

    public ValueTask RemoveValueAsync(string key, string value, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _inner.RemoveValueAsync(key, value, now, cancellationToken);

    public ValueTask<IReadOnlyList<RateCounter>> ReadCountersAsync(IReadOnlyList<RateCharge> charges, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _inner.ReadCountersAsync(charges, now, cancellationToken);

    public ValueTask ChargeAsync(IReadOnlyList<RateCharge> charges, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _inner.ChargeAsync(charges, now, cancellationToken);
}
