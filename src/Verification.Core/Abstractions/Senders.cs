using System.Globalization;

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

/// <summary>Delivers verification messages by email. Register several for failover; they are tried in order.</summary>
public interface IEmailSender
{
    /// <summary>A short name for logs and metrics, for example <c>"smtp"</c>.</summary>
    string Name => GetType().Name;

    /// <summary>Delivers one message. Returns when the provider accepted it.</summary>
    /// <param name="message">The message; <see cref="VerificationMessage.To"/> is an email address.</param>
    /// <param name="cancellationToken">Cancels the delivery (the service's delivery timeout included).</param>
    /// <exception cref="DeliveryException">The provider refused or could not take the message; the kind says whether to fail over.</exception>
    ValueTask SendAsync(VerificationMessage message, CancellationToken cancellationToken = default);
}

/// <summary>One verification message, rendered and ready to deliver.</summary>
public sealed class VerificationMessage
{
    /// <summary>The channel the message travels on.</summary>
    public required VerificationChannel Channel { get; init; }

    /// <summary>The recipient: an E.164 phone number or an email address.</summary>
    public required string To { get; init; }

    /// <summary>The email subject; null for SMS.</summary>
    public string? Subject { get; init; }

    /// <summary>The plain-text body (the whole text of an SMS).</summary>
    public required string Body { get; init; }

    /// <summary>The HTML body of an email; null for SMS.</summary>
    public string? HtmlBody { get; init; }

    /// <summary>The code itself, for providers that fill their own templates (Tencent Cloud SMS template parameters).</summary>
    public required string Code { get; init; }

    /// <summary>How long the code stays valid.</summary>
    public required TimeSpan Lifetime { get; init; }

    /// <summary>What the code is for.</summary>
    public VerificationUsage? Usage { get; init; }

    /// <summary>The culture the message was rendered in.</summary>
    public required CultureInfo Culture { get; init; }

    /// <summary>
    /// The recipient masked the one way every log of the library masks contacts (<c>+86 155****5555</c>,
    /// <c>s***@example.com</c>); senders use it in logs and exception messages.
    /// </summary>
    public string MaskedTo => ContactMasking.Mask(Channel, To);

    /// <inheritdoc />
    public override string ToString() => $"{Channel} message to {MaskedTo}";
}

/// <summary>How a delivery failed, which decides whether another provider may try.</summary>
public enum DeliveryFailureKind
{
    /// <summary>The outcome is unknown (a timeout after the request went out, an unexpected error). Fails over to the next provider.</summary>
    Unknown = 0,

    /// <summary>The provider certainly did not process the request (connection refused, throttled). Safe to retry or fail over.</summary>
    NotProcessed = 1,

    /// <summary>A transient provider error. Fails over to the next provider.</summary>
    Transient = 2,

    /// <summary>The provider refused the message for good (blacklisted, configuration error). Not retried, not failed over.</summary>
    Permanent = 3,

    /// <summary>The recipient is not a valid address for the provider. Not retried, not failed over; answered as invalid input.</summary>
    InvalidRecipient = 4,
}

/// <summary>Thrown by an <see cref="ISmsSender"/> or <see cref="IEmailSender"/> that could not deliver a message.</summary>
public sealed class DeliveryException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">How the delivery failed.</param>
    /// <param name="message">What happened; never include the code, the message body or credentials.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public DeliveryException(DeliveryFailureKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    /// <summary>How the delivery failed.</summary>
    public DeliveryFailureKind Kind { get; }
}
