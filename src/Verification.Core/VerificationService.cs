using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly;

namespace Verification;

/// <summary>
/// The engine: <see cref="IVerificationService"/> over an <see cref="ICodeStore"/>, the senders, and the optional
/// user directory and captcha validator. Thread-safe; create one per application (a singleton).
/// </summary>
/// <remarks>
/// Usable without a DI container:
/// <code>
/// var service = new VerificationService(Options.Create(options), new InMemoryCodeStore(), [smsSender], [emailSender]);
/// </code>
/// The constructor validates the options and loads the keys; it throws <see cref="OptionsValidationException"/>
/// with messages naming the setting to fix.
/// </remarks>
public sealed class VerificationService : IVerificationService
{
    internal const int MaxCaptchaTokenLength = 4096;
    internal const int MaxContextFieldLength = 128;
    private const int MaxCodeInputLength = 32;

    private readonly ICodeStore _store;
    private readonly ISmsSender[] _smsSenders;
    private readonly IEmailSender[] _emailSenders;
    private readonly IUserDirectory? _userDirectory;
    private readonly ICaptchaValidator? _captchaValidator;
    private readonly IVerificationMessageRenderer _renderer;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly TokenService _tokens;
    private readonly CodeHasher _hasher;
    private readonly ContactParser _parser;
    private readonly ResiliencePipeline[] _smsPipelines;
    private readonly ResiliencePipeline[] _emailPipelines;
    private readonly string[] _smsProviders;
    private readonly string[] _emailProviders;
    private readonly CultureInfo _defaultCulture;

    private readonly int _codeLength;
    private readonly TimeSpan _codeLifetime;
    private readonly int _maxAttempts;
    private readonly TimeSpan _tokenLifetime;
    private readonly TimeSpan _clockSkew;
    private readonly TimeSpan _resendCooldown;
    private readonly int _dailyLimit;
    private readonly int _failureBudget;
    private readonly TimeSpan _failureWindow;
    private readonly bool _includeIsUser;
    private readonly string? _productName;
    private readonly ThrottlingOptions _throttling;
    private readonly bool _alwaysRequireCaptcha;
    private readonly VerificationMetrics _metrics;
    private Func<int, string?>? _codeOverride;

    /// <summary>Creates the service.</summary>
    /// <param name="options">The settings; validated here.</param>
    /// <param name="store">Where codes and counters live.</param>
    /// <param name="smsSenders">SMS senders, tried in order. Empty disables SMS unless <see cref="VerificationOptions.PickupDirectory"/> is set.</param>
    /// <param name="emailSenders">Email senders, tried in order. Empty disables email unless <see cref="VerificationOptions.PickupDirectory"/> is set.</param>
    /// <param name="userDirectory">Answers whether an account exists; enables <c>is_user</c> and the USER / NOT_USER targets.</param>
    /// <param name="captchaValidator">Checks captcha tokens.</param>
    /// <param name="messageRenderer">Renders the message text; the built-in English / Chinese wording when null.</param>
    /// <param name="timeProvider">The clock; the system clock when null.</param>
    /// <param name="logger">The logger; none when null.</param>
    /// <param name="meterFactory">Creates the <c>Verification</c> meter; a standalone meter when null.</param>
    /// <exception cref="OptionsValidationException">The options are invalid; the messages say which setting to fix.</exception>
    public VerificationService(
        IOptions<VerificationOptions> options,
        ICodeStore store,
        IEnumerable<ISmsSender> smsSenders,
        IEnumerable<IEmailSender> emailSenders,
        IUserDirectory? userDirectory = null,
        ICaptchaValidator? captchaValidator = null,
        IVerificationMessageRenderer? messageRenderer = null,
        TimeProvider? timeProvider = null,
        ILogger<VerificationService>? logger = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(smsSenders);
        ArgumentNullException.ThrowIfNull(emailSenders);

        var settings = options.Value;
        VerificationOptionsValidator.ThrowIfInvalid(settings);

        _store = store;
        _userDirectory = userDirectory;
        _captchaValidator = captchaValidator;
        _renderer = messageRenderer ?? new BuiltInMessageRenderer();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;

        var keys = KeyMaterial.Load(settings);
        if (keys.IsEphemeral)
        {
            Log.EphemeralKey(_logger, keys.Algorithm);
        }

        _tokens = keys.Tokens;
        _hasher = keys.Hasher;
        _parser = new ContactParser(settings.Phone, settings.Email);

        _smsSenders = [.. smsSenders];
        _emailSenders = [.. emailSenders];
        if (settings.PickupDirectory is { } folder && (_smsSenders.Length == 0 || _emailSenders.Length == 0))
        {
            var pickup = new PickupDirectorySender(folder, _timeProvider);
            _smsSenders = _smsSenders.Length == 0 ? [pickup] : _smsSenders;
            _emailSenders = _emailSenders.Length == 0 ? [pickup] : _emailSenders;
        }

        // One pipeline per sender, so that each provider has its own circuit.
        _smsPipelines = [.. _smsSenders.Select(_ => DeliveryPipeline(settings.Delivery, _timeProvider))];
        _emailPipelines = [.. _emailSenders.Select(_ => DeliveryPipeline(settings.Delivery, _timeProvider))];
        _smsProviders = [.. _smsSenders.Select(s => VerificationMetrics.ProviderTag(s.Name))];
        _emailProviders = [.. _emailSenders.Select(s => VerificationMetrics.ProviderTag(s.Name))];

        VerificationOptionsValidator.TryGetCulture(settings.Messages.DefaultCulture, out _defaultCulture);
        _codeLength = settings.Code.Length;
        _codeLifetime = settings.Code.Lifetime;
        _maxAttempts = settings.Code.MaxAttempts;
        _tokenLifetime = settings.Tokens.VerificationTokenLifetime;
        _clockSkew = settings.Tokens.ClockSkew;
        _resendCooldown = settings.Throttling.ResendCooldown;
        _dailyLimit = settings.Throttling.DailyLimitPerContact;
        _failureBudget = settings.Throttling.FailedAttemptsPerContact;
        _failureWindow = settings.Throttling.FailedAttemptsWindow;
        _includeIsUser = settings.IncludeIsUser;
        _productName = settings.Messages.ProductName;
        _throttling = settings.Throttling;
        _alwaysRequireCaptcha = settings.Captcha.AlwaysRequire;
        _metrics = new VerificationMetrics(meterFactory);
    }

