using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Verification;

/// <summary>
/// Reports whether the SMTP server takes connections: a connection of the sender's pool (connect, EHLO, STARTTLS or
/// TLS and AUTH as configured) answers NOOP. No message is sent. Register it with
/// <c>services.AddHealthChecks().AddVerificationSmtp()</c>.
/// </summary>
internal sealed class SmtpHealthCheck(SmtpEmailSender sender) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            var started = Stopwatch.GetTimestamp();
            await sender.ProbeAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"The SMTP server answered NOOP in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0.#} ms.");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The SMTP server cannot be used: " + e.Message, e);
        }
    }
}
