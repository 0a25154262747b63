using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Verification.Captcha;

/// <summary>
/// Reports whether the captcha provider's siteverify endpoint is reachable and takes the configured secret: a POST
/// with a placeholder response, which the provider judges (and refuses) without any real token being spent.
/// </summary>
internal sealed class CaptchaHealthCheck(SiteverifyCaptchaValidator validator) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            var started = Stopwatch.GetTimestamp();
            var problem = await validator.ProbeAsync(cancellationToken).ConfigureAwait(false);
            return problem is null
                ? HealthCheckResult.Healthy($"{validator.Provider} siteverify answered in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0.#} ms.")
                : new HealthCheckResult(context.Registration.FailureStatus, problem);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var what = e is OperationCanceledException ? "did not answer in time" : "could not be reached";
            return new HealthCheckResult(context.Registration.FailureStatus, $"{validator.Provider} siteverify {what}.", e);
        }
    }
}