    /// <summary>
    /// The test seam of Verification.Testing (the only assembly besides Core's own tests that sees it): codes come
    /// from <paramref name="codes"/> (given the configured length; null means a CSPRNG code) instead of the CSPRNG.
    /// Refused unless every sender this service delivers through — the pickup-directory fallback included —
    /// passes <paramref name="isFake"/>, so that a chosen code can never reach a real phone or mailbox.
    /// </summary>
    /// <exception cref="InvalidOperationException">A sender is not a fake; the message names it.</exception>
    internal void UseCodeOverride(Func<int, string?> codes, Func<object, bool> isFake)
    {
        ArgumentNullException.ThrowIfNull(codes);
        ArgumentNullException.ThrowIfNull(isFake);
        foreach (var sender in _smsSenders.Cast<object>().Concat(_emailSenders))
        {
            if (!isFake(sender))
            {
                throw new InvalidOperationException(
                    $"Chosen codes work only with fake senders, but {sender.GetType().FullName} delivers messages of this service. " +
                    "Remove that sender's registration from the test setup (UseFakes() removes the senders registered before it), " +
                    "and leave Verification:PickupDirectory unset.");
            }
        }

        _codeOverride = codes;
    }

    /// <inheritdoc />
    public ValueTask<VerificationResult<VerificationResponse>> SendAsync(
        VerificationRequest request,
        VerificationContext? context = null,
        CancellationToken cancellationToken = default) =>
        VerificationTelemetry.Source.HasListeners() || _metrics.SendsObserved
            ? ObservedSendAsync(request, context, cancellationToken)
            : SendCoreAsync(request, context, cancellationToken);

    /// <summary>A send inside its <c>verification.send</c> span, counted by channel, outcome and reason.</summary>
    private async ValueTask<VerificationResult<VerificationResponse>> ObservedSendAsync(VerificationRequest request, VerificationContext? context, CancellationToken cancellationToken)
    {
        using var activity = VerificationTelemetry.Source.StartActivity("verification.send");
        VerificationChannel? channel = !string.IsNullOrWhiteSpace(request?.PhoneNumber) ? VerificationChannel.Sms
            : !string.IsNullOrWhiteSpace(request?.Email) ? VerificationChannel.Email
            : null;
        activity?.SetTag("verification.channel", VerificationMetrics.ChannelTag(channel));
        try
        {
            var result = await SendCoreAsync(request!, context, cancellationToken).ConfigureAwait(false);
            _metrics.SendCompleted(channel, result.Error);
            if (activity is not null)
            {
                VerificationTelemetry.Complete(activity, "sent", result.Error);
            }

            return result;
        }
        catch (Exception e)
        {
            VerificationTelemetry.Fail(activity, e);
            throw;
        }
    }

