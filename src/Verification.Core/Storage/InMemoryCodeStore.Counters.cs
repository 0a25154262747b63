using System.Runtime.InteropServices;

namespace Verification;

/// <content>
/// Rate-limit counters: read, charged on their own, and checked and charged by a save. A charge names its counter in
/// two parts (<see cref="RateCharge.KeyPrefix"/>, <see cref="RateCharge.KeySubject"/>); they are joined in a stack
/// buffer and looked up as a span, so a string is made only when a counter is created.
/// </content>
public sealed partial class InMemoryCodeStore
{
    /// <summary>Keys up to this long are joined on the stack; longer ones (rare, from custom callers) as a string.</summary>
    private const int StackKeyLength = 256;

    /// <summary>A save or charge with up to this many charges reads their counters into a stack buffer.</summary>
    private const int StackCounters = 32;

    /// <inheritdoc />
    /// <param name="charges">The charges whose counters to read.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Unused: the operation does not wait.</param>
    /// <returns>One counter per charge, in order.</returns>
    public ValueTask<IReadOnlyList<RateCounter>> ReadCountersAsync(IReadOnlyList<RateCharge> charges, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(charges);
        var ticks = now.UtcTicks;
        var counters = new RateCounter[charges.Count];
        lock (_gate)
        {
            for (var i = 0; i < counters.Length; i++)
            {
                var counter = Current(charges[i], ticks);
                counters[i] = new RateCounter(counter.Count, counter.WindowEnd == 0 ? TimeSpan.Zero : RetryAfter(counter, ticks));
            }
        }

        return ValueTask.FromResult<IReadOnlyList<RateCounter>>(counters);
    }

    /// <inheritdoc />
    /// <param name="charges">The counters to add to.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Unused: the operation does not wait.</param>
    /// <returns>A completed task.</returns>
    /// <exception cref="InvalidOperationException">The new counters would pass the entry cap.</exception>
    public ValueTask ChargeAsync(IReadOnlyList<RateCharge> charges, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(charges);
        var ticks = now.UtcTicks;
        Span<Counter> held = charges.Count <= StackCounters ? stackalloc Counter[StackCounters] : new Counter[charges.Count];
        held = held[..charges.Count];
        lock (_gate)
        {
            Sweep(ticks);
            EnsureRoom(ReadHeld(charges, held, ticks));
            AddAll(charges, held, ticks);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The first charge of <paramref name="kind"/> its counter (read once, in <paramref name="held"/>) refuses, and
    /// when that window ends.
    /// </summary>
    private static (RateCharge Charge, TimeSpan RetryAfter)? FirstRefused(IReadOnlyList<RateCharge> charges, ReadOnlySpan<Counter> held, RateLimitKind kind, long ticks)
    {
        for (var i = 0; i < charges.Count; i++)
        {
            var charge = charges[i];
            if (charge.Kind == kind && charge.IsRefusedAt(held[i].Count))
            {
                return (charge, RetryAfter(held[i], ticks));
            }
        }

        return null;
    }

    /// <summary>
    /// Reads the counter of each of <paramref name="charges"/> into <paramref name="held"/> (one lookup each, under the
    /// lock) and returns how many of them would open a counter that is not held yet.
    /// </summary>
    private int ReadHeld(IReadOnlyList<RateCharge> charges, Span<Counter> held, long ticks)
    {
        var opened = 0;
        for (var i = 0; i < held.Length; i++)
        {
            held[i] = Current(charges[i], ticks);
            opened += charges[i].Amount > 0 && held[i].WindowEnd == 0 ? 1 : 0;
        }

        return opened;
    }

    /// <summary>
    /// Adds <paramref name="charges"/> whose counters were just read into <paramref name="held"/> (under the same
    /// lock): an open window is bumped in place with one lookup; a new one is made as <see cref="Add"/> makes it.
    /// </summary>
    private void AddAll(IReadOnlyList<RateCharge> charges, ReadOnlySpan<Counter> held, long ticks)
    {
        Span<char> buffer = stackalloc char[StackKeyLength];
        var counters = _counters.GetAlternateLookup<ReadOnlySpan<char>>();
        for (var i = 0; i < charges.Count; i++)
        {
            var charge = charges[i];
            if (charge.Amount <= 0)
            {
                continue;
            }

            if (held[i].WindowEnd != 0)
            {
                // Two charges of one save may name one counter: the second sees the first's count through the ref.
                ref var counter = ref CollectionsMarshal.GetValueRefOrNullRef(counters, KeyOf(charge, buffer));
                counter = counter with { Count = counter.Count + charge.Amount };
                continue;
            }

            Add(charge, ticks);
        }
    }

    /// <summary>Gives back what <paramref name="charges"/> added to windows that are still open.</summary>
    private void Refund(IReadOnlyList<RateCharge> charges, long ticks)
    {
        Span<char> buffer = stackalloc char[StackKeyLength];
        var counters = _counters.GetAlternateLookup<ReadOnlySpan<char>>();
        for (var i = 0; i < charges.Count; i++)
        {
            var charge = charges[i];
            var key = KeyOf(charge, buffer);
            if (charge.Amount > 0 && counters.TryGetValue(key, out var counter) && counter.WindowEnd > ticks)
            {
                counters[key] = counter with { Count = Math.Max(0, counter.Count - charge.Amount) };
            }
        }
    }

    private Counter Current(in RateCharge charge, long ticks)
    {
        Span<char> buffer = stackalloc char[StackKeyLength];
        return _counters.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(KeyOf(charge, buffer), out var counter) && counter.WindowEnd > ticks ? counter : default;
    }

    private static TimeSpan RetryAfter(Counter counter, long ticks) => TimeSpan.FromTicks(Math.Max(0, counter.WindowEnd - ticks));

    private void Add(in RateCharge charge, long ticks)
    {
        if (charge.Amount <= 0)
        {
            return;
        }

        Span<char> buffer = stackalloc char[StackKeyLength];
        var key = KeyOf(charge, buffer);
        var counters = _counters.GetAlternateLookup<ReadOnlySpan<char>>();
        var held = counters.TryGetValue(key, out var name, out var counter);
        if (held && counter.WindowEnd > ticks)
        {
            counters[key] = counter with { Count = counter.Count + charge.Amount };
            return;
        }

        // A new window: the key's string is made once, for the table and the expiry heap (a restarted window reuses it).
        name = held ? name! : key.ToString();
        var end = ticks + charge.Window.Ticks;
        _counters[name] = new Counter(charge.Amount, end);
        _expiries.Enqueue(new Expiry(ExpiryKind.Counter, name), end);
    }

    /// <summary>The charge's key, joined in <paramref name="buffer"/> when it fits (a key without a subject is its prefix as is).</summary>
    private static ReadOnlySpan<char> KeyOf(in RateCharge charge, Span<char> buffer) =>
        charge.KeySubject.IsEmpty ? charge.KeyPrefix
        : charge.KeyLength <= buffer.Length ? charge.CopyKeyTo(buffer)
        : charge.Key;
}
