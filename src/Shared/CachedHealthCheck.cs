using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Verification.Shared;

/// <summary>
/// Makes a health check safe to expose: its result is kept for a period (<c>Verification:HealthChecks:CacheDuration</c>,
/// default 30 s) and at most one probe runs at a time, so a flood of <c>GET /healthz</c> costs at most one provider
/// call (a credentialed Twilio or Tencent request, an SMTP login, a siteverify) per period instead of one per request.
/// </summary>
internal static class CachedHealthCheck
{
    /// <summary>The configuration key of the cache period (a <c>hh:mm:ss</c> time span; <c>00:00:00</c> keeps only the one-probe-at-a-time rule).</summary>
    public const string CacheDurationKey = "Verification:HealthChecks:CacheDuration";

    /// <summary>The cache period when <see cref="CacheDurationKey"/> is not set.</summary>
    public static readonly TimeSpan DefaultCacheDuration = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan MaxCacheDuration = TimeSpan.FromHours(1);

    /// <summary>How long a probe may run when its registration sets no timeout.</summary>
    private static readonly TimeSpan DefaultProbeTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Registers the cache of the check named <paramref name="name"/> (one per service provider) and returns a factory
    /// that wraps the check <paramref name="factory"/> makes.
    /// </summary>
    public static Func<IServiceProvider, IHealthCheck> Wrap(IServiceCollection services, string name, Func<IServiceProvider, IHealthCheck> factory)
    {
        services.TryAddKeyedSingleton<ProbeCache>(name, static (sp, _) => new ProbeCache(
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            ReadCacheDuration(sp.GetService<IConfiguration>())));
        // The check itself is made at once, so a misconfiguration (a sender that was never added) still throws from
        // the health check run, naming the call to make, as it does without the cache.
        return sp => new Check(sp.GetRequiredKeyedService<ProbeCache>(name), factory(sp));
    }

    /// <summary>Reads <see cref="CacheDurationKey"/>: a time span from 0 to 1 hour, the default when absent.</summary>
    /// <exception cref="InvalidOperationException">The value is not such a time span.</exception>
    internal static TimeSpan ReadCacheDuration(IConfiguration? configuration)
    {
        var text = configuration?[CacheDurationKey]?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return DefaultCacheDuration;
        }

        if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) || value < TimeSpan.Zero || value > MaxCacheDuration)
        {
            throw new InvalidOperationException($"{CacheDurationKey} is '{text}'; use a time span from 00:00:00 to 01:00:00, for example 00:00:30.");
        }

        return value;
    }

    /// <summary>The last result of one check and the probe in flight, shared by every run of the check.</summary>
    internal sealed class ProbeCache(TimeProvider time, TimeSpan duration)
    {
        private readonly Lock _gate = new();
        private Task<HealthCheckResult>? _inFlight;
        private HealthCheckResult _last;
        private long _lastAt;
        private bool _hasLast;

        public TimeSpan Duration => duration;

        /// <summary>The cached result while fresh; otherwise the probe in flight, or a new one started by this caller.</summary>
        public Task<HealthCheckResult> GetAsync(Func<Task<HealthCheckResult>> probe, CancellationToken cancellationToken)
        {
            Task<HealthCheckResult> task;
            lock (_gate)
            {
                if (_hasLast && time.GetElapsedTime(_lastAt) < duration)
                {
                    return Task.FromResult(_last);
                }

                task = _inFlight ??= RunAsync(probe);
            }

            return task.WaitAsync(cancellationToken);
        }

        private async Task<HealthCheckResult> RunAsync(Func<Task<HealthCheckResult>> probe)
        {
            // Off the caller's stack, so that the lock above is never held across the probe.
            await Task.Yield();
            HealthCheckResult result;
            try
            {
                result = await probe().ConfigureAwait(false);
            }
            finally
            {
                lock (_gate)
                {
                    _inFlight = null;
                }
            }

            lock (_gate)
            {
                _last = result;
                _lastAt = time.GetTimestamp();
                _hasLast = true;
            }

            return result;
        }
    }

    /// <summary>One run of the check: answered from the cache, or by the one shared probe.</summary>
    private sealed class Check(ProbeCache cache, IHealthCheck inner) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(context);
            return cache.GetAsync(() => ProbeAsync(context), cancellationToken);
        }

        /// <summary>
        /// The real check, with its own deadline (the registration's timeout, else 30 s) rather than the first caller's
        /// token: one caller giving up does not fail the others waiting on the same probe. A failure is a result, cached
        /// like a success: a provider that is down is not asked again on every request either.
        /// </summary>
        private async Task<HealthCheckResult> ProbeAsync(HealthCheckContext context)
        {
            var timeout = context.Registration.Timeout > TimeSpan.Zero && context.Registration.Timeout != Timeout.InfiniteTimeSpan
                ? context.Registration.Timeout
                : DefaultProbeTimeout;
            using var deadline = new CancellationTokenSource(timeout);
            try
            {
                return await inner.CheckHealthAsync(context, deadline.Token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                var what = e is OperationCanceledException ? "did not answer in time" : "failed";
                return new HealthCheckResult(context.Registration.FailureStatus, $"The check {what}.", e);
            }
        }
    }
}
