using System.Security.Cryptography;

namespace Verification;

/// <summary>
/// The default <see cref="ICodeStore"/>: one process, every operation atomic under one lock. Expired records,
/// counters and marks are reclaimed by the operations that follow their expiry (a min-heap of expiry times),
/// so memory stays bounded under a steady stream of sends rather than growing with every code ever sent.
/// </summary>
/// <remarks>
/// Several processes of one deployment need a shared store (Verification.Redis); with this one each process
/// counts its own limits and knows only its own codes.
/// </remarks>
public sealed class InMemoryCodeStore : ICodeStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, Entry> _records = [];
    private readonly Dictionary<string, Guid> _live = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Counter> _counters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _marks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Value, long Until)> _values = new(StringComparer.Ordinal);
    private readonly PriorityQueue<Expiry, long> _expiries = new();

    private enum State : byte
    {
        Pending,
        Used,
        Burned,
        Superseded,
    }

    /// <summary>How many records, counters and single-use marks are held, expired or not (for diagnostics).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _records.Count + _counters.Count + _marks.Count + _values.Count;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<SaveOutcome> SaveAsync(CodeRecord record, IReadOnlyList<RateCharge> charges, bool waiveSoftLimits, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(charges);
        var ticks = now.UtcTicks;
        lock (_gate)
        {
            Sweep(ticks);

            // Hard limits first: solving a captcha cannot help against them, so they are reported before soft ones.
            if (FirstRefused(charges, RateLimitKind.Hard, ticks) is { } hard)
            {
                return ValueTask.FromResult(new SaveOutcome(SaveStatus.RateLimited, hard.Charge, hard.RetryAfter));
            }

            if (!waiveSoftLimits && FirstRefused(charges, RateLimitKind.Soft, ticks) is { } soft)
            {
                return ValueTask.FromResult(new SaveOutcome(SaveStatus.CaptchaRequired, soft.Charge, soft.RetryAfter));
            }

            foreach (var charge in charges)
            {
                Add(charge, ticks);
            }

            if (_live.TryGetValue(record.ContactKey, out var previous) && _records.TryGetValue(previous, out var old) && old.State == State.Pending)
            {
                old.State = State.Superseded;
            }

            _records[record.Id] = new Entry(record);
            _live[record.ContactKey] = record.Id;
            _expiries.Enqueue(new Expiry(ExpiryKind.Record, record.Id, null), record.ExpiresAt.UtcTicks);
        }

        return ValueTask.FromResult(SaveOutcome.Saved);
    }

    /// <inheritdoc />
    public ValueTask<AttemptOutcome> AttemptAsync(Guid recordId, ReadOnlyMemory<byte> presentedHash, int maxAttempts, RateCharge failureCharge, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var ticks = now.UtcTicks;
        lock (_gate)
        {
            Sweep(ticks);
            var failures = Current(failureCharge.Key, ticks);
            if (failureCharge.IsRefusedAt(failures.Count))
            {
                return ValueTask.FromResult(new AttemptOutcome(AttemptStatus.RateLimited, RetryAfter: RetryAfter(failures, ticks)));
            }

            if (!_records.TryGetValue(recordId, out var entry))
            {
                return ValueTask.FromResult(new AttemptOutcome(AttemptStatus.NotFound));
            }

            if (entry.Record.ExpiresAt.UtcTicks <= ticks)
            {
                return ValueTask.FromResult(new AttemptOutcome(AttemptStatus.Expired));
            }

            var status = entry.State switch
            {
                State.Used => AttemptStatus.Used,
                State.Burned => AttemptStatus.Burned,
                State.Superseded => AttemptStatus.Superseded,
                _ => (AttemptStatus?)null,
            };
            if (status is { } settled)
            {
                return ValueTask.FromResult(new AttemptOutcome(settled));
            }

            if (CryptographicOperations.FixedTimeEquals(entry.Record.CodeHash.Span, presentedHash.Span))
            {
                entry.State = State.Used;
                Unlink(entry.Record);
                return ValueTask.FromResult(new AttemptOutcome(AttemptStatus.Verified));
            }

            entry.Attempts++;
            Add(failureCharge, ticks);
            if (entry.Attempts >= maxAttempts)
            {
                entry.State = State.Burned;
                Unlink(entry.Record);
                return ValueTask.FromResult(new AttemptOutcome(AttemptStatus.Exhausted));
            }

            return ValueTask.FromResult(new AttemptOutcome(AttemptStatus.Mismatch, maxAttempts - entry.Attempts));
        }
    }

    /// <inheritdoc />
    public ValueTask ReleaseAsync(CodeRecord record, IReadOnlyList<RateCharge> charges, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(charges);
        var ticks = now.UtcTicks;
        lock (_gate)
        {
            if (_records.Remove(record.Id))
            {
                Unlink(record);
            }

            foreach (var charge in charges)
            {
                if (charge.Amount > 0 && _counters.TryGetValue(charge.Key, out var counter) && counter.WindowEnd > ticks)
                {
                    _counters[charge.Key] = counter with { Count = Math.Max(0, counter.Count - charge.Amount) };
                }
            }

            Sweep(ticks);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<bool> TryUseOnceAsync(string key, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var ticks = now.UtcTicks;
        lock (_gate)
        {
            Sweep(ticks);
            if (_marks.TryGetValue(key, out var until) && until > ticks)
            {
                return ValueTask.FromResult(false);
            }

            // Keep the mark at least a moment, so that two racing uses of an expiring token still see each other.
            var end = Math.Max(expiresAt.UtcTicks, ticks + TimeSpan.TicksPerSecond);
            _marks[key] = end;
            _expiries.Enqueue(new Expiry(ExpiryKind.Mark, default, key), end);
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<string> GetOrAddValueAsync(string key, string value, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        var ticks = now.UtcTicks;
        lock (_gate)
        {
            Sweep(ticks);
            if (_values.TryGetValue(key, out var existing) && existing.Until > ticks)
            {
                return ValueTask.FromResult(existing.Value);
            }

            var end = Math.Max(expiresAt.UtcTicks, ticks + TimeSpan.TicksPerSecond);
            _values[key] = (value, end);
            _expiries.Enqueue(new Expiry(ExpiryKind.Value, default, key), end);
            return ValueTask.FromResult(value);
        }
    }

    /// <inheritdoc />
    public ValueTask<string?> GetValueAsync(string key, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var ticks = now.UtcTicks;
        lock (_gate)
        {
            Sweep(ticks);
            return ValueTask.FromResult(_values.TryGetValue(key, out var existing) && existing.Until > ticks ? existing.Value : null);
        }
    }

    /// <inheritdoc />
    public ValueTask RemoveValueAsync(string key, string value, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            if (_values.TryGetValue(key, out var existing) && string.Equals(existing.Value, value, StringComparison.Ordinal))
            {
                _values.Remove(key);
            }

            Sweep(now.UtcTicks);
        }

        return ValueTask.CompletedTask;
    }

    private (RateCharge Charge, TimeSpan RetryAfter)? FirstRefused(IReadOnlyList<RateCharge> charges, RateLimitKind kind, long ticks)
    {
        foreach (var charge in charges)
        {
            if (charge.Kind != kind)
            {
                continue;
            }

            var counter = Current(charge.Key, ticks);
            if (charge.IsRefusedAt(counter.Count))
            {
                return (charge, RetryAfter(counter, ticks));
            }
        }

        return null;
    }

    private Counter Current(string key, long ticks) =>
        _counters.TryGetValue(key, out var counter) && counter.WindowEnd > ticks ? counter : default;

    private static TimeSpan RetryAfter(Counter counter, long ticks) => TimeSpan.FromTicks(Math.Max(0, counter.WindowEnd - ticks));

    private void Add(RateCharge charge, long ticks)
    {
        if (charge.Amount <= 0)
        {
            return;
        }

        if (_counters.TryGetValue(charge.Key, out var counter) && counter.WindowEnd > ticks)
        {
            _counters[charge.Key] = counter with { Count = counter.Count + charge.Amount };
            return;
        }

        var end = ticks + charge.Window.Ticks;
        _counters[charge.Key] = new Counter(charge.Amount, end);
        _expiries.Enqueue(new Expiry(ExpiryKind.Counter, default, charge.Key), end);
    }

    private void Unlink(CodeRecord record)
    {
        if (_live.TryGetValue(record.ContactKey, out var id) && id == record.Id)
        {
            _live.Remove(record.ContactKey);
        }
    }

    /// <summary>Forgets everything whose time has passed. Each entry is queued once per lifetime, so the work is amortized O(log n).</summary>
    private void Sweep(long ticks)
    {
        while (_expiries.TryPeek(out var item, out var due) && due <= ticks)
        {
            _expiries.Dequeue();
            switch (item.Kind)
            {
                case ExpiryKind.Record:
                    if (_records.TryGetValue(item.Id, out var entry) && entry.Record.ExpiresAt.UtcTicks <= ticks)
                    {
                        _records.Remove(item.Id);
                        Unlink(entry.Record);
                    }

                    break;
                case ExpiryKind.Counter:
                    // A counter whose window was restarted after this item was queued has its own later item.
                    if (_counters.TryGetValue(item.Key!, out var counter) && counter.WindowEnd <= ticks)
                    {
                        _counters.Remove(item.Key!);
                    }

                    break;
                case ExpiryKind.Value:
                    if (_values.TryGetValue(item.Key!, out var stored) && stored.Until <= ticks)
                    {
                        _values.Remove(item.Key!);
                    }

                    break;
                default:
                    if (_marks.TryGetValue(item.Key!, out var until) && until <= ticks)
                    {
                        _marks.Remove(item.Key!);
                    }

                    break;
            }
        }
    }

    private enum ExpiryKind : byte
    {
        Record,
        Counter,
        Mark,
        Value,
    }

    private readonly record struct Expiry(ExpiryKind Kind, Guid Id, string? Key);

    private readonly record struct Counter(long Count, long WindowEnd);

    private sealed class Entry(CodeRecord record)
    {
        public CodeRecord Record { get; } = record;

        public int Attempts { get; set; }

        public State State { get; set; }
    }
}
