using Polly;

namespace Verification;

/// <summary>
/// The resilience of one sender, outermost first: a total timeout (not retried: the message may have gone out;
/// the chain fails over), retries with jittered exponential backoff only for
/// <see cref="DeliveryFailureKind.NotProcessed"/>, and a circuit breaker that opens on failures other than
/// permanent refusals. An open circuit throws at once, which fails over to the next sender.
/// </summary>
internal static class DeliveryPipeline
{
    public static ResiliencePipeline Create(DeliveryOptions options, TimeProvider timeProvider)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider }.AddTimeout(options.Timeout);
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new Polly.Retry.RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<DeliveryException>(e => e.Kind == DeliveryFailureKind.NotProcessed),
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            });
        }

        return builder
            .AddCircuitBreaker(new Polly.CircuitBreaker.CircuitBreakerStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e =>
                    e is not OperationCanceledException
                    && e is not DeliveryException { Kind: DeliveryFailureKind.Permanent or DeliveryFailureKind.InvalidRecipient }),
                FailureRatio = options.CircuitBreaker.FailureRatio,
                MinimumThroughput = options.CircuitBreaker.MinimumThroughput,
                SamplingDuration = options.CircuitBreaker.SamplingDuration,
                BreakDuration = options.CircuitBreaker.BreakDuration,
            })
            .Build();
    }
}
