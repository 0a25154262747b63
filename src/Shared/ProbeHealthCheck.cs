using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Verification.Shared;

/// <summary>
/// The health check of every Verification dependency: runs a probe that sends nothing (a read-only provider call,
/// an SMTP NOOP, a Redis PING), healthy with its time when it answers, the registration's failure status otherwise.
/// </summary>
/// <param name="probe">The probe: null when healthy, otherwise the problem (it may also throw).</param>
/// <param name="subject">What answered, for the healthy message, for example "Twilio".</param>
/// <param name="failure">The failure message of an exception the probe threw.</param>
internal sealed class ProbeHealthCheck(Func<CancellationToken, ValueTask<string?>> probe, string subject, Func<Exception, string> failure) : IHealthCheck
{
    /// <summary>A check whose failure reads "<paramref name="subject"/> did not answer in time" or "… could not be reached".</summary>
    public static ProbeHealthCheck Remote(string subject, Func<CancellationToken, ValueTask<string?>> probe) =>
        new(probe, subject, e => $"{subject} {(e is OperationCanceledException ? "did not answer in time" : "could not be reached")}.");

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            var started = Stopwatch.GetTimestamp();
            var problem = await probe(cancellationToken).ConfigureAwait(false);
            return problem is null
                ? HealthCheckResult.Healthy($"{subject} answered in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0.#} ms.")
                : new HealthCheckResult(context.Registration.FailureStatus, problem);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, failure(e), e);
        }
    }
}
