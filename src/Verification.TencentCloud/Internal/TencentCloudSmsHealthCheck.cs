using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Verification.TencentCloud;

/// <summary>
/// Reports whether Tencent Cloud SMS is reachable and takes the configured credentials: a signed, read-only
/// <c>SmsPackagesStatistics</c> call for the configured SmsSdkAppId. No SMS is sent.
/// </summary>
internal sealed class TencentCloudSmsHealthCheck(TencentCloudSmsSender sender) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            var started = Stopwatch.GetTimestamp();
            var problem = await sender.ProbeAsync(cancellationToken).ConfigureAwait(false);
            return problem is null
                ? HealthCheckResult.Healthy($"Tencent Cloud SMS answered in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0.#} ms.")
                : new HealthCheckResult(context.Registration.FailureStatus, problem);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var what = e is OperationCanceledException ? "did not answer in time" : "could not be reached";
            return new HealthCheckResult(context.Registration.FailureStatus, $"Tencent Cloud SMS {what}.", e);
        }
    }
}
