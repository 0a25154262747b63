using System.Runtime.CompilerServices;

namespace Verification;

/// <content>Reclaiming what expired, and giving the memory of a burst back.</content>
public sealed partial class InMemoryCodeStore
{
    /// <summary>Forgets everything whose time has passed. Each entry is queued once per lifetime, so the work is amortized O(log n).</summary>
    private void Sweep(long ticks)
    {
        while (_recordExpiries.TryPeek(out var id, out var due) && due <= ticks)
        {
            _recordExpiries.Dequeue();

            // A record saved again under the same id after this item was queued has its own later item.
            if (_records.TryGetValue(id, out var entry) && entry.ExpiresAt <= ticks)
            {
                _records.Remove(id);
                _otherHashes.Remove(id);
                _superseded.Remove(id);
                Unlink(id, entry.Contact);
            }
        }

        while (_expiries.TryPeek(out var item, out var due) && due <= ticks)
        {
            _expiries.Dequeue();
            switch (item.Kind)
            {
                case ExpiryKind.Counter:
                    // A counter whose window was restarted after this item was queued has its own later item.
                    if (_counters.TryGetValue(item.Key, out var counter) && counter.WindowEnd <= ticks)
                    {
                        _counters.Remove(item.Key);
                    }

                    break;
                case ExpiryKind.Value:
                    if (_values.TryGetValue(item.Key, out var stored) && stored.Until <= ticks)
                    {
                        _values.Remove(item.Key);
                    }

                    break;
                default:
                    if (_marks.TryGetValue(item.Key, out var until) && until <= ticks)
                    {
                        _marks.Remove(item.Key);
                    }

                    break;
            }
        }

        Trim();
    }

    /// <summary>
    /// Tables never shrink by themselves: once what is held falls to a quarter of its peak (a burst expired), they are
    /// trimmed to size, so the burst's memory returns. Amortized O(1): a trim of n entries follows at least 3n removals.
    /// </summary>
    private void Trim()
    {
        var held = _records.Count + _live.Count + _counters.Count + _marks.Count + _values.Count + _recordExpiries.Count + _expiries.Count;
        if (held > _peak)
        {
            _peak = held;
            return;
        }

        if (_peak < TrimThreshold || held > _peak / 4)
        {
            return;
        }

        _records.TrimExcess();
        _otherHashes.TrimExcess();
        _live.TrimExcess();
        _superseded.TrimExcess();
        _counters.TrimExcess();
        _marks.TrimExcess();
        _values.TrimExcess();
        _recordExpiries.TrimExcess();
        _expiries.TrimExcess();
        _peak = held;
    }

    private enum ExpiryKind : byte
    {
        Counter,
        Mark,
        Value,
    }

    private readonly record struct Expiry(ExpiryKind Kind, string Key);

    private readonly record struct Counter(long Count, long WindowEnd);
}
