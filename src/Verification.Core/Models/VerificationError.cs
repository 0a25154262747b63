namespace Verification;

/// <summary>
/// Why an operation did not succeed: a wire <see cref="Code"/> with its stable <see cref="Number"/>, a human
/// <see cref="Description"/> and typed details (<c>details</c> on the wire).
/// </summary>
public sealed class VerificationError
{
    /// <summary>Creates an error for a documented code.</summary>
    /// <param name="code">One of <see cref="VerificationErrorCodes"/>.</param>
    /// <param name="description">Human-readable text; never contains codes, tokens or secrets.</param>
    /// <exception cref="ArgumentException"><paramref name="code"/> is not a documented code.</exception>
    public VerificationError(string code, string description)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(description);
        Number = VerificationErrorCodes.GetNumber(code);
        Code = code;
        Description = description;
    }

    /// <summary>The wire code, for example <c>"rate_limit_exceeded"</c> (the <c>error</c> field).</summary>
    public string Code { get; }

    /// <summary>The stable number of <see cref="Code"/> (the <c>error_code</c> field), for example 4029.</summary>
    public int Number { get; }

    /// <summary>Human-readable text (the <c>error_description</c> field).</summary>
    public string Description { get; }

    /// <summary>A machine-readable reason (<c>details.reason</c>), one of <see cref="VerificationErrorReasons"/>.</summary>
    public string? Reason { get; init; }

    /// <summary>How long until trying again can succeed (<c>details.retry_after</c> and the <c>Retry-After</c> header).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>How many more attempts the code allows (<c>details.attempts_remaining</c>).</summary>
    public int? AttemptsRemaining { get; init; }

    /// <summary>The wire name of the offending request field (<c>details.field</c>), for example <c>"phone_number"</c>.</summary>
    public string? Field { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Code} ({Number}): {Description}";

    internal static VerificationError InvalidArgument(string field, string reason, string description) =>
        new(VerificationErrorCodes.InvalidArgument, description) { Field = field, Reason = reason };

    internal static VerificationError InvalidPhoneNumber(string reason, string description) =>
        new(VerificationErrorCodes.InvalidPhoneNumber, description) { Field = "phone_number", Reason = reason };

    internal static VerificationError InvalidCode(string reason, string description, int? attemptsRemaining = null) =>
        new(VerificationErrorCodes.InvalidVerificationCode, description) { Reason = reason, AttemptsRemaining = attemptsRemaining };

    internal static VerificationError InvalidToken(string reason, string description) =>
        new(VerificationErrorCodes.InvalidVerificationToken, description) { Reason = reason };

    internal static VerificationError RateLimited(string reason, TimeSpan retryAfter, string description) =>
        new(VerificationErrorCodes.RateLimitExceeded, description) { Reason = reason, RetryAfter = RoundLockout(reason, retryAfter) };

    /// <summary>
    /// The wait of a refusal that someone else can cause for a contact (its failure budget, its daily limit), rounded
    /// up: to the minute below an hour, to the quarter hour above. The exact second a window ends would tell whoever
    /// spent it when to strike again; the owner loses at most the rounding. Other waits (the resend cooldown the
    /// owner's own app counts down, the global budget) stay exact.
    /// </summary>
    internal static TimeSpan RoundLockout(string reason, TimeSpan retryAfter)
    {
        if (retryAfter <= TimeSpan.Zero || reason is not (VerificationErrorReasons.FailureBudget or VerificationErrorReasons.DailyLimit))
        {
            return retryAfter;
        }

        var step = retryAfter < TimeSpan.FromHours(1) ? TimeSpan.FromMinutes(1) : TimeSpan.FromMinutes(15);
        return TimeSpan.FromTicks((retryAfter.Ticks + step.Ticks - 1) / step.Ticks * step.Ticks);
    }

    internal static VerificationError Unavailable(string reason, string description) =>
        new(VerificationErrorCodes.Unavailable, description) { Reason = reason };
}
