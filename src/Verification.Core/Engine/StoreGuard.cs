using Microsoft.Extensions.Logging;

namespace Verification;

/// <summary>The result of a guarded store call: the store's answer, or the <c>unavailable</c> error its failure became.</summary>
/// <typeparam name="T">The store's answer.</typeparam>
/// <param name="Value">The answer, when the call went through.</param>
/// <param name="Error">The <c>unavailable</c> error, when the store failed.</param>
internal readonly record struct Guarded<T>(T Value, VerificationError? Error)
{
    public bool Failed => Error is not null;
}

/// <summary>
/// The one place a store failure becomes an answer: the store is down or times out → the failure is logged and the
/// operation fails closed with <c>unavailable</c> / <c>store_unavailable</c>. The caller's own cancellation is not a
/// failure and propagates.
/// </summary>
internal sealed class StoreGuard(ILogger logger)
{
    /// <summary>What a send answers when the store fails: nothing went out.</summary>
    public const string NothingSent = "The code store is unavailable; nothing was sent. Try again later.";

    /// <summary>What any other operation answers when the store fails.</summary>
    public const string TryLater = "The code store is unavailable; try again later.";

    /// <summary>
    /// Runs <paramref name="call"/>; a failure (any exception but the caller's cancellation) is logged as a failure of
    /// <paramref name="operation"/> and returned as <c>unavailable</c> with <paramref name="description"/>.
    /// </summary>
    public async ValueTask<Guarded<T>> RunAsync<TState, T>(
        string operation,
        TState state,
        Func<TState, CancellationToken, ValueTask<T>> call,
        string description,
        CancellationToken cancellationToken)
    {
        try
        {
            return new(await call(state, cancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception e) when (!IsCallerCancellation(e, cancellationToken))
        {
            Log.StoreFailed(logger, e, operation);
            return new(default!, VerificationError.Unavailable(VerificationErrorReasons.StoreUnavailable, description));
        }
    }

    /// <summary>
    /// Runs a clean-up call that nobody waits for the answer of (a release, a withdrawal): never canceled, and a failure
    /// is only logged by <paramref name="logFailure"/>.
    /// </summary>
    public async ValueTask BestEffortAsync<TState>(TState state, Func<TState, ValueTask> call, Action<ILogger, Exception, TState> logFailure)
    {
        try
        {
            await call(state).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            logFailure(logger, e, state);
        }
    }

    /// <summary>Whether <paramref name="e"/> is the caller's own cancellation (which propagates) rather than a failure.</summary>
    public static bool IsCallerCancellation(Exception e, CancellationToken cancellationToken) =>
        e is OperationCanceledException && cancellationToken.IsCancellationRequested;
}
