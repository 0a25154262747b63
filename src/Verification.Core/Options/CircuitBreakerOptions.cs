namespace Verification;

/// <summary>
/// The circuit breaker of each sender (<c>Verification:Delivery:CircuitBreaker</c>): it opens when, within
/// <see cref="SamplingDuration"/>, at least <see cref="MinimumThroughput"/> calls were made and
/// <see cref="FailureRatio"/> of them failed (permanent refusals do not count: the provider answered properly), and
/// stays open for <see cref="BreakDuration"/>.
/// </summary>
public sealed class CircuitBreakerOptions
{
    /// <summary>The share of failed calls that opens the circuit.</summary>
    /// <value>Default 0.5. Above 0, at most 1.</value>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Calls needed in the sampling window before the ratio counts.</summary>
    /// <value>Default 10. 2–10000.</value>
    public int MinimumThroughput { get; set; } = 10;

    /// <summary>The sampling window.</summary>
    /// <value>Default 00:00:30. 1 second to 10 minutes.</value>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit skips the sender.</summary>
    /// <value>Default 00:00:30. 1 second to 1 hour.</value>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
