using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Verification;

/// <summary>
/// The default <see cref="ICodeStore"/>: one process, every operation atomic under one lock. Expired records,
/// counters and marks are reclaimed by the operations that follow their expiry (a min-heap of expiry times),
/// so memory stays bounded under a steady stream of sends rather than growing with every code ever sent; when most
/// of what was held has expired, the tables shrink back, so a burst's memory returns after its codes expire.
/// </summary>
/// <remarks>
/// Several processes of one deployment need a shared store (Verification.Redis); with this one each process
/// counts its own limits and knows only its own codes.
/// A pending record costs under 200 bytes: two table entries (the record inline — a 16-byte digest of its keyed hash,
/// expiry, attempts, state and contact — and the contact's live pointer, a phone number packed into a number rather
/// than its string) and its expiry; the rate-limit counters of a send are extra (see docs/performance.md).
/// </remarks>
public sealed partial class InMemoryCodeStore : ICodeStore, ILiveCodeStore
{
    /// <summary>The entry cap of a store made without one: a million records, counters, marks and values (roughly 150–250 MB).</summary>
    public const int DefaultMaxEntries = 1_000_000;

    private readonly Lock _gate = new();
    private const int TrimThreshold = 4096;
    private readonly int _maxEntries;

    private readonly Dictionary<Guid, Slot> _records = [];

    // Hashes that are not 32 bytes long (HMAC-SHA256 always is; other callers of the public API may differ).
    private readonly Dictionary<Guid, byte[]> _otherHashes = [];
    private readonly Dictionary<ContactRef, Guid> _live = [];

