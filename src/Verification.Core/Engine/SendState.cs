namespace Verification;

/// <summary>
/// One send as it moves through the steps of <see cref="VerificationService.SendAsync"/>: each step reads what the
/// steps before it set and sets its own part, so that steps can be reordered without changing their signatures.
/// </summary>
internal sealed class SendState(VerificationRequest request, VerificationContext? context)
{
    public VerificationRequest Request { get; } = request;

    public VerificationContext? Context { get; } = context;

    /// <summary>The channel the request names, before any validation (for telemetry tags); null when it names none.</summary>
    public VerificationChannel? RequestedChannel =>
        !string.IsNullOrWhiteSpace(Request?.PhoneNumber) ? VerificationChannel.Sms
        : !string.IsNullOrWhiteSpace(Request?.Email) ? VerificationChannel.Email
        : null;

    /// <summary>Set by the contact step: the validated contact, its masked form for logs, and its channel's senders.</summary>
    public ParsedContact Contact { get; set; }

    public MaskedContact Masked { get; set; }

    public SenderChain Senders { get; set; } = null!;

    /// <summary>Set by the directory step: whether an account exists (null without a directory).</summary>
    public bool? Exists { get; set; }

    /// <summary>Set by the captcha step: a valid captcha token waives the soft limits.</summary>
    public bool WaiveSoftLimits { get; set; }

    /// <summary>Set by the captcha step: the charge that marks the captcha token used, taken by the save (null when the validator used it up itself).</summary>
    public RateCharge? CaptchaMark { get; set; }

    /// <summary>Set by the issue step: the code, its pending record, expiry and the charges its save makes.</summary>
    public string Code { get; set; } = string.Empty;

    public PendingSecret Secret { get; set; } = null!;

    public DateTimeOffset Now { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>Set by the limits step (every counter, the reserved share open), narrowed by the issue step for the save.</summary>
    public ChargeSet? Charges { get; set; }

    /// <summary>The <c>Idempotency-Key</c> this send holds (withdrawn when the send does not go out).</summary>
    public IdempotencyLedger.Reservation Reservation { get; set; }

    /// <summary>Set by the sign step (or the reservation, which needs it first).</summary>
    public string? VerificationId { get; set; }

    /// <summary>Set by the render step.</summary>
    public VerificationMessage Message { get; set; } = null!;
}
