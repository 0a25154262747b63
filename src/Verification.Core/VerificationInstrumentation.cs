namespace Verification;

/// <summary>
/// The names of Verification's telemetry, for OpenTelemetry set-up without string literals:
/// <c>.WithMetrics(m =&gt; m.AddMeter(VerificationInstrumentation.MeterName))</c> and
/// <c>.WithTracing(t =&gt; t.AddSource(VerificationInstrumentation.ActivitySourceName))</c>. The instruments, spans and
/// their tags are described in docs/telemetry.md.
/// </summary>
public static class VerificationInstrumentation
{
    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/>: <c>"Verification"</c>.</summary>
    public const string MeterName = "Verification";

    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/>: <c>"Verification"</c>.</summary>
    public const string ActivitySourceName = "Verification";
}
