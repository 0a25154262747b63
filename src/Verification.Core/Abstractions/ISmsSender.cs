namespace Verification;

/// <summary>Delivers verification messages by SMS. Register several for failover; they are tried in order.</summary>
public interface ISmsSender
{
    /// <summary>A short name for logs and metrics, for example <c>"twilio"</c>.</summary>
    string Name => GetType().Name;

    /// <summary>Delivers one message. Returns when the provider accepted it.</summary>
    /// <param name="message">The message; <see cref="VerificationMessage.To"/> is an E.164 phone number.</param>
    /// <param name="cancellationToken">Cancels the delivery (the service's delivery timeout included).</param>
    /// <exception cref="DeliveryException">The provider refused or could not take the message; the kind says whether to fail over.</exception>
    ValueTask SendAsync(VerificationMessage message, CancellationToken cancellationToken = default);
}
