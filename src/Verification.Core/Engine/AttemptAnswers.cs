namespace Verification;

/// <summary>What a verify answers for each outcome of a code attempt.</summary>
internal static class AttemptAnswers
{
    /// <summary>
    /// The refusal for <paramref name="outcome"/> (null when the code verified). A record the store no longer knows is
    /// an expired code when its id has expired by <paramref name="now"/> (forgotten within the clock skew), unknown otherwise.
    /// </summary>
    public static VerificationError? RefusalOf(AttemptOutcome outcome, DateTimeOffset idExpiresAt, DateTimeOffset now) => outcome.Status switch
    {
        AttemptStatus.Verified => null,
        AttemptStatus.Mismatch => VerificationError.InvalidCode(VerificationErrorReasons.Wrong, "The code is wrong.", outcome.AttemptsRemaining),
        AttemptStatus.Exhausted or AttemptStatus.Burned => VerificationError.InvalidCode(VerificationErrorReasons.Exhausted, "Too many wrong attempts; ask for a new code.", 0),
        AttemptStatus.Used => VerificationError.InvalidCode(VerificationErrorReasons.Used, "The code was already used; ask for a new one."),
        AttemptStatus.Superseded => VerificationError.InvalidCode(VerificationErrorReasons.Superseded, "A newer code was sent; use the latest one."),
        AttemptStatus.RateLimited => VerificationError.RateLimited(VerificationErrorReasons.FailureBudget, outcome.RetryAfter, ChargePlan.Describe(VerificationErrorReasons.FailureBudget)),
        AttemptStatus.Expired => Expired(),
        _ => now >= idExpiresAt ? Expired() : VerificationError.InvalidCode(VerificationErrorReasons.Unknown, "The verification id is not valid."),
    };

    private static VerificationError Expired() => VerificationError.InvalidCode(VerificationErrorReasons.Expired, "The code expired; ask for a new one.");
}
