namespace Verification;

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
