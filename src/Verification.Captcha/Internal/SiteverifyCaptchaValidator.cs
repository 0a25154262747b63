using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Verification.Shared;

namespace Verification.Captcha;

/// <summary>
/// Checks a captcha token with the provider's siteverify endpoint: one form-encoded POST of <c>secret</c>,
/// <c>response</c> and <c>remoteip</c> through the <see cref="CaptchaProviderOptions.HttpClientName"/> client, then the
/// answer's <c>success</c>, <c>error-codes</c>, <c>hostname</c> and the provider's own fields.
/// </summary>
/// <remarks>
/// <para>Fails closed. Unavailable, never valid: a network error, no answer within <see cref="CaptchaProviderOptions.Timeout"/>,
/// a status other than 2xx (redirects are not followed), a body that is not JSON, malformed, without a boolean
/// <c>success</c> or over <see cref="MaxResponseBytes"/>; also <c>success: false</c> with an error code saying the
/// provider did not judge the token (<c>internal-error</c>, <c>missing-input-secret</c>, <c>invalid-input-secret</c>,
/// <c>sitekey-secret-mismatch</c>, <c>bad-request</c>…), since that is our configuration or the provider failing,
/// not the person.</para>
/// <para>Invalid: <c>success: false</c> (the reason is the first error code, such as <c>invalid-input-response</c> or
/// <c>timeout-or-duplicate</c>), a host name, action or score that fails the configured checks, a token over
/// <see cref="CaptchaProviderOptions.MaxTokenLength"/> characters or holding control characters (refused without a call), and
/// a token presented again after it was accepted once (<see cref="CaptchaValidationReasons.Duplicate"/>).</para>
/// <para>Single use on our side too: a valid token is marked used in the <see cref="ICodeStore"/> under
/// <c>captcha:</c> + hex(SHA-256(token)) for <see cref="UsedMarkLifetime"/> (longer than any provider keeps a token),
/// so a replay is refused even by a provider (or test secret) that would accept it again.</para>
/// </remarks>
internal abstract class SiteverifyCaptchaValidator : ICaptchaValidator
{
    /// <summary>The largest siteverify answer read; real answers are a few hundred bytes.</summary>
    internal const int MaxResponseBytes = BoundedHttpContent.MaxResponseBytes;

    /// <summary>The prefix of the single-use marks in the code store.</summary>
    internal const string UsedKeyPrefix = "captcha:";

    /// <summary>How long a used token is remembered: Turnstile tokens live 300 s, reCAPTCHA's 2 minutes.</summary>
    internal static readonly TimeSpan UsedMarkLifetime = TimeSpan.FromMinutes(5);

    /// <summary>Error codes that mean the provider did not judge the token: our secret or request is wrong, or the provider failed.</summary>
    private static readonly HashSet<string> NotJudgedCodes = new(StringComparer.Ordinal)
    {
        "internal-error", "missing-input-secret", "invalid-input-secret", "sitekey-secret-mismatch", "bad-request", "not-using-dummy-passcode",
    };

