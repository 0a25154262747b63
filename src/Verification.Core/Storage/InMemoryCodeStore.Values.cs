namespace Verification;

/// <content>Single-use marks and idempotency values: string keys, each with its own expiry.</content>
public sealed partial class InMemoryCodeStore
{
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

            EnsureRoom(_marks.ContainsKey(key) ? 0 : 1);

            // Keep the mark at least a moment, so that two racing uses of an expiring token still see each other.
            var end = Math.Max(expiresAt.UtcTicks, ticks + TimeSpan.TicksPerSecond);
            _marks[key] = end;
            _expiries.Enqueue(new Expiry(ExpiryKind.Mark, key), end);
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

            EnsureRoom(_values.ContainsKey(key) ? 0 : 1);
            var end = Math.Max(expiresAt.UtcTicks, ticks + TimeSpan.TicksPerSecond);
            _values[key] = (value, end);
            _expiries.Enqueue(new Expiry(ExpiryKind.Value, key), end);
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
}
