namespace Verification;

/// <summary>The outcome of <see cref="IPendingCodeStore.SaveAsync"/>.</summary>
public enum SaveStatus
{
    /// <summary>The record is stored and every charge added.</summary>
    Saved = 0,

    /// <summary>A hard limit refused; nothing changed.</summary>
    RateLimited = 1,

    /// <summary>A soft limit refused and it was not waived; nothing changed.</summary>
    CaptchaRequired = 2,
}

/// <summary>The outcome of <see cref="IPendingCodeStore.SaveAsync"/>.</summary>
/// <param name="Status">Saved or refused.</param>
/// <param name="RefusedBy">The charge that refused, when one did.</param>
/// <param name="RetryAfter">When the refusing window ends.</param>
public readonly record struct SaveOutcome(SaveStatus Status, RateCharge? RefusedBy = null, TimeSpan RetryAfter = default)
{
    /// <summary>The outcome of a successful save.</summary>
    public static SaveOutcome Saved => default;
}

/// <summary>The outcome of <see cref="IPendingCodeStore.AttemptAsync"/>.</summary>
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

/// <summary>The outcome of <see cref="IPendingCodeStore.AttemptAsync"/>.</summary>
/// <param name="Status">What happened.</param>
/// <param name="AttemptsRemaining">Attempts left after a mismatch.</param>
/// <param name="RetryAfter">When the failure budget's window ends, when rate-limited.</param>
public readonly record struct AttemptOutcome(AttemptStatus Status, int AttemptsRemaining = 0, TimeSpan RetryAfter = default);
