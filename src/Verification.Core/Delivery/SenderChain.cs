using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Polly;

namespace Verification;

/// <summary>
/// The senders of one channel, tried in order, each behind its own resilience pipeline (so each provider has its own
/// circuit). A failure fails over to the next sender unless it is a refusal for good; when no sender delivered, the
/// code is released and its charges refunded, so the person may ask again at once.
/// </summary>
internal sealed class SenderChain
{
    private readonly Link[] _links;
    private readonly OneTimeSecrets _secrets;
    private readonly VerificationMetrics _metrics;
    private readonly ILogger _logger;

    public SenderChain(
        VerificationChannel channel,
        IEnumerable<(string Name, Func<VerificationMessage, CancellationToken, ValueTask> Send)> senders,
        DeliveryOptions options,
        OneTimeSecrets secrets,
        VerificationMetrics metrics,
        TimeProvider timeProvider,
        ILogger logger)
    {
        Channel = channel;
        _links = [.. senders.Select(s => new Link(s.Name, VerificationMetrics.ProviderTag(s.Name), s.Send, DeliveryPipeline.Create(options, timeProvider)))];
        _secrets = secrets;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>The channel these senders deliver.</summary>
    public VerificationChannel Channel { get; }

    /// <summary>Whether the channel has a sender at all; a channel without one is disabled.</summary>
    public bool IsEnabled => _links.Length > 0;

    /// <summary>The chain of an SMS sender list.</summary>
    public static IEnumerable<(string, Func<VerificationMessage, CancellationToken, ValueTask>)> Of(IEnumerable<ISmsSender> senders) =>
        senders.Select(s => (s.Name, (Func<VerificationMessage, CancellationToken, ValueTask>)s.SendAsync));

    /// <summary>The chain of an email sender list.</summary>
    public static IEnumerable<(string, Func<VerificationMessage, CancellationToken, ValueTask>)> Of(IEnumerable<IEmailSender> senders) =>
        senders.Select(s => (s.Name, (Func<VerificationMessage, CancellationToken, ValueTask>)s.SendAsync));

    /// <summary>
    /// Delivers <paramref name="message"/> through the first sender that takes it. Null when delivered; otherwise the
    /// code was released and its charges refunded, and the error says why (<c>invalid_phone_number</c> /
    /// <c>invalid_argument</c> when a provider refused the recipient, <c>unavailable</c> otherwise).
    /// </summary>
    public async ValueTask<VerificationError?> DeliverAsync(VerificationMessage message, MaskedContact masked, PendingSecret code, IReadOnlyList<RateCharge> charges, CancellationToken cancellationToken)
    {
        var invalidRecipient = false;
        try
        {
            foreach (var link in _links)
            {
                try
                {
                    await link.Pipeline.ExecuteAsync(
                        static (state, ct) => state.self.AttemptAsync(state.link, state.message, state.caller, ct),
                        (self: this, link, message, caller: cancellationToken),
                        cancellationToken).ConfigureAwait(false);
                    Log.CodeSent(_logger, Channel, masked, link.Name, code.Id);
                    return null;
                }
                catch (Exception e) when (!StoreGuard.IsCallerCancellation(e, cancellationToken))
                {
                    var kind = (e as DeliveryException)?.Kind ?? DeliveryFailureKind.Unknown;
                    if (e is Polly.CircuitBreaker.BrokenCircuitException && _metrics.DeliveriesObserved)
                    {
                        // An open circuit refuses before any attempt: counted, with no duration.
                        _metrics.Delivery(link.Provider, Channel, "circuit_open", 0);
                    }

                    Log.DeliveryFailed(_logger, e, link.Name, Channel, masked, kind);
                    if (kind is DeliveryFailureKind.Permanent or DeliveryFailureKind.InvalidRecipient)
                    {
                        // A refusal for good: another provider would refuse too, or deliver what must not be.
                        invalidRecipient = kind == DeliveryFailureKind.InvalidRecipient;
                        break;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            await _secrets.ReleaseAsync(code, charges).ConfigureAwait(false);
            throw;
        }

        Log.DeliveryExhausted(_logger, Channel, masked);
        await _secrets.ReleaseAsync(code, charges).ConfigureAwait(false);
        if (invalidRecipient)
        {
            return Channel == VerificationChannel.Sms
                ? VerificationError.InvalidPhoneNumber(VerificationErrorReasons.Malformed, "The SMS provider refused this phone number.")
                : VerificationError.InvalidArgument("email", VerificationErrorReasons.Malformed, "The email provider refused this address.");
        }

        return VerificationError.Unavailable(VerificationErrorReasons.DeliveryFailed, "The message could not be delivered; nothing was charged. Try again later.");
    }

    /// <summary>One delivery attempt (each retry is one): unobserved, just the bounded call; observed, inside a <c>verification.deliver</c> span and timed.</summary>
    private ValueTask AttemptAsync(Link link, VerificationMessage message, CancellationToken caller, CancellationToken cancellationToken) =>
        VerificationTelemetry.Source.HasListeners() || _metrics.DeliveriesObserved
            ? ObservedAttemptAsync(link, message, caller, cancellationToken)
            : Bounded(link.Send(message, cancellationToken), cancellationToken);

    private async ValueTask ObservedAttemptAsync(Link link, VerificationMessage message, CancellationToken caller, CancellationToken cancellationToken)
    {
        using var activity = VerificationTelemetry.Source.StartActivity("verification.deliver");
        activity?.SetTag("verification.provider", link.Provider);
        activity?.SetTag("verification.channel", VerificationMetrics.ChannelTag(message.Channel));
        var started = Stopwatch.GetTimestamp();
        try
        {
            await Bounded(link.Send(message, cancellationToken), cancellationToken).ConfigureAwait(false);
            _metrics.Delivery(link.Provider, message.Channel, "delivered", started);
            activity?.SetTag("verification.outcome", "delivered");
        }
        catch (Exception e)
        {
            var outcome = e switch
            {
                DeliveryException d => FailureTag(d.Kind),
                OperationCanceledException when caller.IsCancellationRequested => "canceled",
                OperationCanceledException => "timeout",
                _ => "unknown",
            };
            _metrics.Delivery(link.Provider, message.Channel, outcome, started);
            if (activity is not null)
            {
                activity.SetTag("verification.outcome", outcome);
                activity.SetTag("error.type", outcome);
                activity.SetStatus(ActivityStatusCode.Error, outcome);
            }

            throw;
        }
    }

    private static string FailureTag(DeliveryFailureKind kind) => kind switch
    {
        DeliveryFailureKind.NotProcessed => "not_processed",
        DeliveryFailureKind.Transient => "transient",
        DeliveryFailureKind.Permanent => "permanent",
        DeliveryFailureKind.InvalidRecipient => "invalid_recipient",
        _ => "unknown",
    };

    /// <summary>
    /// Ends the wait when the timeout (or the caller) cancels, even for a sender that ignores its token; such a
    /// sender's call is abandoned, not awaited forever.
    /// </summary>
    private static ValueTask Bounded(ValueTask delivery, CancellationToken cancellationToken) =>
        delivery.IsCompleted ? delivery : new ValueTask(delivery.AsTask().WaitAsync(cancellationToken));

    private sealed record Link(string Name, string Provider, Func<VerificationMessage, CancellationToken, ValueTask> Send, ResiliencePipeline Pipeline);
}
