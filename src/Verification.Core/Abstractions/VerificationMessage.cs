using System.Globalization;

namespace Verification;

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
