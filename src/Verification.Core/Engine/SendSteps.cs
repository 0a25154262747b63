using System.Globalization;
using Microsoft.Extensions.Logging;
using SendAnswer = Verification.VerificationResult<Verification.VerificationResponse>;

namespace Verification;

/// <summary>
/// The steps of a send, one method each, in the order <see cref="VerificationService"/> runs them. Every step reads
/// what earlier steps set on the <see cref="SendState"/>, sets its own part, and returns null to go on or the answer
/// (a refusal is logged and counted here).
/// </summary>
internal sealed class SendSteps(
    VerificationOptions settings,
    ContactParser parser,
    ChargePlan plan,
    IdempotencyLedger idempotency,
    AudienceGate audience,
    CaptchaGate captcha,
    OneTimeSecrets secrets,
    SenderChain sms,
    SenderChain email,
    IVerificationMessageRenderer renderer,
    CodeSource codes,
    VerificationMetrics metrics,
    TimeProvider timeProvider,
    ILogger logger,
    LimitGate limits)
{
    // A snapshot of the settings a send reads, taken once like every other part's.
    private readonly int _codeLength = settings.Code.Length;
    private readonly TimeSpan _codeLifetime = settings.Code.Lifetime;
    private readonly bool _includeIsUser = settings.IncludeIsUser;
    private readonly string? _productName = settings.Messages.ProductName;
    private readonly CultureInfo _defaultCulture = VerificationOptionsValidator.TryGetCulture(settings.Messages.DefaultCulture, out var culture) ? culture : CultureInfo.InvariantCulture;
    private readonly string? _webOtpHost = settings.Messages.WebOtpHost;
    private readonly string? _androidAppHash = settings.Messages.AndroidAppHash;
    private readonly bool _targetsEnabled = settings.Targets.Enabled;

    public static SendAnswer? Validate(SendState send) => Stop(RequestRules.CheckSend(send.Request, send.Context));

    public SendAnswer? ParseContact(SendState send)
    {
        if (!parser.TryParse(send.Request.PhoneNumber, send.Request.Email, out var contact, out var error))
        {
            if (error!.Reason == VerificationErrorReasons.RegionNotAllowed)
            {
                Log.RegionNotAllowed(logger, settings.Phone.AllowedRegions is { Count: > 0 } regions ? string.Join(",", regions) : "CN, the default");
            }

            return error;
        }

        send.Contact = contact;
        send.Masked = new MaskedContact(contact.Channel, contact.Normalized);
        send.Senders = contact.Channel == VerificationChannel.Sms ? sms : email;
        return null;
    }

    public SendAnswer? CheckChannel(SendState send)
    {
        if (send.Senders.IsEnabled)
        {
            return null;
        }

        var (channel, field) = send.Contact.Channel == VerificationChannel.Sms ? ("SMS", "phone_number") : ("Email", "email");
        return Refused(send, new VerificationError(VerificationErrorCodes.FailedPrecondition, $"{channel} is not enabled: no {channel} sender is registered.")
        {
            Reason = VerificationErrorReasons.ChannelDisabled,
            Field = field,
        });
    }

    /// <summary>An Idempotency-Key seen within the cooldown answers as it did the first time (or refuses another contact).</summary>
    public async ValueTask<SendAnswer?> ReplayAsync(SendState send, CancellationToken cancellationToken)
    {
        if (idempotency.KeyOf(send.Context, send.Contact.Key) is not { } key)
        {
            return null;
        }

        var found = await idempotency.FindAsync(key, cancellationToken).ConfigureAwait(false);
        return found.Failed ? found.Error! : found.Value is { } record ? Replay(send, record) : null;
    }

    /// <summary>
    /// Every limit of the send, read before anything expensive: a hard one refuses, a soft one asks for a captcha
    /// unless the request brings one. The open share of the global budgets is not applied yet (who may use the
    /// reserved share is known after the directory and the captcha); the save applies it.
    /// </summary>
    public async ValueTask<SendAnswer?> CheckLimitsAsync(SendState send, CancellationToken cancellationToken)
    {
        // Made once per send: the save charges the same set, its global limits narrowed unless the send may use the reserved share.
        send.Charges = plan.ForSend(send.Contact, send.Context, reserved: true, targeted: IsTargeted(send));
        var error = await limits.CheckAsync(send.Charges, captcha.Applies(send.Request.CaptchaToken), cancellationToken).ConfigureAwait(false);
        if (error is null)
        {
            return null;
        }

        if (error.Code == VerificationErrorCodes.Unavailable)
        {
            return error;
        }

        // A concurrent send with the same Idempotency-Key may have been saved since the replay step, charging the
        // cooldown this read now meets: that send is this one's answer (one more read, on the refusal path only).
        return await ReplayAsync(send, cancellationToken).ConfigureAwait(false) ?? Refused(send, error);
    }

    /// <summary>
    /// The directory step. With <c>Targets:Enabled</c> off every target is <c>ANY</c>. A <c>USER</c>/<c>NOT_USER</c>
    /// mismatch is counted in the client's lookup windows (which turn into a captcha requirement) before it is told.
    /// </summary>
    public async ValueTask<SendAnswer?> CheckAudienceAsync(SendState send, CancellationToken cancellationToken)
    {
        var target = _targetsEnabled ? send.Request.Target : VerificationTarget.Any;
        var (exists, error, refused) = await audience.CheckAsync(target, send.Contact.Channel, send.Contact.Normalized, cancellationToken).ConfigureAwait(false);
        send.Exists = exists;
        if (error is null)
        {
            return null;
        }

        if (refused && error.Code is VerificationErrorCodes.UserNotFound or VerificationErrorCodes.AlreadyExists
            && await limits.CountLookupAsync(plan.ForLookupMismatch(send.Context), cancellationToken).ConfigureAwait(false) is { } unavailable)
        {
            return unavailable;
        }

        return refused ? Refused(send, error) : error;
    }

    public async ValueTask<SendAnswer?> CheckCaptchaAsync(SendState send, CancellationToken cancellationToken)
    {
        if (!captcha.Applies(send.Request.CaptchaToken))
        {
            return null;
        }

        var (error, usedMark) = await captcha.CheckAsync(send.Request.CaptchaToken!, send.Context, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return Refused(send, error);
        }

        send.WaiveSoftLimits = true;
        send.CaptchaMark = usedMark;
        return null;
    }

    /// <summary>
    /// Draws the code and prepares its pending record and the charges of its save (nothing is stored yet): the send's
    /// charge set, its global limits as this send may use them, plus the captcha's used mark when the captcha step left
    /// it to the save (the token is used only by a send that is saved, and given back with the other charges when its
    /// delivery fails).
    /// </summary>
    public SendAnswer? IssueCode(SendState send)
    {
        send.Now = timeProvider.GetUtcNow();
        send.Code = codes.Next(_codeLength);
        send.ExpiresAt = send.Now + _codeLifetime;
        send.Secret = secrets.Issue(send.Code, send.Contact.Key, send.ExpiresAt, send.Request.Usage);
        var charges = send.Charges ?? plan.ForSend(send.Contact, send.Context, targeted: IsTargeted(send));
        send.Charges = charges.WithReserved(send.Exists == true || send.WaiveSoftLimits).WithExtra(send.CaptchaMark);
        return null;
    }

    /// <summary>
    /// Reserves the Idempotency-Key before anything is charged or sent, with the send this key stands for (its
    /// request and the claims of its verification id, unsigned): a concurrent request with the same key gets that
    /// send (signed for it, no message) instead of the cooldown refusal. Nothing is signed before the save.
    /// </summary>
    public async ValueTask<SendAnswer?> ReserveIdempotencyKeyAsync(SendState send, CancellationToken cancellationToken)
    {
        if (idempotency.KeyOf(send.Context, send.Contact.Key) is not { } key)
        {
            return null;
        }

        var record = new IdempotencyRecord(send.Contact.Key, Target(send), Claims(send), IsUser(send));
        var reserved = await idempotency.ReserveAsync(key, record, cancellationToken).ConfigureAwait(false);
        if (reserved.Failed)
        {
            return reserved.Error!;
        }

        send.Reservation = reserved.Value;
        return reserved.Value.Existing is { } existing ? Replay(send, existing) : null;
    }

    /// <summary>Stores the pending code while checking and charging every counter of the plan, atomically.</summary>
    public async ValueTask<SendAnswer?> SaveWithChargesAsync(SendState send, CancellationToken cancellationToken)
    {
        var saved = await secrets.SaveAsync(send.Secret, send.Charges!, send.WaiveSoftLimits, send.Now, "send", StoreGuard.NothingSent, cancellationToken).ConfigureAwait(false);
        if (saved.Failed)
        {
            return saved.Error!;
        }

        var refusedBy = saved.Value.RefusedBy?.Reason;
        switch (saved.Value.Status)
        {
            case SaveStatus.RateLimited when send.CaptchaMark is { } mark && saved.Value.RefusedBy?.Key == mark.Key:
                // Another send saved with this captcha first: single use is decided here, atomically with the record.
                return Refused(send, CaptchaGate.Invalid(VerificationErrorReasons.Used));
            case SaveStatus.RateLimited:
                return Refused(send, VerificationError.RateLimited(refusedBy ?? VerificationErrorReasons.ResendCooldown, saved.Value.RetryAfter, ChargePlan.Describe(refusedBy)));
            case SaveStatus.CaptchaRequired:
                // RetryAfter only when the window will lift by itself; an always-full one (AlwaysRequire) never does.
                return Refused(send, new VerificationError(VerificationErrorCodes.CaptchaRequired, "Solve a captcha and send its token with the request.")
                {
                    Reason = refusedBy,
                    RetryAfter = saved.Value.RetryAfter > TimeSpan.Zero ? saved.Value.RetryAfter : null,
                });
            default:
                return null;
        }
    }

    /// <summary>Signs the verification id, once its record is saved: a refused send costs no signature.</summary>
    public SendAnswer? Sign(SendState send)
    {
        send.VerificationId ??= SignClaims(Claims(send));
        return null;
    }

    public SendAnswer? Render(SendState send)
    {
        var (request, contact, lifetime) = (send.Request, send.Contact, _codeLifetime);
        var culture = send.Context?.Culture ?? AmbientCulture() ?? _defaultCulture;
        var rendered = renderer.Render(new MessageRenderContext(contact.Channel, send.Code, lifetime, request.Usage, culture, _productName)
        {
            WebOtpHost = _webOtpHost,
            AndroidAppHash = _androidAppHash,
        });
        send.Message = new VerificationMessage
        {
            Channel = contact.Channel,
            To = contact.Normalized,
            Subject = rendered.Subject,
            Body = rendered.Body,
            HtmlBody = rendered.HtmlBody,
            Code = send.Code,
            Lifetime = lifetime,
            Usage = request.Usage,
            Culture = culture,
        };
        return null;
    }

    /// <summary>
    /// The app's culture, <see cref="CultureInfo.CurrentUICulture"/>, when the app (or its request localization) set
    /// it: not the invariant culture and not merely the machine's own (<see cref="CultureInfo.InstalledUICulture"/>),
    /// which would otherwise override <c>Messages:DefaultCulture</c> on every server with a <c>LANG</c>.
    /// </summary>
    private static CultureInfo? AmbientCulture()
    {
        var current = CultureInfo.CurrentUICulture;
        return current.Name.Length == 0 || current.Equals(CultureInfo.InstalledUICulture) ? null : current;
    }

    public async ValueTask<SendAnswer?> DeliverAsync(SendState send, CancellationToken cancellationToken) =>
        Stop(await send.Senders.DeliverAsync(send.Message, send.Masked, send.Secret, send.Charges!, cancellationToken).ConfigureAwait(false));

    private SendAnswer Replay(SendState send, IdempotencyRecord record)
    {
        var answer = record.ReplayFor(send.Contact.Key, Target(send), send.Request.Usage, timeProvider.GetUtcNow(), SignClaims);
        return answer.Succeeded ? answer : Refused(send, answer.Error);
    }

    private string SignClaims(VerificationIdClaims claims)
    {
        metrics.Signed("verification_id");
        return secrets.Sign(claims);
    }

    private static VerificationIdClaims Claims(SendState send) =>
        new(send.Secret.Id, send.Secret.Nonce, send.Contact.Normalized, send.Request.Usage, send.ExpiresAt);

    /// <summary>The target the send is treated as: its own, or <c>ANY</c> with <c>Targets:Enabled</c> off.</summary>
    private VerificationTarget Target(SendState send) => _targetsEnabled ? send.Request.Target : VerificationTarget.Any;

    private bool IsTargeted(SendState send) => Target(send) != VerificationTarget.Any;

    public bool? IsUser(SendState send) => _includeIsUser ? send.Exists : null;

    private VerificationError Refused(SendState send, VerificationError error)
    {
        Log.SendRefused(logger, send.Masked, error.Code, error.Reason);
        metrics.Refused(error.Code, error.Reason);
        return error;
    }


    /// <summary>The answer of a send that went out.</summary>
    public SendAnswer Sent(SendState send)
    {
        metrics.Sent(send.Contact.Channel, send.Contact.Normalized);
        return new VerificationResponse(send.VerificationId!, (int)_codeLifetime.TotalSeconds, IsUser(send));
    }

    /// <summary>Withdraws the send's Idempotency-Key reservation, when it holds one, after a refusal or failure.</summary>
    public ValueTask WithdrawAsync(SendState send) => idempotency.WithdrawAsync(send.Reservation);

    /// <summary>An error as a step's answer; null (go on) when there is none.</summary>
    private static SendAnswer? Stop(VerificationError? error) => error is null ? null : (SendAnswer)error;
}
