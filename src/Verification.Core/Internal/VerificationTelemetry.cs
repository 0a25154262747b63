using System.Diagnostics;

namespace Verification;

/// <summary>
/// The <c>Verification</c> activity source (spans documented in docs/telemetry.md). <see cref="ActivitySource.StartActivity(string, ActivityKind)"/>
/// returns null when nothing listens, so an unobserved call costs a check and nothing else. Tags take values from
/// fixed sets; contacts, codes and tokens are never tags.
/// </summary>
internal static class VerificationTelemetry
{
    public const string SourceName = VerificationInstrumentation.ActivitySourceName;

    public static readonly ActivitySource Source = new(SourceName, typeof(VerificationTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>Sets the outcome tags of a finished operation; a failure also sets <c>error.type</c> and the error status.</summary>
    public static void Complete(Activity activity, string success, VerificationError? error)
    {
        if (error is null)
        {
            activity.SetTag("verification.outcome", success);
            return;
        }

        activity.SetTag("verification.outcome", error.Code);
        activity.SetTag("verification.reason", VerificationMetrics.TagValue(error.Reason));
        activity.SetTag("error.type", error.Code);
        activity.SetStatus(ActivityStatusCode.Error, error.Code);
    }

    /// <summary>Marks an operation that threw: <c>error.type</c> is the exception's type, the status says whether it was canceled.</summary>
    public static void Fail(Activity? activity, Exception exception)
    {
        activity?.SetTag("error.type", exception.GetType().FullName);
        activity?.SetStatus(ActivityStatusCode.Error, exception is OperationCanceledException ? "canceled" : "exception");
    }
}
