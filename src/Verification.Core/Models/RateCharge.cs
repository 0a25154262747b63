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
