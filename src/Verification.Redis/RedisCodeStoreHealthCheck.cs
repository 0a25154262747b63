using Microsoft.Extensions.Diagnostics.HealthChecks;
using Verification.Shared;

namespace Verification.Redis;

/// <summary>
/// Reports the Redis store: healthy when Redis answers a PING through the store's own connection, unhealthy (with
/// the error) when it does not. Register it with <c>services.AddHealthChecks().AddVerificationRedis()</c>.
/// </summary>
public sealed class RedisCodeStoreHealthCheck : IHealthCheck
{
    private readonly ProbeHealthCheck _probe;

    /// <summary>Creates the check for <paramref name="store"/>.</summary>
    /// <param name="store">The store registered by <c>UseRedisStore(…)</c>.</param>
    public RedisCodeStoreHealthCheck(RedisCodeStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _probe = new ProbeHealthCheck(
            async cancellationToken =>
            {
                await store.PingAsync(cancellationToken).ConfigureAwait(false);
                return null;
            },
            "Redis",
            static _ => "Redis does not answer; sends and verifies answer unavailable.");
    }

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return _probe.CheckHealthAsync(context, cancellationToken);
    }
}
