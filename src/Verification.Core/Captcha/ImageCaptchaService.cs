using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Verification;

/// <summary>A new image-captcha challenge: the 200 body of <c>POST /auth/v1/captcha/data</c>.</summary>
/// <param name="Data">The picture as a data URL, <c>data:image/png;base64,…</c>.</param>
/// <param name="Type">Always <c>"image"</c>.</param>
/// <param name="Token">The challenge token to send back with the key.</param>
/// <param name="ExpiresIn">Seconds until the challenge expires.</param>
public sealed record CaptchaChallenge(
    [property: JsonPropertyName("data")] string Data,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("expires_in")] int ExpiresIn)
{
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Type = ").Append(Type).Append(", Token = ***, ExpiresIn = ").Append(ExpiresIn);
        return true;
    }
}

/// <summary>A solved challenge: the 200 body of <c>POST /auth/v1/captcha/data/verify</c>.</summary>
/// <param name="CaptchaToken">A single-use token for the <c>x-captcha-token</c> header of the next send.</param>
/// <param name="ExpiresIn">Seconds until the captcha token expires.</param>
public sealed record CaptchaSolution(
    [property: JsonPropertyName("captcha_token")] string CaptchaToken,
    [property: JsonPropertyName("expires_in")] int ExpiresIn)
{
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("CaptchaToken = ***, ExpiresIn = ").Append(ExpiresIn);
        return true;
    }
}

/// <summary>
/// The built-in image captcha. A challenge is a random key of <c>Captcha:KeyLength</c> characters from
/// <see cref="ImageCaptchaAlphabet"/>, drawn by the registered <see cref="ICaptchaImageRenderer"/> and stored only as
/// a keyed hash with a time to live in the <see cref="ICodeStore"/>, like a code. Answers are case-insensitive; a
/// wrong answer does not burn the challenge, the last of <c>Captcha:MaxTries</c> does. A solved challenge yields a
/// signed captcha token (its own <c>typ</c>) that this class, as the <see cref="ICaptchaValidator"/>, accepts once.
/// </summary>
public sealed class ImageCaptchaService : ICaptchaValidator
{
    private const int MaxKeyInputLength = 32;

    private readonly ICodeStore _store;
    private readonly ICaptchaImageRenderer _renderer;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly TokenService _tokens;
    private readonly CodeHasher _hasher;
    private readonly CaptchaOptions _options;
    private readonly TimeSpan _clockSkew;
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
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(renderer);
        var settings = options.Value;
        VerificationOptionsValidator.ThrowIfInvalid(settings);

        _store = store;
        _renderer = renderer;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _options = settings.Captcha;
        _clockSkew = settings.Tokens.ClockSkew;

