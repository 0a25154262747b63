using System.Diagnostics;

namespace Verification;

/// <summary>
/// Runs one operation observed, once for all operations: inside its span (when anything listens to the activity
/// source) and followed by its counters (when anything listens to them); unobserved, the operation runs bare.
/// </summary>
internal static class OperationTelemetry
{
    /// <summary>
    /// Runs <paramref name="operation"/>. Observed when <paramref name="counted"/> (its counters have listeners) or
    /// when <paramref name="span"/> is named and the activity source has listeners; then <paramref name="completed"/>
    /// sees the result (and the span, if one started), and an exception marks the span failed.
    /// </summary>
    /// <param name="span">The span's name, or null for an operation counted without a span.</param>
    /// <param name="counted">Whether anything listens to the operation's counters.</param>
    /// <param name="state">What the operation and the completion need.</param>
    /// <param name="operation">The operation; it may tag the span it is given.</param>
    /// <param name="completed">Counts the result and sets the span's outcome.</param>
    public static ValueTask<VerificationResult<T>> RunAsync<TState, T>(
        string? span,
        bool counted,
        TState state,
        Func<TState, Activity?, ValueTask<VerificationResult<T>>> operation,
        Action<TState, Activity?, VerificationResult<T>> completed)
        where T : class
    {
        var traced = span is not null && VerificationTelemetry.Source.HasListeners();
        return traced || counted ? ObservedAsync(traced ? span : null, state, operation, completed) : operation(state, null);
    }

    private static async ValueTask<VerificationResult<T>> ObservedAsync<TState, T>(
        string? span,
        TState state,
        Func<TState, Activity?, ValueTask<VerificationResult<T>>> operation,
        Action<TState, Activity?, VerificationResult<T>> completed)
        where T : class
    {
        using var activity = span is null ? null : VerificationTelemetry.Source.StartActivity(span);
        try
        {
            var result = await operation(state, activity).ConfigureAwait(false);
            completed(state, activity, result);
            return result;
        }
        catch (Exception e)
        {
            VerificationTelemetry.Fail(activity, e);
            throw;
        }
    }
}
