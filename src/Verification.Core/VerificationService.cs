using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SendAnswer = Verification.VerificationResult<Verification.VerificationResponse>;

namespace Verification;

/// <summary>
/// The engine: <see cref="IVerificationService"/> over an <see cref="ICodeStore"/>, the senders, and the optional
/// user directory and captcha validator. Thread-safe; create one per application (a singleton).
/// </summary>
/// <remarks>
/// <para>Usable without a DI container:</para>
/// <code>
/// var service = new VerificationService(Options.Create(options), new InMemoryCodeStore(), [smsSender], [emailSenders]);
/// </code>
/// <para>
/// The constructor validates the options and loads the keys; it throws <see cref="OptionsValidationException"/>
/// with messages naming the setting to fix. A channel given no sender is disabled: its sends are refused with
/// <c>failed_precondition</c> / <c>channel_disabled</c>. (<c>Verification:PickupDirectory</c> is a registration
/// setting: <c>AddVerification()</c> adds the pickup-directory sender for channels that have none; this constructor
/// adds nothing.)
/// </para>
/// </remarks>
public sealed class VerificationService : IVerificationService
{
    private readonly SendSteps _send;
    private readonly ChargePlan _plan;
    private readonly ContactParser _parser;
    private readonly OneTimeSecrets _secrets;
    private readonly TokenGate _tokenGate;
    private readonly TokenRedemption _redemption;
    private readonly ContactCodeCheck _contactCheck;
    private readonly VerificationMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _maxAttempts;
    private readonly TimeSpan _tokenLifetime;

    /// <summary>Creates the service.</summary>
    /// <param name="options">The settings; validated here.</param>
    /// <param name="store">Where codes, counters, single-use marks and idempotency values live.</param>
    /// <param name="smsSenders">SMS senders, tried in order. Empty disables SMS.</param>
    /// <param name="emailSenders">Email senders, tried in order. Empty disables email.</param>
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
        : this(options, store, smsSenders, emailSenders, userDirectory, captchaValidator, messageRenderer, timeProvider, logger, null, meterFactory, null)
    {
    }

    /// <summary>Creates the service with the host's shared keys and meter (<paramref name="runtime"/>) and, in tests, chosen codes.</summary>
    internal VerificationService(
        IOptions<VerificationOptions> options,
        ICodeStore store,
        IEnumerable<ISmsSender> smsSenders,
        IEnumerable<IEmailSender> emailSenders,
        IUserDirectory? userDirectory,
        ICaptchaValidator? captchaValidator,
        IVerificationMessageRenderer? messageRenderer,
        TimeProvider? timeProvider,
        ILogger<VerificationService>? logger,
        EngineRuntime? runtime,
        IMeterFactory? meterFactory,
        CodeSource? codes)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(smsSenders);
        ArgumentNullException.ThrowIfNull(emailSenders);
        var settings = options.Value;
        VerificationOptionsValidator.ThrowIfInvalid(settings);
        runtime ??= new EngineRuntime(settings, meterFactory);
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        if (runtime.Keys.IsEphemeral)
        {
            Log.EphemeralKey(_logger, runtime.Keys.Algorithm);
        }

        ISmsSender[] sms = [.. smsSenders];
        IEmailSender[] email = [.. emailSenders];
        (codes ?? CodeSource.Random).EnsureAllowedWith(sms.Cast<object>().Concat(email));

