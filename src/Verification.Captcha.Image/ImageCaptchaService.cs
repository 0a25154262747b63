using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Verification.Captcha.Image;

/// <summary>
/// The built-in image captcha. A challenge is a random key of <c>Captcha:KeyLength</c> characters from
/// <see cref="ImageCaptchaAlphabet"/>, drawn by the registered <see cref="ICaptchaImageRenderer"/> and stored only as
/// a keyed hash with a time to live in the <see cref="ICodeStore"/>, like a code. Answers are case-insensitive; a
/// wrong answer does not burn the challenge, the last of <c>Captcha:MaxTries</c> does. A solved challenge yields a
/// signed captcha token (its own <c>typ</c>) that this class, as the <see cref="ICaptchaValidator"/>, accepts once.
/// A send does not use the token up when it checks it (<see cref="ISaveBoundCaptchaValidator"/>): the token's used
/// mark, a counter of limit 1, is taken by the save of the send's record, so a send refused before its save leaves
/// the solved captcha usable.
/// </summary>
public sealed class ImageCaptchaService : ISaveBoundCaptchaValidator, IImageCaptcha
{
    /// <summary>The prefix of the counters that mark captcha tokens used.</summary>
    internal const string UsedMarkPrefix = "captcha-used:";

    private const int MaxKeyInputLength = 32;

    private readonly ICaptchaImageRenderer _renderer;
    private readonly IRateCounterStore _counters;
    private readonly StoreGuard _guard;
    private readonly TimeSpan _clockSkew;
    private readonly TimeProvider _timeProvider;
    private readonly OneTimeSecrets _secrets;
    private readonly CaptchaOptions _options;
    private readonly VerificationMetrics _metrics;

