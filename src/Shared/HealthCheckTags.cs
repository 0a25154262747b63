using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Verification.Shared;

/// <summary>The tags of Verification's health checks: always <c>verification</c>, plus the caller's.</summary>
internal static class HealthCheckTags
{
    public const string Verification = "verification";

    public static IEnumerable<string> With(IEnumerable<string>? tags) =>
        tags is null ? [Verification] : [Verification, .. tags.Where(static t => !string.Equals(t, Verification, StringComparison.Ordinal))];

    /// <summary>
    /// What every <c>AddVerification…()</c> health check extension does once its check is chosen: the check's result
    /// is cached and probed by one caller at a time (<see cref="CachedHealthCheck"/>).
    /// </summary>
    public static IHealthChecksBuilder Register(
        IHealthChecksBuilder builder,
        string name,
        Func<IServiceProvider, IHealthCheck> factory,
        HealthStatus? failureStatus,
        IEnumerable<string>? tags,
        TimeSpan? timeout)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return builder.Add(new HealthCheckRegistration(name, CachedHealthCheck.Wrap(builder.Services, name, factory), failureStatus, With(tags), timeout));
    }
}