        var guard = new StoreGuard(_logger);
        _metrics = runtime.Metrics;
        _maxAttempts = settings.Code.MaxAttempts;
        _tokenLifetime = settings.Tokens.VerificationTokenLifetime;
        _plan = new ChargePlan(settings.Throttling, settings.Captcha.AlwaysRequire);
        _parser = new ContactParser(settings.Phone, settings.Email);
        _secrets = new OneTimeSecrets(runtime.Keys.Tokens, runtime.Keys.Hasher, store, guard, _time);
        _send = new SendSteps(
            settings,
            _parser,
            _plan,
            new IdempotencyLedger(store, guard, _time, settings.Throttling.ResendCooldown),
            new AudienceGate(userDirectory, _logger),
            new CaptchaGate(captchaValidator, _metrics, _logger),
            _secrets,
            new SenderChain(VerificationChannel.Sms, SenderChain.Of(sms), settings.Delivery, _secrets, _metrics, _time, _logger),
            new SenderChain(VerificationChannel.Email, SenderChain.Of(email), settings.Delivery, _secrets, _metrics, _time, _logger),
            messageRenderer ?? new VerificationMessageRenderer(),
            codes ?? CodeSource.Random,
            _metrics,
            _time,
            _logger,
            new LimitGate(store, guard, _metrics, _time, _logger, settings.Throttling.GlobalCaptchaShare));
        _tokenGate = new TokenGate(runtime.Keys.Tokens, _logger);
        _redemption = new TokenRedemption(new SingleUseTokens(store, guard, settings.Tokens.ClockSkew), _logger, _parser);
        _contactCheck = new ContactCodeCheck(_parser, _plan, _secrets, _maxAttempts, _metrics, _time, _logger);
    }

    /// <inheritdoc />
    public ValueTask<SendAnswer> SendAsync(VerificationRequest request, VerificationContext? context = null, CancellationToken cancellationToken = default) =>
        OperationTelemetry.RunAsync(
            "verification.send",
            _metrics.SendsObserved,
            (self: this, send: new SendState(request, context), cancellationToken),
            static (s, activity) =>
            {
                activity?.SetTag("verification.channel", VerificationMetrics.ChannelTag(s.send.RequestedChannel));
                return s.self.SendCoreAsync(s.send, s.cancellationToken);
            },
            static (s, activity, result) =>
            {
                s.self._metrics.SendCompleted(s.send.RequestedChannel, result.Error);
                if (activity is not null)
                {
                    VerificationTelemetry.Complete(activity, "sent", result.Error);
                }
            });

    /// <summary>The steps of a send, in order. Each returns null to go on, or the answer; a send that does not go out withdraws its Idempotency-Key.</summary>
    private async ValueTask<SendAnswer> SendCoreAsync(SendState send, CancellationToken cancellationToken)
    {
        SendAnswer? answer;
        try
        {
            answer = SendSteps.Validate(send)
                ?? _send.ParseContact(send)
                ?? _send.CheckChannel(send)
                ?? await _send.ReplayAsync(send, cancellationToken).ConfigureAwait(false)
                ?? await _send.CheckLimitsAsync(send, cancellationToken).ConfigureAwait(false)
                ?? await _send.CheckAudienceAsync(send, cancellationToken).ConfigureAwait(false)
                ?? await _send.CheckCaptchaAsync(send, cancellationToken).ConfigureAwait(false)
                ?? _send.IssueCode(send)
                ?? await _send.ReserveIdempotencyKeyAsync(send, cancellationToken).ConfigureAwait(false)
                ?? await _send.SaveWithChargesAsync(send, cancellationToken).ConfigureAwait(false)
                ?? _send.Sign(send)
                ?? _send.Render(send)
                ?? await _send.DeliverAsync(send, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await _send.WithdrawAsync(send).ConfigureAwait(false);
            throw;
        }

        if (answer is null)
        {
            return _send.Sent(send);
        }

        if (!answer.Succeeded)
        {
            await _send.WithdrawAsync(send).ConfigureAwait(false);
        }

        return answer;
    }

    /// <inheritdoc />
    public ValueTask<VerificationResult<VerifyResponse>> VerifyAsync(VerifyRequest request, VerificationContext? context = null, CancellationToken cancellationToken = default) =>
        OperationTelemetry.RunAsync(
            "verification.verify",
            counted: false, // the verify counts its own outcomes
            (self: this, request, cancellationToken),
            static (s, activity) => s.self.VerifyCoreAsync(s.request, activity, s.cancellationToken),
            static (_, activity, result) =>
            {
                if (activity is not null)
                {
                    VerificationTelemetry.Complete(activity, "verified", result.Error);
                }
            });

    /// <summary>The steps of a verify: the input, the verification id's claims, one attempt at the code, the answer.</summary>
    private async ValueTask<VerificationResult<VerifyResponse>> VerifyCoreAsync(VerifyRequest request, Activity? activity, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            return VerificationError.InvalidArgument("verification_id", VerificationErrorReasons.Missing, "The request is missing.");
        }

        if (RequestRules.CheckToken(request.VerificationId, "verification_id") is { } idError)
        {
            return idError;
        }

        if (!RequestRules.TryNormalizeCode(request.VerificationCode, out var code, out var codeError))
        {
            return codeError!;
        }

        var now = _time.GetUtcNow();
        var read = await _tokenGate.CheckAsync<VerificationIdClaims>(request.VerificationId!, now).ConfigureAwait(false);
        if (read.Claims is not { } claims)
        {
            _metrics.Verified(null, null, read.Reason!);
            return read.Error!;
        }

        activity?.SetTag("verification.channel", VerificationMetrics.ChannelTag(claims.Channel));
        var budget = _plan.ForVerify(_parser.KeyOf(claims.Channel, claims.Contact));
        var attempt = await _secrets.AttemptAsync(claims.RecordId, claims.Nonce, code, _maxAttempts, budget, now, "verify", cancellationToken).ConfigureAwait(false);
        if (attempt.Failed)
        {
            _metrics.Verified(claims.Channel, claims.Contact, "unavailable");
            return attempt.Error!;
        }

        return Answer(claims, attempt.Value, now);
    }

    private VerificationResult<VerifyResponse> Answer(VerificationIdClaims claims, AttemptOutcome outcome, DateTimeOffset now)
    {
        var masked = new MaskedContact(claims.Channel, claims.Contact);
        if (AttemptAnswers.RefusalOf(outcome, claims.ExpiresAt, now) is { } failure)
        {
            if (outcome.Status == AttemptStatus.RateLimited)
            {
                _metrics.Throttled("verify", "hard", VerificationErrorReasons.FailureBudget);
            }

            Log.VerifyRefused(_logger, masked, failure.Reason!);
            _metrics.Verified(claims.Channel, claims.Contact, failure.Reason!);
            return failure;
        }

        Log.CodeVerified(_logger, claims.RecordId, masked);
        _metrics.Verified(claims.Channel, claims.Contact, "verified");
        _metrics.Signed("verification_token");
        var token = _secrets.Sign(new VerificationTokenClaims(Guid.NewGuid().ToString("N"), claims.Contact, claims.Usage, now + _tokenLifetime));
        return new VerifyResponse(token, (int)_tokenLifetime.TotalSeconds);
    }

    /// <inheritdoc />
    public ValueTask<VerificationResult<VerifiedContact>> RedeemVerificationTokenAsync(string verificationToken, VerificationUsage? expectedUsage = null, string? expectedContact = null, CancellationToken cancellationToken = default) =>
        OperationTelemetry.RunAsync(
            "verification.redeem",
            _metrics.RedemptionsObserved,
            (self: this, verificationToken, expected: (expectedUsage, expectedContact), cancellationToken),
            static (s, _) => s.self.RedeemCoreAsync(s.verificationToken, s.expected, consume: true, s.cancellationToken),
            static (s, activity, result) =>
            {
                s.self._metrics.Redeemed(result.Error);
                if (activity is not null)
                {
                    activity.SetTag("verification.channel", VerificationMetrics.ChannelTag(result.Value?.Channel));
                    VerificationTelemetry.Complete(activity, "redeemed", result.Error);
                }
            });

    /// <inheritdoc />
    public ValueTask<VerificationResult<VerifiedContact>> ValidateVerificationTokenAsync(string verificationToken, VerificationUsage? expectedUsage = null, string? expectedContact = null, CancellationToken cancellationToken = default) =>
        RedeemCoreAsync(verificationToken, (expectedUsage, expectedContact), consume: false, cancellationToken);

    /// <inheritdoc />
    public ValueTask<VerificationResult<VerifiedContact>> CheckCodeAsync(CodeCheckRequest request, CancellationToken cancellationToken = default) => _contactCheck.CheckAsync(request, cancellationToken);

    /// <summary>The steps of a redeem: the input, the verification token's claims, whether it fits the call, the single use (unless only validating).</summary>
    private async ValueTask<VerificationResult<VerifiedContact>> RedeemCoreAsync(string verificationToken, (VerificationUsage? Usage, string? Contact) expected, bool consume, CancellationToken cancellationToken)
    {
        if (RequestRules.CheckToken(verificationToken, "verification_token") is { } invalid)
        {
            return invalid;
        }

        var now = _time.GetUtcNow();
        var read = await _tokenGate.CheckAsync<VerificationTokenClaims>(verificationToken, now).ConfigureAwait(false);
        return read.Claims is { } claims ? await _redemption.RedeemAsync(claims, expected.Usage, expected.Contact, consume, now, cancellationToken).ConfigureAwait(false) : read.Error!;
    }
}
