using Microsoft.Extensions.Diagnostics.HealthChecks;
using Verification;
using Verification.Shared;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Health checks of Verification's parts. Each adapter adds its own on <see cref="IHealthChecksBuilder"/>:
/// <c>AddVerificationStore()</c> (here, any <see cref="ICodeStore"/>), <c>AddVerificationRedis()</c>,
/// <c>AddVerificationSmtp()</c>, <c>AddVerificationTencentCloudSms()</c>, <c>AddVerificationTwilio()</c>,
/// <c>AddVerificationCaptcha()</c>. Every check is tagged <c>verification</c>; none sends a message.
/// </summary>
public static class VerificationHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a health check of the registered <see cref="ICodeStore"/> (in memory, Redis or your own): one read of a
    /// key that never exists must succeed. Tagged <c>verification</c> besides <paramref name="tags"/>.
    /// </summary>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">The status reported when the store fails; defaults to unhealthy.</param>
    /// <param name="tags">More tags to filter checks by.</param>
    /// <param name="timeout">How long the check may take; defaults to none beyond the store's own timeouts.</param>
    /// <returns>The health checks builder.</returns>
    public static IHealthChecksBuilder AddVerificationStore(
        this IHealthChecksBuilder builder,
        string name = "verification-store",
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null,
        TimeSpan? timeout = null)
    {
        return HealthCheckTags.Register(
            builder,
            name,
            static sp =>
            {
                var store = sp.GetService<ICodeStore>() ?? throw new InvalidOperationException("AddVerificationStore() needs Verification: call services.AddVerification().");
                var time = sp.GetService<TimeProvider>() ?? TimeProvider.System;

                // Reads a key that never exists: the cheapest round trip every store has.
                return new ProbeHealthCheck(
                    async cancellationToken =>
                    {
                        await store.GetValueAsync("health-check", time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                        return null;
                    },
                    $"The code store ({store.GetType().Name})",
                    static _ => "The code store does not answer; sends and verifies answer unavailable.");
            },
            failureStatus,
            tags,
            timeout);
    }
}
