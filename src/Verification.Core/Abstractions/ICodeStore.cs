namespace Verification;

/// <summary>
/// Where pending codes, attempt counts, rate-limit counters and single-use marks live. Every method is one
/// atomic operation (in memory under a lock, in Redis one Lua script): the engine owns the policy, the store
/// executes it atomically. Time is always passed in, so windows and expiry follow the engine's clock.
/// </summary>
/// <remarks>
/// <para>The store holds keyed hashes only (HMAC-SHA256 bound to the record id and nonce), never codes.</para>
/// <para>
/// Failures (the store is down, times out) are thrown as exceptions; the engine turns them into
/// <c>unavailable</c> and fails closed. Every key gets a time to live, so nothing outlives its use.
/// </para>
/// </remarks>
public interface ICodeStore
{
    /// <summary>
    /// Checks every charge, and if none is over its limit, adds them all, marks the contact's live record
    /// superseded and stores <paramref name="record"/> as the contact's live record until its expiry.
    /// </summary>
    /// <param name="record">The new pending code.</param>
    /// <param name="charges">The counters to check and charge, in order; the first one over its limit is reported.</param>
    /// <param name="waiveSoftLimits">True when the request carried a valid captcha token: soft limits do not refuse.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask<SaveOutcome> SaveAsync(
        CodeRecord record,
        IReadOnlyList<RateCharge> charges,
        bool waiveSoftLimits,
        DateTimeOffset now,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// One verification attempt. Refuses when the failure budget (<paramref name="failureCharge"/>) is spent;
    /// otherwise compares the presented hash in constant time: a match marks the record used; a mismatch counts
    /// an attempt and charges the failure budget, and the attempt that reaches <paramref name="maxAttempts"/>
    /// burns the record. Exactly one of any number of concurrent correct attempts is <see cref="AttemptStatus.Verified"/>.
    /// </summary>
    /// <param name="recordId">The record id (the <c>kid</c> claim of the verification id).</param>
    /// <param name="presentedHash">The keyed hash of the presented code.</param>
    /// <param name="maxAttempts">Attempts allowed per code.</param>
    /// <param name="failureCharge">The contact's failure budget: checked before, charged on a mismatch.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask<AttemptOutcome> AttemptAsync(
        Guid recordId,
        ReadOnlyMemory<byte> presentedHash,
        int maxAttempts,
        RateCharge failureCharge,
        DateTimeOffset now,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Undoes a save whose delivery failed: deletes the record (and the contact's pointer to it) and refunds the
    /// charges, so the person may ask again at once.
    /// </summary>
    /// <param name="record">The record that was saved.</param>
    /// <param name="charges">The charges that were added for it.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask ReleaseAsync(
        CodeRecord record,
        IReadOnlyList<RateCharge> charges,
        DateTimeOffset now,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks <paramref name="key"/> used until <paramref name="expiresAt"/>; true the first time only, also
    /// under concurrency (verification tokens, captcha tokens, image-captcha challenges).
    /// </summary>
    /// <param name="key">The mark's key.</param>
    /// <param name="expiresAt">When the mark may be forgotten (the expiry of what it guards).</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask<bool> TryUseOnceAsync(
        string key,
        DateTimeOffset expiresAt,
        DateTimeOffset now,
        CancellationToken cancellationToken = default);

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
    /// <remarks>
    /// The default implementation does nothing, so that stores written before this member still compile; then a
    /// failed send's key keeps answering with its (dead) verification id until the resend cooldown ends. The
    /// in-memory and Redis stores implement it; custom stores should too.
    /// </remarks>
    /// <param name="key">The key.</param>
    /// <param name="value">The value expected under the key.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask RemoveValueAsync(
        string key,
        string value,
        DateTimeOffset now,
        CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}

/// <summary>A pending code as the store keeps it: a keyed hash, never the code.</summary>
public sealed class CodeRecord
{
    /// <summary>The record id (the <c>kid</c> claim of the verification id).</summary>
    public required Guid Id { get; init; }

    /// <summary>The contact's limit key (E.164 phone number or case-folded email); one live record per contact.</summary>
    public required string ContactKey { get; init; }

    /// <summary>HMAC-SHA256 of the code, keyed with <c>Tokens:HashKey</c> and bound to the record id and nonce.</summary>
    public required ReadOnlyMemory<byte> CodeHash { get; init; }

    /// <summary>When the code expires.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
}

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
/// <param name="Key">The counter's key, for example <c>"cooldown:+8615588665555"</c>.</param>
/// <param name="Limit">The most the window may hold.</param>
/// <param name="Window">How long the window lasts from its first charge.</param>
/// <param name="Amount">How much to add; 0 checks only.</param>
/// <param name="Kind">Hard or soft.</param>
/// <param name="Reason">The <c>details.reason</c> to answer when this charge refuses.</param>
public readonly record struct RateCharge(
    string Key,
    long Limit,
    TimeSpan Window,
    long Amount = 1,
    RateLimitKind Kind = RateLimitKind.Hard,
    string? Reason = null)
{
    /// <summary>Whether a window holding <paramref name="count"/> refuses this charge.</summary>
    /// <param name="count">The window's current count.</param>
    public bool IsRefusedAt(long count) => count + Math.Max(Amount, 1) > Limit;
}

/// <summary>The outcome of <see cref="ICodeStore.SaveAsync"/>.</summary>
public enum SaveStatus
{
    /// <summary>The record is stored and every charge added.</summary>
    Saved = 0,

    /// <summary>A hard limit refused; nothing changed.</summary>
    RateLimited = 1,

    /// <summary>A soft limit refused and it was not waived; nothing changed.</summary>
    CaptchaRequired = 2,
}

/// <summary>The outcome of <see cref="ICodeStore.SaveAsync"/>.</summary>
/// <param name="Status">Saved or refused.</param>
/// <param name="RefusedBy">The charge that refused, when one did.</param>
/// <param name="RetryAfter">When the refusing window ends.</param>
public readonly record struct SaveOutcome(SaveStatus Status, RateCharge? RefusedBy = null, TimeSpan RetryAfter = default)
{
    /// <summary>The outcome of a successful save.</summary>
    public static SaveOutcome Saved => default;
}

/// <summary>The outcome of <see cref="ICodeStore.AttemptAsync"/>.</summary>
public enum AttemptStatus
{
    /// <summary>The code matched; the record is now used.</summary>
    Verified = 0,

    /// <summary>The code did not match; attempts remain.</summary>
    Mismatch = 1,

    /// <summary>The code did not match and that was the last attempt; the record is burned.</summary>
    Exhausted = 2,

    /// <summary>The record expired.</summary>
    Expired = 3,

    /// <summary>The record was already verified.</summary>
    Used = 4,

    /// <summary>The record was burned by earlier failed attempts.</summary>
    Burned = 5,

    /// <summary>A newer code was saved for the contact.</summary>
    Superseded = 6,

    /// <summary>No such record (never existed, released, or forgotten after expiry).</summary>
    NotFound = 7,

    /// <summary>The contact's failure budget is spent; nothing was compared.</summary>
    RateLimited = 8,
}

/// <summary>The outcome of <see cref="ICodeStore.AttemptAsync"/>.</summary>
/// <param name="Status">What happened.</param>
/// <param name="AttemptsRemaining">Attempts left after a mismatch.</param>
/// <param name="RetryAfter">When the failure budget's window ends, when rate-limited.</param>
public readonly record struct AttemptOutcome(AttemptStatus Status, int AttemptsRemaining = 0, TimeSpan RetryAfter = default);