    /// <summary>Creates the service.</summary>
    /// <param name="options">The settings (<c>Verification:Captcha</c> and the token keys); validated here.</param>
    /// <param name="store">Where challenges and used tokens are kept.</param>
    /// <param name="renderer">Draws the pictures (Verification.Captcha.Image has one).</param>
    /// <param name="timeProvider">The clock; the system clock when null.</param>
    /// <param name="logger">The logger; none when null.</param>
    /// <param name="meterFactory">Creates the <c>Verification</c> meter; a standalone meter when null.</param>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public ImageCaptchaService(
        IOptions<VerificationOptions> options,
        ICodeStore store,
        ICaptchaImageRenderer renderer,
        TimeProvider? timeProvider = null,
        ILogger<ImageCaptchaService>? logger = null,
        IMeterFactory? meterFactory = null)
        : this(options, store, renderer, timeProvider, logger, null, meterFactory)
    {
    }

    /// <summary>Creates the service with the host's shared keys and meter (<paramref name="runtime"/>).</summary>
    internal ImageCaptchaService(
        IOptions<VerificationOptions> options,
        ICodeStore store,
        ICaptchaImageRenderer renderer,
        TimeProvider? timeProvider,
        ILogger<ImageCaptchaService>? logger,
        EngineRuntime? runtime,
        IMeterFactory? meterFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(renderer);
        var settings = options.Value;
        VerificationOptionsValidator.ThrowIfInvalid(settings);
        runtime ??= new EngineRuntime(settings, meterFactory);

        _renderer = renderer;
        _timeProvider = timeProvider ?? TimeProvider.System;
        var guard = new StoreGuard(logger ?? (ILogger)NullLogger.Instance);
        _options = settings.Captcha;
        _secrets = new OneTimeSecrets(runtime.Keys.Tokens, runtime.Keys.Hasher, store, guard, _timeProvider);
        _counters = store;
        _guard = guard;
        _clockSkew = settings.Tokens.ClockSkew;
        _metrics = runtime.Metrics;
    }

    /// <inheritdoc />
    public ValueTask<VerificationResult<CaptchaChallenge>> CreateChallengeAsync(VerificationContext? context = null, CancellationToken cancellationToken = default) =>
        OperationTelemetry.RunAsync(
            span: null,
            _metrics.CaptchaObserved || _metrics.ThrottlesObserved,
            (self: this, context, cancellationToken),
            static (s, _) => s.self.CreateCoreAsync(s.context, s.cancellationToken),
            static (s, _, result) => s.self._metrics.ImageCaptcha("issued", result.Error));

    /// <summary>Issue: a new key, its pending record (charged to the client's IP), the picture and the signed challenge.</summary>
    private async ValueTask<VerificationResult<CaptchaChallenge>> CreateCoreAsync(VerificationContext? context, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var key = RandomNumberGenerator.GetString(ImageCaptchaAlphabet.Characters, _options.KeyLength);
        var expiresAt = now + _options.ChallengeLifetime;
        var secret = _secrets.IssueOwned(key, "captcha:", expiresAt);
        RateCharge[] charges = context?.ClientIp is { } ip && _options.ChallengesPerIpPerHour > 0
            ? [new RateCharge("captcha-ip:" + ClientKeys.IpBucket(ip), _options.ChallengesPerIpPerHour, TimeSpan.FromHours(1), 1, RateLimitKind.Hard, VerificationErrorReasons.CaptchaLimit)]
            : [];

        var saved = await _secrets.SaveAsync(secret, charges, waiveSoftLimits: false, now, "captcha challenge", StoreGuard.TryLater, cancellationToken).ConfigureAwait(false);
        if (saved.Failed)
        {
            return saved.Error!;
        }

        if (saved.Value.Status != SaveStatus.Saved)
        {
            return VerificationError.RateLimited(VerificationErrorReasons.CaptchaLimit, saved.Value.RetryAfter, "Too many captcha challenges from this client; try again later.");
        }

        var png = _renderer.RenderPng(key);
        var token = _secrets.Sign(new CaptchaChallengeClaims(secret.Id, secret.Nonce, expiresAt));
        return new CaptchaChallenge("data:image/png;base64," + Convert.ToBase64String(png), "image", token, (int)_options.ChallengeLifetime.TotalSeconds);
    }

    /// <inheritdoc />
    public ValueTask<VerificationResult<CaptchaSolution>> VerifyChallengeAsync(string? challengeToken, string? key, CancellationToken cancellationToken = default) =>
        OperationTelemetry.RunAsync(
            span: null,
            _metrics.CaptchaObserved,
            (self: this, challengeToken, key, cancellationToken),
            static (s, _) => s.self.VerifyCoreAsync(s.challengeToken, s.key, s.cancellationToken),
            static (s, _, result) => s.self._metrics.ImageCaptcha("solved", result.Error));

    /// <summary>Check: the challenge token → its claims → one attempt at the answer → the outcome.</summary>
    private async ValueTask<VerificationResult<CaptchaSolution>> VerifyCoreAsync(string? challengeToken, string? key, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(challengeToken) || challengeToken.Length > TokenService.MaxTokenLength)
        {
            return new VerificationError(VerificationErrorCodes.InvalidArgument, "token must be the challenge token of /captcha/data.")
            { Field = "token", Reason = string.IsNullOrEmpty(challengeToken) ? VerificationErrorReasons.Missing : VerificationErrorReasons.TooLong };
        }

        var answer = key?.Trim();
        if (string.IsNullOrEmpty(answer) || answer.Length > MaxKeyInputLength)
        {
            return new VerificationError(VerificationErrorCodes.InvalidArgument, "key must be the characters read from the picture.")
            { Field = "key", Reason = string.IsNullOrEmpty(answer) ? VerificationErrorReasons.Missing : VerificationErrorReasons.TooLong };
        }

        var now = _timeProvider.GetUtcNow();
        var read = await _secrets.ReadAsync<CaptchaChallengeClaims>(challengeToken, now).ConfigureAwait(false);
        if (read.Status == ClaimsStatus.Expired)
        {
            return Expired();
        }

        if (read.Claims is not { } claims)
        {
            return new VerificationError(VerificationErrorCodes.InvalidCaptcha, "The captcha challenge is not valid; ask for a new one.") { Reason = VerificationErrorReasons.Unknown };
        }

        // Case-insensitive: hash the upper-case answer; anything outside the alphabet simply does not match.
        var tries = new RateCharge("captcha-tries:" + claims.ChallengeId.ToString("N"), int.MaxValue, _options.ChallengeLifetime, 1, RateLimitKind.Hard);
        var attempt = await _secrets.AttemptAsync(claims.ChallengeId, claims.Nonce, answer.ToUpperInvariant(), _options.MaxTries, tries, now, "captcha verify", cancellationToken).ConfigureAwait(false);
        if (attempt.Failed)
        {
            return attempt.Error!;
        }

        var outcome = attempt.Value;
        switch (outcome.Status)
        {
            case AttemptStatus.Verified:
                var expiresAt = now + _options.TokenLifetime;
                return new CaptchaSolution(_secrets.Sign(new CaptchaTokenClaims(Guid.NewGuid().ToString("N"), expiresAt)), (int)_options.TokenLifetime.TotalSeconds);
            case AttemptStatus.Mismatch:
                return new VerificationError(VerificationErrorCodes.InvalidCaptcha, "The characters do not match the picture.")
                { Reason = VerificationErrorReasons.Wrong, AttemptsRemaining = outcome.AttemptsRemaining };
            case AttemptStatus.Exhausted:
                return new VerificationError(VerificationErrorCodes.InvalidCaptcha, "The characters do not match the picture; ask for a new one.")
                { Reason = VerificationErrorReasons.Exhausted, AttemptsRemaining = 0 };
            case AttemptStatus.Used:
            case AttemptStatus.Burned:
                return new VerificationError(VerificationErrorCodes.CaptchaUsed, "This captcha was already solved or used up; ask for a new one.")
                { Reason = outcome.Status == AttemptStatus.Used ? VerificationErrorReasons.Used : VerificationErrorReasons.Exhausted };
            default:
                return Expired();
        }
    }

    /// <summary>Checks the token and uses it up, once (for callers other than a send, which leaves the use to its save).</summary>
    /// <inheritdoc />
    public async ValueTask<CaptchaValidationResult> ValidateAsync(string captchaToken, VerificationContext? context, CancellationToken cancellationToken = default)
    {
        var (result, usedMark) = await CheckAsync(captchaToken, context, cancellationToken).ConfigureAwait(false);
        if (usedMark is not { } mark)
        {
            return result;
        }

        // Charge the mark, then read it: only the charge that made it 1 wins, also under concurrency (a race of two
        // may refuse both, never accept both).
        var now = _timeProvider.GetUtcNow();
        var used = await _guard.RunAsync(
            "captcha token",
            (counters: _counters, mark, now),
            static async (s, ct) =>
            {
                await s.counters.ChargeAsync([s.mark], s.now, ct).ConfigureAwait(false);
                return (await s.counters.ReadCountersAsync([s.mark], s.now, ct).ConfigureAwait(false))[0].Count;
            },
            StoreGuard.TryLater,
            cancellationToken).ConfigureAwait(false);
        return used.Failed ? new(CaptchaValidationStatus.Unavailable, VerificationErrorReasons.StoreUnavailable)
            : used.Value == 1 ? result
            : new(CaptchaValidationStatus.Invalid, VerificationErrorReasons.Used);
    }

    /// <inheritdoc />
    public async ValueTask<CaptchaCheck> CheckAsync(string captchaToken, VerificationContext? context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(captchaToken);
        var now = _timeProvider.GetUtcNow();
        var read = await _secrets.ReadAsync<CaptchaTokenClaims>(captchaToken, now).ConfigureAwait(false);
        if (read.Claims is not { } claims)
        {
            return new(new(CaptchaValidationStatus.Invalid, read.Status == ClaimsStatus.Expired ? VerificationErrorReasons.Expired : VerificationErrorReasons.Unknown));
        }

        // The mark lasts while any instance would still accept the token (its expiry plus the clock skew).
        var window = claims.ExpiresAt + _clockSkew - now;
        var mark = new RateCharge(UsedMarkPrefix + claims.TokenId, 1, window > TimeSpan.Zero ? window : TimeSpan.FromSeconds(1), 1, RateLimitKind.Hard, VerificationErrorReasons.Used);
        var counted = await _guard.RunAsync(
            "captcha token",
            (counters: _counters, mark, now),
            static async (s, ct) => (await s.counters.ReadCountersAsync([s.mark], s.now, ct).ConfigureAwait(false))[0].Count,
            StoreGuard.TryLater,
            cancellationToken).ConfigureAwait(false);
        return counted.Failed ? new(new(CaptchaValidationStatus.Unavailable, VerificationErrorReasons.StoreUnavailable))
            : counted.Value > 0 ? new(new(CaptchaValidationStatus.Invalid, VerificationErrorReasons.Used))
            : new(new(CaptchaValidationStatus.Valid), mark);
    }

    private static VerificationError Expired() =>
        new(VerificationErrorCodes.CaptchaExpired, "The captcha expired; ask for a new one.") { Reason = VerificationErrorReasons.Expired };
}
