namespace Verification;

/// <summary>Whether exceeding a limit refuses outright or asks for a captcha.</summary>
public enum RateLimitKind
{
    /// <summary>Refuses with <c>rate_limit_exceeded</c> and a retry-after.</summary>
    Hard = 0,

    /// <summary>Refuses with <c>captcha_required</c> unless the request carried a valid captcha token.</summary>
    Soft = 1,
}

/// <summary>
/// One counter to check and charge: a fixed window that starts with its first charge and lasts
/// <see cref="Window"/>. The charge is refused when the count plus <see cref="Amount"/> (at least 1, so
/// <c>Amount = 0</c> means "check only: refuse when full") would exceed <see cref="Limit"/>.
/// </summary>
/// <remarks>
/// The counter's key is <see cref="KeyPrefix"/> followed by <see cref="KeySubject"/>, kept apart so that the engine
/// names a counter without building a string per request (<c>"daily:"</c> and the contact's key, for example); a store
/// that wants one string reads <see cref="Key"/>, which joins them. Two charges are equal when their joined keys and
/// every other field are, however the key is split.
/// </remarks>
public readonly record struct RateCharge
{
    /// <summary>A charge of a counter named by one string.</summary>
    /// <param name="Key">The counter's key, for example <c>"cooldown:+8615588665555"</c>.</param>
    /// <param name="Limit">The most the window may hold.</param>
    /// <param name="Window">How long the window lasts from its first charge.</param>
    /// <param name="Amount">How much to add; 0 checks only.</param>
    /// <param name="Kind">Hard or soft.</param>
    /// <param name="Reason">The <c>details.reason</c> to answer when this charge refuses.</param>
#pragma warning disable IDE1006, CA1707 // the parameter names are the property names, as a positional record's are (callers name them: Amount: 0)
    public RateCharge(string Key, long Limit, TimeSpan Window, long Amount = 1, RateLimitKind Kind = RateLimitKind.Hard, string? Reason = null)
        : this(Key, ReadOnlyMemory<char>.Empty, Limit, Window, Amount, Kind, Reason)
    {
    }
#pragma warning restore IDE1006, CA1707

    private RateCharge(string keyPrefix, ReadOnlyMemory<char> keySubject, long limit, TimeSpan window, long amount, RateLimitKind kind, string? reason)
    {
        ArgumentNullException.ThrowIfNull(keyPrefix);
        KeyPrefix = keyPrefix;
        KeySubject = keySubject;
        Limit = limit;
        Window = window;
        Amount = amount;
        Kind = kind;
        Reason = reason;
    }

    /// <summary>The start of the counter's key.</summary>
    public string KeyPrefix { get; }

    /// <summary>The rest of the counter's key (empty when <see cref="KeyPrefix"/> is all of it).</summary>
    public ReadOnlyMemory<char> KeySubject { get; }

    /// <summary>The counter's key as one string: <see cref="KeyPrefix"/> followed by <see cref="KeySubject"/> (built on each read when the subject is not empty).</summary>
    public string Key => KeySubject.IsEmpty ? KeyPrefix ?? string.Empty : string.Concat(KeyPrefix, KeySubject.Span);

    /// <summary>The length of <see cref="Key"/>.</summary>
    public int KeyLength => (KeyPrefix?.Length ?? 0) + KeySubject.Length;

    /// <summary>The most the window may hold.</summary>
    public long Limit { get; init; }

    /// <summary>How long the window lasts from its first charge.</summary>
    public TimeSpan Window { get; init; }

    /// <summary>How much to add; 0 checks only.</summary>
    public long Amount { get; init; }

    /// <summary>Hard or soft.</summary>
    public RateLimitKind Kind { get; init; }

    /// <summary>The <c>details.reason</c> to answer when this charge refuses.</summary>
    public string? Reason { get; init; }

    /// <summary>A charge of the counter named <paramref name="keyPrefix"/> followed by <paramref name="keySubject"/>, the key never joined into one string.</summary>
    /// <param name="keyPrefix">The key's fixed start, for example <c>"cooldown:"</c>.</param>
    /// <param name="keySubject">The rest of the key, for example the contact's key or a part of it.</param>
    /// <param name="limit">The most the window may hold.</param>
    /// <param name="window">How long the window lasts from its first charge.</param>
    /// <param name="amount">How much to add; 0 checks only.</param>
    /// <param name="kind">Hard or soft.</param>
    /// <param name="reason">The <c>details.reason</c> to answer when this charge refuses.</param>
    /// <returns>The charge.</returns>
    public static RateCharge FromParts(string keyPrefix, ReadOnlyMemory<char> keySubject, long limit, TimeSpan window, long amount, RateLimitKind kind, string? reason) =>
        new(keyPrefix, keySubject, limit, window, amount, kind, reason);

    /// <summary>Whether a window holding <paramref name="count"/> refuses this charge.</summary>
    /// <param name="count">The window's current count.</param>
    public bool IsRefusedAt(long count) => count + Math.Max(Amount, 1) > Limit;

    /// <summary>Writes <see cref="Key"/> into <paramref name="destination"/>, which must hold <see cref="KeyLength"/> characters.</summary>
    /// <param name="destination">Where to write.</param>
    /// <returns>The key, in <paramref name="destination"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="KeyLength"/>.</exception>
    public ReadOnlySpan<char> CopyKeyTo(Span<char> destination)
    {
        var prefix = KeyPrefix.AsSpan();
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, KeyLength, nameof(destination));
        prefix.CopyTo(destination);
        KeySubject.Span.CopyTo(destination[prefix.Length..]);
        return destination[..KeyLength];
    }

    /// <summary>Whether <paramref name="other"/> names the same counter with the same limit, window, amount, kind and reason.</summary>
    /// <param name="other">The charge to compare with.</param>
    /// <returns>True when they are equal.</returns>
    public bool Equals(RateCharge other) =>
        Limit == other.Limit && Window == other.Window && Amount == other.Amount && Kind == other.Kind
        && string.Equals(Reason, other.Reason, StringComparison.Ordinal) && KeyEquals(other);

    /// <summary>A hash of every field, the key as joined text.</summary>
    /// <returns>The hash.</returns>
    public override int GetHashCode()
    {
        // FNV-1a over the joined key's characters, so that every split of one key hashes alike.
        var key = 2166136261u;
        foreach (var c in KeyPrefix.AsSpan())
        {
            key = (key ^ c) * 16777619u;
        }

        foreach (var c in KeySubject.Span)
        {
            key = (key ^ c) * 16777619u;
        }

        return HashCode.Combine(key, Limit, Window, Amount, Kind, Reason);
    }

    private bool KeyEquals(RateCharge other) =>
        KeyLength == other.KeyLength
        && (KeyPrefix.AsSpan().Length <= other.KeyPrefix.AsSpan().Length ? JoinedEqual(this, other) : JoinedEqual(other, this));

    /// <summary>Whether two keys of one length join to the same text, <paramref name="a"/>'s prefix no longer than <paramref name="b"/>'s.</summary>
    private static bool JoinedEqual(in RateCharge a, in RateCharge b)
    {
        var aPrefix = a.KeyPrefix.AsSpan();
        var bPrefix = b.KeyPrefix.AsSpan();
        var aSubject = a.KeySubject.Span;
        var overhang = bPrefix.Length - aPrefix.Length;
        return bPrefix.StartsWith(aPrefix, StringComparison.Ordinal)
            && aSubject.StartsWith(bPrefix[aPrefix.Length..], StringComparison.Ordinal)
            && aSubject[overhang..].SequenceEqual(b.KeySubject.Span);
    }
}