    // The record a pending save superseded, kept only for saves that superseded one (given back if the save is released).
    private readonly Dictionary<Guid, Guid> _superseded = [];
    private readonly Dictionary<string, Counter> _counters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _marks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Value, long Until)> _values = new(StringComparer.Ordinal);
    private readonly PriorityQueue<Guid, long> _recordExpiries = new();
    private readonly PriorityQueue<Expiry, long> _expiries = new();
    private int _peak;

    /// <summary>Creates a store of at most <see cref="DefaultMaxEntries"/> entries.</summary>
    public InMemoryCodeStore()
        : this(DefaultMaxEntries)
    {
    }

    /// <summary>
    /// Creates a store of at most <paramref name="maxEntries"/> live records, counters, single-use marks and values.
    /// When a send, a single-use mark or a value would take it past the cap, the operation throws
    /// <see cref="InvalidOperationException"/> (the engine answers <c>unavailable</c>, reason <c>store_unavailable</c>)
    /// rather than the process growing without bound; codes already sent still verify, and entries free up as they expire.
    /// </summary>
    /// <param name="maxEntries">The cap, at least 1 (<c>Verification:InMemoryStore:MaxEntries</c> when registered by <c>AddVerification()</c>).</param>
    public InMemoryCodeStore(int maxEntries)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        _maxEntries = maxEntries;
    }

    private enum State : byte
    {
        Pending,
        Used,
        Burned,
        Superseded,
    }

    /// <summary>
    /// How many entries the tables have room for (for diagnostics): it shrinks back once most of what a burst held
    /// has expired (see <see cref="Trim"/>).
    /// </summary>
    internal int Capacity
    {
        get
        {
            lock (_gate)
            {
                return _records.EnsureCapacity(0) + _live.EnsureCapacity(0) + _counters.EnsureCapacity(0) + _marks.EnsureCapacity(0) + _values.EnsureCapacity(0);
            }
        }
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

        // Work that needs no shared state is done before taking the lock, which every send and verify of the process
        // waits on: the hash's digest (a SHA-256) and, below, one lookup per counter instead of one per check.
        var inline = record.CodeHash.Length == CodeHasher.HashLength;
        var digest = default(HashBytes);
        if (inline)
        {
            Digest(record.CodeHash.Span, digest);
        }

        Span<Counter> held = charges.Count <= StackCounters ? stackalloc Counter[StackCounters] : new Counter[charges.Count];
        held = held[..charges.Count];
        lock (_gate)
        {
            Sweep(ticks);
            var opened = ReadHeld(charges, held, ticks);

            // Hard limits first: solving a captcha cannot help against them, so they are reported before soft ones.
            if (FirstRefused(charges, held, RateLimitKind.Hard, ticks) is { } hard)
            {
                return ValueTask.FromResult(new SaveOutcome(SaveStatus.RateLimited, hard.Charge, hard.RetryAfter));
            }

            if (!waiveSoftLimits && FirstRefused(charges, held, RateLimitKind.Soft, ticks) is { } soft)
            {
                return ValueTask.FromResult(new SaveOutcome(SaveStatus.CaptchaRequired, soft.Charge, soft.RetryAfter));
            }

            EnsureRoom(1 + opened);
            AddAll(charges, held, ticks);

            var superseded = Guid.Empty;
            var contact = ContactRef.Of(record.ContactKey);
            if (_live.TryGetValue(contact, out var previous))
            {
                ref var old = ref CollectionsMarshal.GetValueRefOrNullRef(_records, previous);
                if (!Unsafe.IsNullRef(ref old) && old.State == State.Pending)
                {
                    old.State = State.Superseded;
                    superseded = previous;
                }
            }

            var slot = new Slot { Contact = contact, ExpiresAt = record.ExpiresAt.UtcTicks };
            if (superseded != Guid.Empty)
            {
                _superseded[record.Id] = superseded;
            }
            else
            {
                _superseded.Remove(record.Id);
            }

            if (inline)
            {
                slot.Hash = digest;
                _otherHashes.Remove(record.Id);
            }
            else
            {
                _otherHashes[record.Id] = record.CodeHash.ToArray();
            }

            _records[record.Id] = slot;
            _live[contact] = record.Id;
            _recordExpiries.Enqueue(record.Id, slot.ExpiresAt);
        }

        return ValueTask.FromResult(SaveOutcome.Saved);
    }

    /// <inheritdoc />
    public ValueTask<AttemptOutcome> AttemptAsync(Guid recordId, ReadOnlyMemory<byte> presentedHash, int maxAttempts, RateCharge failureCharge, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var ticks = now.UtcTicks;
        var presented = presentedHash.Span;
        var presentedDigest = default(HashBytes);
        if (presented.Length == CodeHasher.HashLength)
        {
            Digest(presented, presentedDigest);
        }

        lock (_gate)
        {
            Sweep(ticks);
            var failures = Current(failureCharge, ticks);
            if (failureCharge.IsRefusedAt(failures.Count))
            {
                return ValueTask.FromResult(new AttemptOutcome(AttemptStatus.RateLimited, RetryAfter: RetryAfter(failures, ticks)));
            }

            ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_records, recordId);
            if (Unsafe.IsNullRef(ref entry))
            {
                return ValueTask.FromResult(new AttemptOutcome(AttemptStatus.NotFound));
            }

            if (entry.ExpiresAt <= ticks)
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

            if (Matches(recordId, entry.Hash, presented, presentedDigest))
            {
                entry.State = State.Used;
                Unlink(recordId, entry.Contact);
                return ValueTask.FromResult(new AttemptOutcome(AttemptStatus.Verified));
            }

            entry.Attempts++;
            Add(failureCharge, ticks);
            if (entry.Attempts >= maxAttempts)
            {
                entry.State = State.Burned;
                Unlink(recordId, entry.Contact);
                return ValueTask.FromResult(new AttemptOutcome(AttemptStatus.Exhausted));
            }

            return ValueTask.FromResult(new AttemptOutcome(AttemptStatus.Mismatch, maxAttempts - entry.Attempts));
        }
    }

    /// <inheritdoc />
    public ValueTask<Guid?> FindLiveRecordAsync(string contactKey, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contactKey);
        var ticks = now.UtcTicks;
        lock (_gate)
        {
            Sweep(ticks);
            return ValueTask.FromResult<Guid?>(
                _live.TryGetValue(ContactRef.Of(contactKey), out var id) && _records.TryGetValue(id, out var entry)
                && entry.State == State.Pending && entry.ExpiresAt > ticks
                    ? id
                    : null);
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
            if (_records.Remove(record.Id, out var removed))
            {
                _otherHashes.Remove(record.Id);
                var wasLive = _live.TryGetValue(removed.Contact, out var live) && live == record.Id;
                Unlink(record.Id, removed.Contact);
                _superseded.Remove(record.Id, out var superseded);

                // Supersede only on success: the code this save superseded was delivered and is still good, so a
                // failed resend gives it back (unless a later send has replaced this one meanwhile).
                ref var previous = ref CollectionsMarshal.GetValueRefOrNullRef(_records, superseded);
                if (wasLive && !Unsafe.IsNullRef(ref previous) && previous.State == State.Superseded && previous.ExpiresAt > ticks)
                {
                    previous.State = State.Pending;
                    _live[removed.Contact] = superseded;
                }
            }

            Refund(charges, ticks);

            Sweep(ticks);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Throws when <paramref name="added"/> more entries would pass the cap (after the sweep reclaimed what expired).</summary>
    private void EnsureRoom(int added)
    {
        if (_records.Count + _counters.Count + _marks.Count + _values.Count + added > _maxEntries)
        {
            throw new InvalidOperationException(
                $"The in-memory code store holds its maximum of {_maxEntries} entries (Verification:InMemoryStore:MaxEntries); nothing was stored. Entries free up as they expire.");
        }
    }

    /// <summary>
    /// Whether <paramref name="presented"/> is the record's hash: compared with its 32 bytes, or by digest (made
    /// before the lock, <paramref name="presentedDigest"/>) with the 16 held inline.
    /// </summary>
    private bool Matches(Guid recordId, ReadOnlySpan<byte> held, ReadOnlySpan<byte> presented, ReadOnlySpan<byte> presentedDigest)
    {
        if (_otherHashes.TryGetValue(recordId, out var other))
        {
            return CryptographicOperations.FixedTimeEquals(other, presented);
        }

        return presented.Length == CodeHasher.HashLength && CryptographicOperations.FixedTimeEquals(held, presentedDigest);
    }

    private void Unlink(Guid recordId, ContactRef contact)
    {
        if (_live.TryGetValue(contact, out var id) && id == recordId)
        {
            _live.Remove(contact);
        }
    }
}