    private readonly SiteverifyClient _client;
    private readonly string? _expectedAction;
    private readonly string[] _expectedHostnames;
    private readonly ICodeStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    protected SiteverifyCaptchaValidator(
        CaptchaProvider provider,
        CaptchaProviderOptions options,
        IHttpClientFactory httpClientFactory,
        ICodeStore store,
        TimeProvider timeProvider,
        ILogger logger)
    {
        Provider = provider;
        _client = new SiteverifyClient(
            options.Endpoint ?? CaptchaProviderOptions.GetDefaultEndpoint(provider),
            options.Secret ?? throw new ArgumentException("The secret is missing.", nameof(options)),
            options.Timeout,
            httpClientFactory,
            timeProvider,
            AddFields);
        _expectedAction = options.ExpectedAction;
        _expectedHostnames = [.. options.ExpectedHostnames];
        _store = store;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>The provider asked.</summary>
    public CaptchaProvider Provider { get; }

    /// <summary>The siteverify URL posted to.</summary>
    public Uri Endpoint => _client.Endpoint;

    /// <summary>Creates the validator of the configured provider; throws <see cref="OptionsValidationException"/> when the options are invalid.</summary>
    internal static ICaptchaValidator Create(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<CaptchaProviderOptions>>().Value;
        var httpClientFactory = services.GetRequiredService<IHttpClientFactory>();
        var store = services.GetRequiredService<ICodeStore>();
        var timeProvider = services.GetService<TimeProvider>() ?? TimeProvider.System;
        var loggers = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        return options.Provider switch
        {
            CaptchaProvider.Turnstile => new TurnstileCaptchaValidator(options, httpClientFactory, store, timeProvider, loggers.CreateLogger<TurnstileCaptchaValidator>()),
            CaptchaProvider.HCaptcha => new HCaptchaValidator(options, httpClientFactory, store, timeProvider, loggers.CreateLogger<HCaptchaValidator>()),
            CaptchaProvider.ReCaptchaV2 or CaptchaProvider.ReCaptchaV3 =>
                new ReCaptchaValidator(options.Provider.Value, options, httpClientFactory, store, timeProvider, loggers.CreateLogger<ReCaptchaValidator>()),

            // Unreachable after validation at start; kept so that a bypassed validation still fails loudly.
            _ => throw new OptionsValidationException(Options.DefaultName, typeof(CaptchaProviderOptions), [$"{CaptchaProviderOptions.SectionName}:Provider is not set."]),
        };
    }

    /// <inheritdoc />
    public async ValueTask<CaptchaValidationResult> ValidateAsync(string captchaToken, VerificationContext? context, CancellationToken cancellationToken = default)
    {
        if (captchaToken is not { Length: > 0 } || captchaToken.Length > CaptchaProviderOptions.MaxTokenLength
            || string.IsNullOrWhiteSpace(captchaToken) || AdapterRules.HasControlCharacters(captchaToken))
        {
            var reason = captchaToken?.Length > CaptchaProviderOptions.MaxTokenLength ? CaptchaValidationReasons.TokenTooLong : CaptchaValidationReasons.MalformedToken;
            Log.TokenRefusedLocally(_logger, Provider, reason);
            return Invalid(reason);
        }

        var (answer, failure) = await AskProviderAsync(captchaToken, context, cancellationToken).ConfigureAwait(false);
        if (answer is null)
        {
            return failure;
        }

        if (!answer.Success)
        {
            if (answer.ErrorCodes.FirstOrDefault(NotJudgedCodes.Contains) is { } notJudged)
            {
                Log.ProviderCouldNotJudge(_logger, Provider, notJudged);
                return Unavailable(notJudged);
            }

            var reason = answer.ErrorCodes.FirstOrDefault() ?? CaptchaValidationReasons.Refused;
            Log.TokenRefused(_logger, Provider, reason);
            return Invalid(reason);
        }

        if (CheckAnswer(answer) is { } rejection)
        {
            Log.AnswerRejected(_logger, Provider, rejection, answer.Hostname, answer.Action, answer.Score);
            return Invalid(rejection);
        }

        return await MarkUsedAsync(captchaToken, answer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds provider-specific form fields to the siteverify request.</summary>
    /// <param name="fields">The fields; <c>secret</c>, <c>response</c> and <c>remoteip</c> are there already.</param>
    protected virtual void AddFields(List<KeyValuePair<string, string>> fields)
    {
    }

    /// <summary>Checks a successful answer; returns the reason it is rejected, or null when it passes.</summary>
    /// <param name="answer">The provider's answer, <c>success: true</c>.</param>
    protected virtual string? CheckAnswer(SiteverifyAnswer answer)
    {
        if (_expectedHostnames.Length > 0
            && (answer.Hostname is null || !_expectedHostnames.Contains(answer.Hostname, StringComparer.OrdinalIgnoreCase)))
        {
            return CaptchaValidationReasons.HostnameMismatch;
        }

        // Options validation allows ExpectedAction only for providers whose answers carry an action.
        if (_expectedAction is not null && !string.Equals(answer.Action, _expectedAction, StringComparison.Ordinal))
        {
            return CaptchaValidationReasons.ActionMismatch;
        }

        return null;
    }

    private static CaptchaValidationResult Invalid(string reason) => new(CaptchaValidationStatus.Invalid, reason);

    private static CaptchaValidationResult Unavailable(string reason) => new(CaptchaValidationStatus.Unavailable, reason);

    private async ValueTask<(SiteverifyAnswer? Answer, CaptchaValidationResult Failure)> AskProviderAsync(
        string token, VerificationContext? context, CancellationToken cancellationToken)
    {
        SiteverifyReply reply;
        try
        {
            reply = await _client.PostAsync(token, context?.ClientIp, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Our bound or HttpClient.Timeout; the caller's own cancellation propagates.
            Log.ProviderTimedOut(_logger, Provider, _client.Timeout);
            return (null, Unavailable(CaptchaValidationReasons.Timeout));
        }
        catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            Log.ProviderUnreachable(_logger, e, Provider);
            return (null, Unavailable(CaptchaValidationReasons.NetworkError));
        }

        if (!reply.Succeeded)
        {
            Log.ProviderHttpError(_logger, Provider, reply.StatusCode);
            return (null, Unavailable(CaptchaValidationReasons.HttpError));
        }

        if (reply.Body is null)
        {
            Log.ProviderAnswerUnreadable(_logger, Provider, CaptchaValidationReasons.ResponseTooLarge, reply.ContentType);
            return (null, Unavailable(CaptchaValidationReasons.ResponseTooLarge));
        }

        if (SiteverifyAnswer.TryParse(reply.Body, out var answer))
        {
            return (answer, default);
        }

        Log.ProviderAnswerUnreadable(_logger, Provider, CaptchaValidationReasons.MalformedResponse, reply.ContentType);
        return (null, Unavailable(CaptchaValidationReasons.MalformedResponse));
    }

    /// <summary>
    /// Checks that siteverify is reachable and takes the configured secret, without a real token: a POST of the secret
    /// and a placeholder response. An answer that judges the placeholder (<c>invalid-input-response</c>, or success
    /// with a test secret) is healthy; one saying the request or secret is wrong is not. Returns null when healthy,
    /// else what is wrong (never the secret).
    /// </summary>
    /// <exception cref="HttpRequestException">The provider could not be reached.</exception>
    /// <exception cref="OperationCanceledException">No answer within the timeout, or the caller cancelled.</exception>
    internal async ValueTask<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        var reply = await _client.PostAsync("verification-health-check", clientIp: null, cancellationToken).ConfigureAwait(false);
        if (!reply.Succeeded)
        {
            return $"{Provider} siteverify answered HTTP {reply.StatusCode}.";
        }

        if (reply.Body is null || !SiteverifyAnswer.TryParse(reply.Body, out var answer))
        {
            return $"{Provider} siteverify answered with a body that is not its JSON.";
        }

        return answer.ErrorCodes.FirstOrDefault(NotJudgedCodes.Contains) is { } notJudged
            ? $"{Provider} siteverify did not judge the check: {notJudged} (check {CaptchaProviderOptions.SectionName}:Secret)."
            : null;
    }

    private async ValueTask<CaptchaValidationResult> MarkUsedAsync(string token, SiteverifyAnswer answer, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var key = UsedKeyPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        bool first;
        try
        {
            first = await _store.TryUseOnceAsync(key, now + UsedMarkLifetime, now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            Log.StoreFailed(_logger, e);
            return Unavailable(CaptchaValidationReasons.StoreUnavailable);
        }

        if (!first)
        {
            Log.DuplicateToken(_logger, Provider);
            return Invalid(CaptchaValidationReasons.Duplicate);
        }

        Log.TokenAccepted(_logger, Provider, answer.Hostname, answer.ChallengeTimestamp, answer.Score);
        return new CaptchaValidationResult(CaptchaValidationStatus.Valid);
    }
}
