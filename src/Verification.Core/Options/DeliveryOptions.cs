namespace Verification;

/// <summary>Delivery to the senders (<c>Verification:Delivery</c>).</summary>
public sealed class DeliveryOptions
{
    /// <summary>
    /// The longest one sender may take, its retries included, before the next one is tried. A timeout is not
    /// retried on the same sender (the message may have gone out) but fails over.
    /// </summary>
    /// <value>Default 00:00:10. 100 ms to 2 minutes.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Retries on the same sender, only when it certainly did not process the request
    /// (<see cref="DeliveryFailureKind.NotProcessed"/>: connection refused, throttled).
    /// </summary>
    /// <value>Default 2. 0–5.</value>
    public int MaxRetries { get; set; } = 2;

    /// <summary>The first retry's delay; later ones double, with jitter.</summary>
    /// <value>Default 00:00:00.200. 0 to 10 seconds.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The circuit breaker of each sender: while open, the sender is skipped and the next one tried.</summary>
    public CircuitBreakerOptions CircuitBreaker { get; set; } = new();
}