        var keys = KeyMaterial.Load(settings);
        _tokens = keys.Tokens;
        _hasher = keys.Hasher;
        _metrics = new VerificationMetrics(meterFactory);
    }

    /// <summary>Makes a challenge: draws a new key, stores its hash, and returns the picture and the challenge token.</summary>
    /// <param name="context">The caller's IP bounds how many challenges one client may ask for (<c>Captcha:ChallengesPerIpPerHour</c>).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public ValueTask<VerificationResult<CaptchaChallenge>> CreateChallengeAsync(VerificationContext? context = null, CancellationToken cancellationToken = default) =>
        _metrics.CaptchaObserved || _metrics.ThrottlesObserved ? ObservedCreateAsync(context, cancellationToken) : CreateCoreAsync(context, cancellationToken);

    private async ValueTask<VerificationResult<CaptchaChallenge>> ObservedCreateAsync(VerificationContext? context, CancellationToken cancellationToken)
    {
        var result = await CreateCoreAsync(context, cancellationToken).ConfigureAwait(false);
        _metrics.ImageCaptcha("issued", result.Error);
        return result;
    }

    private async ValueTask<VerificationResult<CaptchaChallenge>> CreateCoreAsync(VerificationContext? context, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var key = RandomNumberGenerator.GetString(ImageCaptchaAlphabet.Characters, _options.KeyLength);
        var id = Guid.NewGuid();
        var nonce = CodeHasher.NewNonce();
        var expiresAt = now + _options.ChallengeLifetime;
        var record = new CodeRecord { Id = id, ContactKey = "captcha:" + id.ToString("N"), CodeHash = _hasher.Hash(id, nonce, key), ExpiresAt = expiresAt };
        RateCharge[] charges = context?.ClientIp is { } ip && _options.ChallengesPerIpPerHour > 0
            ? [new RateCharge("captcha-ip:" + ClientKeys.IpBucket(ip), _options.ChallengesPerIpPerHour, TimeSpan.FromHours(1), 1, RateLimitKind.Hard, VerificationErrorReasons.CaptchaLimit)]
            : [];

        SaveOutcome saved;
        try
        {
            saved = await _store.SaveAsync(record, charges, waiveSoftLimits: false, now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.StoreFailed(_logger, e, "captcha challenge");
            return VerificationError.Unavailable(VerificationErrorReasons.StoreUnavailable, "The code store is unavailable; try again later.");
        }

        if (saved.Status != SaveStatus.Saved)
        {
            return VerificationError.RateLimited(VerificationErrorReasons.CaptchaLimit, saved.RetryAfter, "Too many captcha challenges from this client; try again later.");
        }

        var png = _renderer.RenderPng(key);
        var token = _tokens.CreateCaptchaChallenge(id, nonce, expiresAt);
        return new CaptchaChallenge("data:image/png;base64," + Convert.ToBase64String(png), "image", token, (int)_options.ChallengeLifetime.TotalSeconds);
    }

    /// <summary>Checks what the person read against a challenge; a match yields a single-use captcha token.</summary>
    /// <param name="challengeToken">The <c>token</c> of the challenge.</param>
    /// <param name="key">What the person read, any case.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The captcha token, or <c>invalid_captcha</c> / <c>captcha_expired</c> / <c>captcha_used</c>.</returns>
    public ValueTask<VerificationResult<CaptchaSolution>> VerifyChallengeAsync(string? challengeToken, string? key, CancellationToken cancellationToken = default) =>
        _metrics.CaptchaObserved ? ObservedVerifyAsync(challengeToken, key, cancellationToken) : VerifyCoreAsync(challengeToken, key, cancellationToken);

    private async ValueTask<VerificationResult<CaptchaSolution>> ObservedVerifyAsync(string? challengeToken, string? key, CancellationToken cancellationToken)
    {
        var result = await VerifyCoreAsync(challengeToken, key, cancellationToken).ConfigureAwait(false);
        _metrics.ImageCaptcha("solved", result.Error);
        return result;
    }

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
        var check = await _tokens.CheckAsync(challengeToken, TokenKind.CaptchaChallenge, now).ConfigureAwait(false);
        if (check.Status == TokenCheckStatus.Expired)
        {
            return Expired();
        }

        var jwt = check.Token;
        if (check.Status != TokenCheckStatus.Valid || jwt is null
            || !jwt.TryGetPayloadValue<string>("kid", out var kid) || !Guid.TryParseExact(kid, "D", out var id)
            || !jwt.TryGetPayloadValue<string>("t", out var nonce) || string.IsNullOrEmpty(nonce))
        {
            return new VerificationError(VerificationErrorCodes.InvalidCaptcha, "The captcha challenge is not valid; ask for a new one.") { Reason = VerificationErrorReasons.Unknown };
        }

        // Case-insensitive: hash the upper-case answer; anything outside the alphabet simply does not match.
        var hash = _hasher.Hash(id, nonce, answer.ToUpperInvariant());
        var tries = new RateCharge("captcha-tries:" + id.ToString("N"), int.MaxValue, _options.ChallengeLifetime, 1, RateLimitKind.Hard);
        AttemptOutcome outcome;
        try
        {
            outcome = await _store.AttemptAsync(id, hash, _options.MaxTries, tries, now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.StoreFailed(_logger, e, "captcha verify");
            return VerificationError.Unavailable(VerificationErrorReasons.StoreUnavailable, "The code store is unavailable; try again later.");
        }

        switch (outcome.Status)
        {
            case AttemptStatus.Verified:
                var expiresAt = now + _options.TokenLifetime;
                return new CaptchaSolution(_tokens.CreateCaptchaToken(Guid.NewGuid().ToString("N"), expiresAt), (int)_options.TokenLifetime.TotalSeconds);
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

    /// <inheritdoc />
    public async ValueTask<CaptchaValidationResult> ValidateAsync(string captchaToken, VerificationContext? context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(captchaToken);
        var now = _timeProvider.GetUtcNow();
        var check = await _tokens.CheckAsync(captchaToken, TokenKind.CaptchaToken, now).ConfigureAwait(false);
        if (check.Status != TokenCheckStatus.Valid)
        {
            return new(CaptchaValidationStatus.Invalid, check.Status == TokenCheckStatus.Expired ? VerificationErrorReasons.Expired : VerificationErrorReasons.Unknown);
        }

        var jwt = check.Token!;
        if (!jwt.TryGetPayloadValue<string>("jti", out var tokenId) || string.IsNullOrEmpty(tokenId))
        {
            return new(CaptchaValidationStatus.Invalid, VerificationErrorReasons.Unknown);
        }

        try
        {
            var first = await _store.TryUseOnceAsync("captcha-used:" + tokenId, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) + _clockSkew, now, cancellationToken).ConfigureAwait(false);
            return first ? new(CaptchaValidationStatus.Valid) : new(CaptchaValidationStatus.Invalid, VerificationErrorReasons.Used);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.StoreFailed(_logger, e, "captcha token");
            return new(CaptchaValidationStatus.Unavailable, VerificationErrorReasons.StoreUnavailable);
        }
    }

    private static VerificationError Expired() =>
        new(VerificationErrorCodes.CaptchaExpired, "The captcha expired; ask for a new one.") { Reason = VerificationErrorReasons.Expired };
}
