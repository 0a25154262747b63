using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Verification;

/// <summary>
/// Reports the Redis store: healthy when Redis answers a PING through the store's own connection, unhealthy (with
/// the error) when it does not. Register it with <c>services.AddHealthChecks().AddVerificationRedis()</c>.
/// </summary>
public sealed class RedisCodeStoreHealthCheck : IHealthCheck
{
    private readonly RedisCodeStore _store;

    /// <summary>Creates the check for <paramref name="store"/>.</summary>
    /// <param name="store">The store registered by <c>UseRedisStore(…)</c>.</param>
    public RedisCodeStoreHealthCheck(RedisCodeStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            var started = Stopwatch.GetTimestamp();
            await _store.PingAsync(cancellationToken).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started);
            return HealthCheckResult.Healthy($"Redis answered in {elapsed.TotalMilliseconds:0.#} ms.");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Redis does not answer; sends and verifies answer unavailable.", e);
        }
    }
}