    private async ValueTask<VerificationResult<VerificationResponse>> SendCoreAsync(
        VerificationRequest request,
        VerificationContext? context,
        CancellationToken cancellationToken)
    {
        if (CheckSendInput(request, context) is { } invalid)
        {
            return invalid;
        }

        var phone = !string.IsNullOrWhiteSpace(request.PhoneNumber);
        var parsed = phone
            ? _parser.TryParsePhone(request.PhoneNumber!, out var contact, out var error)
            : _parser.TryParseEmail(request.Email!, out contact, out error);
        if (!parsed)
        {
            return error!;
        }

        var masked = new MaskedContact(contact.Channel, contact.Normalized);
        var senders = contact.Channel == VerificationChannel.Sms ? _smsSenders.Length : _emailSenders.Length;
        if (senders == 0)
        {
            var channel = contact.Channel == VerificationChannel.Sms ? "SMS" : "Email";
            return Refused(masked, new VerificationError(
                VerificationErrorCodes.FailedPrecondition,
                $"{channel} is not enabled: no {channel} sender is registered.")
            { Reason = VerificationErrorReasons.ChannelDisabled, Field = phone ? "phone_number" : "email" });
        }

        var idempotencyKey = context?.IdempotencyKey is { Length: > 0 } key && _resendCooldown > TimeSpan.Zero ? "idempotency:" + key : null;
        if (idempotencyKey is not null)
        {
            var replay = await ReplayAsync(idempotencyKey, contact.Key, masked, cancellationToken).ConfigureAwait(false);
            if (replay is not null)
            {
                return replay;
            }
        }

        bool? exists = null;
        if (request.Target != VerificationTarget.Any && _userDirectory is null)
        {
            return Refused(masked, new VerificationError(
                VerificationErrorCodes.FailedPrecondition,
                "target USER and NOT_USER need a user directory; none is registered.")
            { Reason = VerificationErrorReasons.NoUserDirectory, Field = "target" });
        }

        if (_userDirectory is not null)
        {
            try
            {
                exists = await _userDirectory.ExistsAsync(contact.Channel, contact.Normalized, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!IsCallerCancellation(e, cancellationToken))
            {
                Log.UserDirectoryFailed(_logger, e);
                return VerificationError.Unavailable(VerificationErrorReasons.UserDirectoryUnavailable, "The user directory is unavailable; try again later.");
            }

            if (request.Target == VerificationTarget.User && exists == false)
            {
                return Refused(masked, new VerificationError(VerificationErrorCodes.UserNotFound, "No account exists for this contact.") { Field = phone ? "phone_number" : "email" });
            }

            if (request.Target == VerificationTarget.NotUser && exists == true)
            {
                return Refused(masked, new VerificationError(VerificationErrorCodes.AlreadyExists, "An account already exists for this contact.") { Field = phone ? "phone_number" : "email" });
            }
        }

        var waiveSoftLimits = false;
        if (!string.IsNullOrEmpty(request.CaptchaToken) && _captchaValidator is not null)
        {
            if (await CheckCaptchaAsync(request.CaptchaToken, context, cancellationToken).ConfigureAwait(false) is { } captchaError)
            {
                return Refused(masked, captchaError);
            }

            waiveSoftLimits = true;
        }

        var now = _timeProvider.GetUtcNow();
        var code = _codeOverride?.Invoke(_codeLength) ?? CodeHasher.Generate(_codeLength);
        var recordId = Guid.NewGuid();
        var nonce = CodeHasher.NewNonce();
        var expiresAt = now + _codeLifetime;
        var record = new CodeRecord
        {
            Id = recordId,
            ContactKey = contact.Key,
            CodeHash = _hasher.Hash(recordId, nonce, code),
            ExpiresAt = expiresAt,
        };
        var charges = SendCharges(contact, context);
        var isUser = _includeIsUser ? exists : null;
        string? verificationId = null;

        // An Idempotency-Key is reserved before anything is charged or sent, with the answer this send will give:
        // a concurrent request with the same key gets that same answer (and no message) instead of the cooldown
        // refusal. A send that is refused or fails withdraws its reservation, so a retry with the key sends again.
        string? reservation = null;
        if (idempotencyKey is not null)
        {
            verificationId = _tokens.CreateVerificationId(recordId, nonce, contact.Normalized, request.Usage, expiresAt);
            var value = IdempotencyValue(contact.Key, verificationId, expiresAt, isUser);
            string stored;
            try
            {
                stored = await _store.GetOrAddValueAsync(idempotencyKey, value, now + _resendCooldown, now, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!IsCallerCancellation(e, cancellationToken))
            {
                Log.StoreFailed(_logger, e, "idempotency");
                return VerificationError.Unavailable(VerificationErrorReasons.StoreUnavailable, "The code store is unavailable; nothing was sent. Try again later.");
            }

            if (!string.Equals(stored, value, StringComparison.Ordinal))
            {
                return Replay(stored, contact.Key, masked) ?? VerificationError.Unavailable(VerificationErrorReasons.StoreUnavailable, "The code store returned an unreadable idempotency record; try again later.");
            }

            reservation = value;
        }

        SaveOutcome saved;
        try
        {
            saved = await _store.SaveAsync(record, charges, waiveSoftLimits, now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!IsCallerCancellation(e, cancellationToken))
        {
            Log.StoreFailed(_logger, e, "send");
            await WithdrawAsync(idempotencyKey, reservation).ConfigureAwait(false);
            return VerificationError.Unavailable(VerificationErrorReasons.StoreUnavailable, "The code store is unavailable; nothing was sent. Try again later.");
        }
        catch (OperationCanceledException)
        {
            await WithdrawAsync(idempotencyKey, reservation).ConfigureAwait(false);
            throw;
        }

        switch (saved.Status)
        {
            case SaveStatus.RateLimited:
                await WithdrawAsync(idempotencyKey, reservation).ConfigureAwait(false);
                return Refused(masked, VerificationError.RateLimited(
                    saved.RefusedBy?.Reason ?? VerificationErrorReasons.ResendCooldown,
                    saved.RetryAfter,
                    DescribeLimit(saved.RefusedBy?.Reason)));
            case SaveStatus.CaptchaRequired:
                await WithdrawAsync(idempotencyKey, reservation).ConfigureAwait(false);

                // RetryAfter only when the window will lift by itself; an always-full one (AlwaysRequire) never does.
                return Refused(masked, new VerificationError(VerificationErrorCodes.CaptchaRequired, "Solve a captcha and send its token with the request.")
                {
                    Reason = saved.RefusedBy?.Reason,
                    RetryAfter = saved.RetryAfter > TimeSpan.Zero ? saved.RetryAfter : null,
                });
        }

        // Signed only once the save went through (or the key was reserved): a refused send costs no signature.
        verificationId ??= _tokens.CreateVerificationId(recordId, nonce, contact.Normalized, request.Usage, expiresAt);
        var culture = context?.Culture ?? _defaultCulture;
        var rendered = _renderer.Render(new MessageRenderContext(contact.Channel, code, _codeLifetime, request.Usage, culture, _productName));
        var message = new VerificationMessage
        {
            Channel = contact.Channel,
            To = contact.Normalized,
            Subject = rendered.Subject,
            Body = rendered.Body,
            HtmlBody = rendered.HtmlBody,
            Code = code,
            Lifetime = _codeLifetime,
            Usage = request.Usage,
            Culture = culture,
        };

        VerificationError? failure;
        try
        {
            failure = await DeliverAsync(message, masked, record, charges, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await WithdrawAsync(idempotencyKey, reservation).ConfigureAwait(false);
            throw;
        }

        if (failure is not null)
        {
            await WithdrawAsync(idempotencyKey, reservation).ConfigureAwait(false);
            return failure;
        }

        _metrics.Sent(contact.Channel, contact.Normalized);
        return new VerificationResponse(verificationId, (int)_codeLifetime.TotalSeconds, isUser);
    }

    /// <summary>
    /// An <c>Idempotency-Key</c> seen within the cooldown: the same contact gets the same answer and no new message;
    /// another contact is refused. Null when the key is new.
    /// </summary>
    private async ValueTask<VerificationResult<VerificationResponse>?> ReplayAsync(string key, string contactKey, MaskedContact masked, CancellationToken cancellationToken)
    {
        string? stored;
        try
        {
            stored = await _store.GetValueAsync(key, _timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!IsCallerCancellation(e, cancellationToken))
        {
            Log.StoreFailed(_logger, e, "idempotency");
            return VerificationError.Unavailable(VerificationErrorReasons.StoreUnavailable, "The code store is unavailable; nothing was sent. Try again later.");
        }

        return stored is null ? null : Replay(stored, contactKey, masked);
    }

    /// <summary>The answer an idempotency record gives: the same verification id to the same contact, a refusal to another.</summary>
    private VerificationResult<VerificationResponse>? Replay(string stored, string contactKey, MaskedContact masked)
    {
        if (stored.Split('\n') is not [var storedContact, var verificationId, var expiresAtText, var isUserText]
            || !long.TryParse(expiresAtText, NumberStyles.None, CultureInfo.InvariantCulture, out var expiresAtSeconds))
        {
            return null;
        }

        if (!string.Equals(storedContact, contactKey, StringComparison.Ordinal))
        {
            return Refused(masked, VerificationError.InvalidArgument(
                "idempotency_key",
                VerificationErrorReasons.IdempotencyKeyReused,
                "This Idempotency-Key was used for another contact; use a new key per request."));
        }

        var remaining = DateTimeOffset.FromUnixTimeSeconds(expiresAtSeconds) - _timeProvider.GetUtcNow();
        bool? isUser = isUserText switch { "1" => true, "0" => false, _ => null };
        return new VerificationResponse(verificationId, Math.Max(0, (int)Math.Ceiling(remaining.TotalSeconds)), isUser);
    }

    private static string IdempotencyValue(string contactKey, string verificationId, DateTimeOffset expiresAt, bool? isUser) =>
        string.Join('\n', contactKey, verificationId, expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), isUser switch { true => "1", false => "0", _ => string.Empty });

    /// <summary>Withdraws this send's Idempotency-Key reservation (when it made one) after a refusal or a failure.</summary>
    private async ValueTask WithdrawAsync(string? key, string? reservation)
    {
        if (key is null || reservation is null)
        {
            return;
        }

        try
        {
            await _store.RemoveValueAsync(key, reservation, _timeProvider.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Nothing was sent; a stale reservation only answers with a dead id until the cooldown ends.
            Log.StoreFailed(_logger, e, "idempotency");
        }
    }

    /// <inheritdoc />
    public ValueTask<VerificationResult<VerifyResponse>> VerifyAsync(
        VerifyRequest request,
        VerificationContext? context = null,
        CancellationToken cancellationToken = default) =>
        VerificationTelemetry.Source.HasListeners()
            ? ObservedVerifyAsync(request, cancellationToken)
            : VerifyCoreAsync(request, null, cancellationToken);

    /// <summary>A verify inside its <c>verification.verify</c> span (the counters are kept by the verify itself).</summary>
    private async ValueTask<VerificationResult<VerifyResponse>> ObservedVerifyAsync(VerifyRequest request, CancellationToken cancellationToken)
    {
        using var activity = VerificationTelemetry.Source.StartActivity("verification.verify");
        try
        {
            var result = await VerifyCoreAsync(request, activity, cancellationToken).ConfigureAwait(false);
            if (activity is not null)
            {
                VerificationTelemetry.Complete(activity, "verified", result.Error);
            }

            return result;
        }
        catch (Exception e)
        {
            VerificationTelemetry.Fail(activity, e);
            throw;
        }
    }

    private async ValueTask<VerificationResult<VerifyResponse>> VerifyCoreAsync(
        VerifyRequest request,
        Activity? activity,
        CancellationToken cancellationToken)
    {
        if (request is null)
        {
            return VerificationError.InvalidArgument("verification_id", VerificationErrorReasons.Missing, "The request is missing.");
        }

        if (CheckToken(request.VerificationId, "verification_id") is { } idError)
        {
            return idError;
        }

        if (!TryNormalizeCode(request.VerificationCode, out var code, out var codeError))
        {
            return codeError!;
        }

        var now = _timeProvider.GetUtcNow();
        var check = await _tokens.CheckAsync(request.VerificationId!, TokenKind.VerificationId, now).ConfigureAwait(false);
        if (check.Status != TokenCheckStatus.Valid)
        {
            var expired = check.Status == TokenCheckStatus.Expired;
            Log.TokenRefused(_logger, TokenKind.VerificationId, expired ? VerificationErrorReasons.Expired : VerificationErrorReasons.Unknown);
            _metrics.Verified(null, null, expired ? VerificationErrorReasons.Expired : VerificationErrorReasons.Unknown);
            return expired
                ? VerificationError.InvalidCode(VerificationErrorReasons.Expired, "The code expired; ask for a new one.")
                : VerificationError.InvalidCode(VerificationErrorReasons.Unknown, "The verification id is not valid.");
        }

        var jwt = check.Token!;
        if (!jwt.TryGetPayloadValue<string>("kid", out var kid) || !Guid.TryParseExact(kid, "D", out var recordId)
            || !jwt.TryGetPayloadValue<string>("t", out var nonce) || string.IsNullOrEmpty(nonce)
            || !TryReadUsage(jwt, out var usage))
        {
            Log.TokenRefused(_logger, TokenKind.VerificationId, "claims");
            _metrics.Verified(null, null, VerificationErrorReasons.Unknown);
            return VerificationError.InvalidCode(VerificationErrorReasons.Unknown, "The verification id is not valid.");
        }

        var contact = jwt.GetPayloadValue<string>("e");
        var channel = ChannelOf(contact);
        var masked = new MaskedContact(channel, contact);
        activity?.SetTag("verification.channel", VerificationMetrics.ChannelTag(channel));
        var failureCharge = FailureCharge(_parser.KeyOf(channel, contact), amount: 1);

        AttemptOutcome outcome;
        try
        {
            outcome = await _store.AttemptAsync(recordId, _hasher.Hash(recordId, nonce, code), _maxAttempts, failureCharge, now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!IsCallerCancellation(e, cancellationToken))
        {
            Log.StoreFailed(_logger, e, "verify");
            _metrics.Verified(channel, contact, "unavailable");
            return VerificationError.Unavailable(VerificationErrorReasons.StoreUnavailable, "The code store is unavailable; try again later.");
        }

        VerificationError failure;
        switch (outcome.Status)
        {
            case AttemptStatus.Verified:
                Log.CodeVerified(_logger, recordId, masked);
                _metrics.Verified(channel, contact, "verified");
                var expiresAt = now + _tokenLifetime;
                var token = _tokens.CreateVerificationToken(Guid.NewGuid().ToString("N"), contact, usage, expiresAt);
                return new VerifyResponse(token, (int)_tokenLifetime.TotalSeconds);
            case AttemptStatus.Mismatch:
                failure = VerificationError.InvalidCode(VerificationErrorReasons.Wrong, "The code is wrong.", outcome.AttemptsRemaining);
                break;
            case AttemptStatus.Exhausted:
            case AttemptStatus.Burned:
                failure = VerificationError.InvalidCode(VerificationErrorReasons.Exhausted, "Too many wrong attempts; ask for a new code.", 0);
                break;
            case AttemptStatus.Used:
                failure = VerificationError.InvalidCode(VerificationErrorReasons.Used, "The code was already used; ask for a new one.");
                break;
            case AttemptStatus.Superseded:
                failure = VerificationError.InvalidCode(VerificationErrorReasons.Superseded, "A newer code was sent; use the latest one.");
                break;
            case AttemptStatus.RateLimited:
                failure = VerificationError.RateLimited(VerificationErrorReasons.FailureBudget, outcome.RetryAfter, DescribeLimit(VerificationErrorReasons.FailureBudget));
                _metrics.Throttled("verify", "hard", VerificationErrorReasons.FailureBudget);
                break;
            case AttemptStatus.Expired:
                failure = VerificationError.InvalidCode(VerificationErrorReasons.Expired, "The code expired; ask for a new one.");
                break;
            default:
                // A record forgotten after expiry, within the tolerated clock skew, is an expired code.
                failure = now.UtcDateTime >= jwt.ValidTo
                    ? VerificationError.InvalidCode(VerificationErrorReasons.Expired, "The code expired; ask for a new one.")
                    : VerificationError.InvalidCode(VerificationErrorReasons.Unknown, "The verification id is not valid.");
                break;
        }

        Log.VerifyRefused(_logger, masked, failure.Reason!);
        _metrics.Verified(channel, contact, failure.Reason!);
        return failure;
    }

    /// <inheritdoc />
    public ValueTask<VerificationResult<VerifiedContact>> RedeemVerificationTokenAsync(
        string verificationToken,
        CancellationToken cancellationToken = default) =>
        VerificationTelemetry.Source.HasListeners() || _metrics.RedemptionsObserved
            ? ObservedRedeemAsync(verificationToken, cancellationToken)
            : RedeemCoreAsync(verificationToken, cancellationToken);

    /// <summary>A redemption inside its <c>verification.redeem</c> span, counted by outcome.</summary>
    private async ValueTask<VerificationResult<VerifiedContact>> ObservedRedeemAsync(string verificationToken, CancellationToken cancellationToken)
    {
        using var activity = VerificationTelemetry.Source.StartActivity("verification.redeem");
        try
        {
            var result = await RedeemCoreAsync(verificationToken, cancellationToken).ConfigureAwait(false);
            _metrics.Redeemed(result.Error);
            if (activity is not null)
            {
                activity.SetTag("verification.channel", VerificationMetrics.ChannelTag(result.Value?.Channel));
                VerificationTelemetry.Complete(activity, "redeemed", result.Error);
            }

            return result;
        }
        catch (Exception e)
        {
            VerificationTelemetry.Fail(activity, e);
            throw;
        }
    }

    private async ValueTask<VerificationResult<VerifiedContact>> RedeemCoreAsync(
        string verificationToken,
        CancellationToken cancellationToken)
    {
        if (CheckToken(verificationToken, "verification_token") is { } invalid)
        {
            return invalid;
        }

        var now = _timeProvider.GetUtcNow();
        var check = await _tokens.CheckAsync(verificationToken, TokenKind.VerificationToken, now).ConfigureAwait(false);
        if (check.Status != TokenCheckStatus.Valid)
        {
            var expired = check.Status == TokenCheckStatus.Expired;
            Log.TokenRefused(_logger, TokenKind.VerificationToken, expired ? VerificationErrorReasons.Expired : VerificationErrorReasons.Unknown);
            return expired
                ? VerificationError.InvalidToken(VerificationErrorReasons.Expired, "The verification token expired; verify a new code.")
                : VerificationError.InvalidToken(VerificationErrorReasons.Unknown, "The verification token is not valid.");
        }

        var jwt = check.Token!;
        if (!jwt.TryGetPayloadValue<string>("jti", out var tokenId) || string.IsNullOrEmpty(tokenId) || !TryReadUsage(jwt, out var usage))
        {
            Log.TokenRefused(_logger, TokenKind.VerificationToken, "claims");
            return VerificationError.InvalidToken(VerificationErrorReasons.Unknown, "The verification token is not valid.");
        }

        var contact = jwt.GetPayloadValue<string>("e");
        var channel = ChannelOf(contact);
        bool first;
        try
        {
            first = await _store.TryUseOnceAsync("redeemed:" + tokenId, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) + _clockSkew, now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!IsCallerCancellation(e, cancellationToken))
        {
            Log.StoreFailed(_logger, e, "redeem");
            return VerificationError.Unavailable(VerificationErrorReasons.StoreUnavailable, "The code store is unavailable; try again later.");
        }

        if (!first)
        {
            Log.TokenRefused(_logger, TokenKind.VerificationToken, VerificationErrorReasons.Used);
            return VerificationError.InvalidToken(VerificationErrorReasons.Used, "The verification token was already redeemed.");
        }

        Log.TokenRedeemed(_logger, new MaskedContact(channel, contact));
        return new VerifiedContact(channel, contact, usage);
    }

    private VerificationError? CheckSendInput(VerificationRequest? request, VerificationContext? context)
    {
        if (request is null)
        {
            return VerificationError.InvalidArgument("phone_number", VerificationErrorReasons.Missing, "The request is missing.");
        }

        if (!Enum.IsDefined(request.Target))
        {
            return VerificationError.InvalidArgument("target", VerificationErrorReasons.UnknownValue, "target must be ANY, USER or NOT_USER.");
        }

        if (request.Usage is { } usage && !Enum.IsDefined(usage))
        {
            return VerificationError.InvalidArgument("usage", VerificationErrorReasons.UnknownValue, "usage must be REGISTER, SIGN_IN, PASSWORD_RESET, EMAIL_ADDRESS_CHANGE or PHONE_NUMBER_CHANGE.");
        }

        var phone = !string.IsNullOrWhiteSpace(request.PhoneNumber);
        var email = !string.IsNullOrWhiteSpace(request.Email);
        if (phone == email)
        {
            return VerificationError.InvalidArgument(
                phone ? "email" : "phone_number",
                VerificationErrorReasons.ExactlyOneContact,
                "Give exactly one of phone_number and email.");
        }

        if (request.CaptchaToken is { } captcha && (captcha.Length > MaxCaptchaTokenLength || ContactParser.HasControlCharacters(captcha)))
        {
            return VerificationError.InvalidArgument("captcha_token", captcha.Length > MaxCaptchaTokenLength ? VerificationErrorReasons.TooLong : VerificationErrorReasons.ControlCharacters, "The captcha token is not valid.");
        }

        return CheckContextField(context?.DeviceId, "device_id") ?? CheckContextField(context?.IdempotencyKey, "idempotency_key");
    }

    private static VerificationError? CheckContextField(string? value, string field)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length > MaxContextFieldLength)
        {
            return VerificationError.InvalidArgument(field, VerificationErrorReasons.TooLong, $"{field} is longer than {MaxContextFieldLength} characters.");
        }

        return ContactParser.HasControlCharacters(value)
            ? VerificationError.InvalidArgument(field, VerificationErrorReasons.ControlCharacters, $"{field} contains control characters.")
            : null;
    }

    private static VerificationError? CheckToken(string? token, string field)
    {
        if (string.IsNullOrEmpty(token))
        {
            return VerificationError.InvalidArgument(field, VerificationErrorReasons.Missing, $"{field} is required.");
        }

        return token.Length > TokenService.MaxTokenLength
            ? VerificationError.InvalidArgument(field, VerificationErrorReasons.TooLong, $"{field} is longer than {TokenService.MaxTokenLength} characters.")
            : null;
    }

    /// <summary>Accepts 4–10 decimal digits in any script (full-width too), with surrounding spaces; yields ASCII digits.</summary>
    private static bool TryNormalizeCode(string? input, out string code, out VerificationError? error)
    {
        code = string.Empty;
        const string field = "verification_code";
        if (string.IsNullOrWhiteSpace(input))
        {
            error = VerificationError.InvalidArgument(field, VerificationErrorReasons.Missing, "verification_code is required.");
            return false;
        }

        if (input.Length > MaxCodeInputLength)
        {
            error = VerificationError.InvalidArgument(field, VerificationErrorReasons.TooLong, "verification_code is too long.");
            return false;
        }

        var trimmed = input.AsSpan().Trim();
        Span<char> digits = stackalloc char[MaxCodeInputLength];
        var count = 0;
        foreach (var c in trimmed)
        {
            var value = CharUnicodeInfo.GetDecimalDigitValue(c);
            if (value < 0 || CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.DecimalDigitNumber)
            {
                error = VerificationError.InvalidArgument(field, VerificationErrorReasons.Malformed, "verification_code must be the digits that were sent.");
                return false;
            }

            digits[count++] = (char)('0' + value);
        }

        if (count is < 4 or > 10)
        {
            error = VerificationError.InvalidArgument(field, VerificationErrorReasons.Malformed, "verification_code must be 4 to 10 digits.");
            return false;
        }

        code = new string(digits[..count]);
        error = null;
        return true;
    }

    private async ValueTask<VerificationError?> CheckCaptchaAsync(string token, VerificationContext? context, CancellationToken cancellationToken)
    {
        CaptchaValidationResult result;
        try
        {
            result = await _captchaValidator!.ValidateAsync(token, context, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!IsCallerCancellation(e, cancellationToken))
        {
            Log.CaptchaValidatorFailed(_logger, e);
            result = new CaptchaValidationResult(CaptchaValidationStatus.Unavailable, VerificationErrorReasons.CaptchaUnavailable);
        }

        _metrics.Captcha("validation", result.Status switch
        {
            CaptchaValidationStatus.Valid => "valid",
            CaptchaValidationStatus.Unavailable => "unavailable",
            _ => "invalid",
        });
        switch (result.Status)
        {
            case CaptchaValidationStatus.Valid:
                return null;
            case CaptchaValidationStatus.Unavailable:
                Log.CaptchaRefused(_logger, result.Status, result.Reason);
                return VerificationError.Unavailable(VerificationErrorReasons.CaptchaUnavailable, "The captcha service is unavailable; try again later.");
            default:
                Log.CaptchaRefused(_logger, result.Status, result.Reason);
                return new VerificationError(VerificationErrorCodes.CaptchaInvalid, "The captcha token is forged, expired or already used.") { Reason = result.Reason };
        }
    }

    /// <summary>Tries the channel's senders in order; on final failure releases the record and refunds its charges.</summary>
    private async ValueTask<VerificationError?> DeliverAsync(VerificationMessage message, MaskedContact masked, CodeRecord record, RateCharge[] charges, CancellationToken cancellationToken)
    {
        var invalidRecipient = false;
        var count = message.Channel == VerificationChannel.Sms ? _smsSenders.Length : _emailSenders.Length;
        try
        {
            for (var i = 0; i < count; i++)
            {
                string name;
                try
                {
                    if (message.Channel == VerificationChannel.Sms)
                    {
                        var sender = _smsSenders[i];
                        name = sender.Name;
                        await _smsPipelines[i].ExecuteAsync(static (state, ct) => state.self.AttemptAsync(state.sender, null, state.message, state.provider, state.caller, ct), (self: this, sender, message, provider: _smsProviders[i], caller: cancellationToken), cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        var sender = _emailSenders[i];
                        name = sender.Name;
                        await _emailPipelines[i].ExecuteAsync(static (state, ct) => state.self.AttemptAsync(null, state.sender, state.message, state.provider, state.caller, ct), (self: this, sender, message, provider: _emailProviders[i], caller: cancellationToken), cancellationToken).ConfigureAwait(false);
                    }

                    Log.CodeSent(_logger, message.Channel, masked, name, record.Id);
                    return null;
                }
                catch (Exception e) when (!IsCallerCancellation(e, cancellationToken))
                {
                    var kind = (e as DeliveryException)?.Kind ?? DeliveryFailureKind.Unknown;
                    if (e is Polly.CircuitBreaker.BrokenCircuitException && _metrics.DeliveriesObserved)
                    {
                        // An open circuit refuses before any attempt: counted, with no duration.
                        _metrics.Delivery(message.Channel == VerificationChannel.Sms ? _smsProviders[i] : _emailProviders[i], message.Channel, "circuit_open", 0);
                    }

                    Log.DeliveryFailed(_logger, e, SenderName(message.Channel, i), message.Channel, masked, kind);
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
            await ReleaseAsync(record, charges).ConfigureAwait(false);
            throw;
        }

        Log.DeliveryExhausted(_logger, message.Channel, masked);
        await ReleaseAsync(record, charges).ConfigureAwait(false);
        if (invalidRecipient)
        {
            return message.Channel == VerificationChannel.Sms
                ? VerificationError.InvalidPhoneNumber(VerificationErrorReasons.Malformed, "The SMS provider refused this phone number.")
                : VerificationError.InvalidArgument("email", VerificationErrorReasons.Malformed, "The email provider refused this address.");
        }

        return VerificationError.Unavailable(VerificationErrorReasons.DeliveryFailed, "The message could not be delivered; nothing was charged. Try again later.");
    }

    /// <summary>
    /// The resilience of one sender, outermost first: a total timeout (not retried: the message may have gone out;
    /// the caller fails over), retries with jittered exponential backoff only for
    /// <see cref="DeliveryFailureKind.NotProcessed"/>, and a circuit breaker that opens on failures other than
    /// permanent refusals. An open circuit throws at once, which fails over to the next sender.
    /// </summary>
    private static ResiliencePipeline DeliveryPipeline(DeliveryOptions options, TimeProvider timeProvider)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider }.AddTimeout(options.Timeout);
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new Polly.Retry.RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<DeliveryException>(e => e.Kind == DeliveryFailureKind.NotProcessed),
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            });
        }

        return builder
            .AddCircuitBreaker(new Polly.CircuitBreaker.CircuitBreakerStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e =>
                    e is not OperationCanceledException
                    && e is not DeliveryException { Kind: DeliveryFailureKind.Permanent or DeliveryFailureKind.InvalidRecipient }),
                FailureRatio = options.CircuitBreaker.FailureRatio,
                MinimumThroughput = options.CircuitBreaker.MinimumThroughput,
                SamplingDuration = options.CircuitBreaker.SamplingDuration,
                BreakDuration = options.CircuitBreaker.BreakDuration,
            })
            .Build();
    }

    /// <summary>One delivery attempt (each retry is one): unobserved, just the bounded call; observed, inside a <c>verification.deliver</c> span and timed.</summary>
    private ValueTask AttemptAsync(ISmsSender? sms, IEmailSender? email, VerificationMessage message, string provider, CancellationToken caller, CancellationToken cancellationToken) =>
        VerificationTelemetry.Source.HasListeners() || _metrics.DeliveriesObserved
            ? ObservedAttemptAsync(sms, email, message, provider, caller, cancellationToken)
            : Bounded(sms is not null ? sms.SendAsync(message, cancellationToken) : email!.SendAsync(message, cancellationToken), cancellationToken);

    private async ValueTask ObservedAttemptAsync(ISmsSender? sms, IEmailSender? email, VerificationMessage message, string provider, CancellationToken caller, CancellationToken cancellationToken)
    {
        using var activity = VerificationTelemetry.Source.StartActivity("verification.deliver");
        activity?.SetTag("verification.provider", provider);
        activity?.SetTag("verification.channel", VerificationMetrics.ChannelTag(message.Channel));
        var started = Stopwatch.GetTimestamp();
        try
        {
            await Bounded(sms is not null ? sms.SendAsync(message, cancellationToken) : email!.SendAsync(message, cancellationToken), cancellationToken).ConfigureAwait(false);
            _metrics.Delivery(provider, message.Channel, "delivered", started);
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
            _metrics.Delivery(provider, message.Channel, outcome, started);
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

    private async ValueTask ReleaseAsync(CodeRecord record, RateCharge[] charges)
    {
        try
        {
            await _store.ReleaseAsync(record, charges, _timeProvider.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Log.ReleaseFailed(_logger, e, record.Id);
        }
    }

    private string SenderName(VerificationChannel channel, int index) =>
        channel == VerificationChannel.Sms ? _smsSenders[index].Name : _emailSenders[index].Name;

    /// <summary>
    /// The charges of one send. Hard limits come longest-lived first, so the refusal reported is the one that lasts;
    /// soft limits follow (the store reports hard refusals before soft ones anyway).
    /// </summary>
    private RateCharge[] SendCharges(ParsedContact contact, VerificationContext? context)
    {
        var key = contact.Key;
        var charges = new List<RateCharge>(10)
        {
            FailureCharge(key, amount: 0),
            new("daily:" + key, _dailyLimit, TimeSpan.FromDays(1), 1, RateLimitKind.Hard, VerificationErrorReasons.DailyLimit),
        };
        var sms = contact.Channel == VerificationChannel.Sms;
        if (sms && _throttling.GlobalSmsPerDay > 0)
        {
            charges.Add(new("global-sms-day", _throttling.GlobalSmsPerDay, TimeSpan.FromDays(1), 1, RateLimitKind.Hard, VerificationErrorReasons.GlobalBudget));
        }

        if (sms && _throttling.GlobalSmsPerHour > 0)
        {
            charges.Add(new("global-sms-hour", _throttling.GlobalSmsPerHour, TimeSpan.FromHours(1), 1, RateLimitKind.Hard, VerificationErrorReasons.GlobalBudget));
        }

        if (_resendCooldown > TimeSpan.Zero)
        {
            charges.Add(new("cooldown:" + key, 1, _resendCooldown, 1, RateLimitKind.Hard, VerificationErrorReasons.ResendCooldown));
        }

        if (_alwaysRequireCaptcha)
        {
            // A window that is always full: without a valid captcha token every send is refused.
            charges.Add(new("always", 0, TimeSpan.FromMinutes(1), 0, RateLimitKind.Soft, VerificationErrorReasons.Always));
        }

        if (context?.ClientIp is { } ip)
        {
            AddSoft(charges, "ip:" + ClientKeys.IpBucket(ip), _throttling.PerIp, VerificationErrorReasons.IpLimit);
        }

        if (context?.DeviceId is { Length: > 0 } device)
        {
            AddSoft(charges, "device:" + device, _throttling.PerDevice, VerificationErrorReasons.DeviceLimit);
        }

        if (sms && key.Length > 8)
        {
            AddSoft(charges, "prefix:" + key[..^4], _throttling.PerNumberPrefix, VerificationErrorReasons.PrefixVelocity);
        }

        AddSoft(charges, "burst:" + key, _throttling.ContactBurst, VerificationErrorReasons.ContactBurst);
        return [.. charges];

        static void AddSoft(List<RateCharge> charges, string key, RateWindow window, string reason)
        {
            if (window.Limit > 0)
            {
                charges.Add(new(key, window.Limit, window.Window, 1, RateLimitKind.Soft, reason));
            }
        }
    }

    private RateCharge FailureCharge(string contactKey, long amount) =>
        new("failures:" + contactKey, _failureBudget, _failureWindow, amount, RateLimitKind.Hard, VerificationErrorReasons.FailureBudget);

    private static string DescribeLimit(string? reason) => reason switch
    {
        VerificationErrorReasons.DailyLimit => "Too many codes were sent to this contact today; try again later.",
        VerificationErrorReasons.GlobalBudget => "The service's SMS budget is spent for now; try again later.",
        VerificationErrorReasons.FailureBudget => "Too many wrong codes for this contact; try again later.",
        _ => "A code was sent to this contact moments ago; wait before asking again.",
    };

    private VerificationError Refused(MaskedContact contact, VerificationError error)
    {
        Log.SendRefused(_logger, contact, error.Code, error.Reason);
        _metrics.Refused(error.Code, error.Reason);
        return error;
    }

    private static bool TryReadUsage(Microsoft.IdentityModel.JsonWebTokens.JsonWebToken jwt, out VerificationUsage? usage)
    {
        usage = null;
        if (!jwt.TryGetPayloadValue<string>("u", out var value))
        {
            return true;
        }

        if (WireNames.TryParseUsage(value, out var parsed))
        {
            usage = parsed;
            return true;
        }

        return false;
    }

    private static VerificationChannel ChannelOf(string contact) =>
        contact.Contains('@', StringComparison.Ordinal) ? VerificationChannel.Email : VerificationChannel.Sms;

    private static bool IsCallerCancellation(Exception e, CancellationToken cancellationToken) =>
        e is OperationCanceledException && cancellationToken.IsCancellationRequested;
}
