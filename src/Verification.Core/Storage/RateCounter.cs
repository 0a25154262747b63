namespace Verification;

/// <summary>
/// A rate-limit counter as it stands: its count in the current window and how long until that window ends (zero
/// when no window is open). Read before a send to refuse it cheaply; the save still checks and charges atomically.
/// </summary>
/// <param name="Count">Events counted in the open window; 0 when none is open.</param>
/// <param name="RetryAfter">Time left in the open window; zero when none is open.</param>
public readonly record struct RateCounter(long Count, TimeSpan RetryAfter);
