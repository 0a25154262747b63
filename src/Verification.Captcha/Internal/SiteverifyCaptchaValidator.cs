using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
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

    private readonly string _secret;
    private readonly TimeSpan _timeout;
    private readonly string? _expectedAction;
    private readonly string[] _expectedHostnames;
    private readonly IHttpClientFactory _httpClientFactory;
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
        Endpoint = options.Endpoint ?? CaptchaProviderOptions.GetDefaultEndpoint(provider);
        _secret = options.Secret ?? throw new ArgumentException("The secret is missing.", nameof(options));
        _timeout = options.Timeout;
        _expectedAction = options.ExpectedAction;
        _expectedHostnames = [.. options.ExpectedHostnames];
        _httpClientFactory = httpClientFactory;
        _store = store;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>The provider asked.</summary>
    public CaptchaProvider Provider { get; }

    /// <summary>The siteverify URL posted to.</summary>
    public Uri Endpoint { get; }

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

    /// <summary>The client IP as the provider expects it: IPv4-mapped IPv6 addresses as IPv4, no IPv6 scope id.</summary>
    private static string? FormatRemoteIp(IPAddress? ip)
    {
        if (ip is null)
        {
            return null;
        }

        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }
        else if (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && ip.ScopeId != 0)
        {
            ip = new IPAddress(ip.GetAddressBytes());
        }

        return ip.ToString();
    }

    private async ValueTask<(SiteverifyAnswer? Answer, CaptchaValidationResult Failure)> AskProviderAsync(
        string token, VerificationContext? context, CancellationToken cancellationToken)
    {
        var fields = new List<KeyValuePair<string, string>>(4) { new("secret", _secret), new("response", token) };
        if (FormatRemoteIp(context?.ClientIp) is { } remoteIp)
        {
            fields.Add(new("remoteip", remoteIp));
        }

        AddFields(fields);

        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        // The bound runs on the injected clock (a fake clock in tests can trip it) and covers the whole exchange,
        // the body included; HttpClient.Timeout is the same bound on the real clock, a backstop for a fake clock
        // that nobody advances.
        using var timeout = new CancellationTokenSource(_timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var client = _httpClientFactory.CreateClient(CaptchaProviderOptions.HttpClientName);
        client.Timeout = _timeout;

        string? contentType = null;
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                Log.ProviderHttpError(_logger, Provider, (int)response.StatusCode);
                return (null, Unavailable(CaptchaValidationReasons.HttpError));
            }

            contentType = response.Content.Headers.ContentType?.MediaType;
            var body = await BoundedHttpContent.ReadAsync(response.Content, linked.Token).ConfigureAwait(false);
            if (body is null)
            {
                Log.ProviderAnswerUnreadable(_logger, Provider, CaptchaValidationReasons.ResponseTooLarge, contentType);
                return (null, Unavailable(CaptchaValidationReasons.ResponseTooLarge));
            }

            if (SiteverifyAnswer.TryParse(body, out var answer))
            {
                return (answer, default);
            }

            Log.ProviderAnswerUnreadable(_logger, Provider, CaptchaValidationReasons.MalformedResponse, contentType);
            return (null, Unavailable(CaptchaValidationReasons.MalformedResponse));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Our bound or HttpClient.Timeout; the caller's own cancellation propagates.
            Log.ProviderTimedOut(_logger, Provider, _timeout);
            return (null, Unavailable(CaptchaValidationReasons.Timeout));
        }
        catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            Log.ProviderUnreachable(_logger, e, Provider);
            return (null, Unavailable(CaptchaValidationReasons.NetworkError));
        }
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
        var fields = new List<KeyValuePair<string, string>>(4) { new("secret", _secret), new("response", "verification-health-check") };
        AddFields(fields);
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var timeout = new CancellationTokenSource(_timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var client = _httpClientFactory.CreateClient(CaptchaProviderOptions.HttpClientName);
        client.Timeout = _timeout;
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            return $"{Provider} siteverify answered HTTP {(int)response.StatusCode}.";
        }

        var body = await BoundedHttpContent.ReadAsync(response.Content, linked.Token).ConfigureAwait(false);
        if (body is null || !SiteverifyAnswer.TryParse(body, out var answer))
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

/// <summary>The fields of a siteverify answer that are checked or logged.</summary>
/// <param name="Success">The provider's verdict.</param>
/// <param name="ErrorCodes">The <c>error-codes</c> (with the dash), plain codes only.</param>
/// <param name="Hostname">The host the challenge was solved on.</param>
/// <param name="ChallengeTimestamp">When the challenge was solved (<c>challenge_ts</c>).</param>
/// <param name="Action">The widget's action (Turnstile, reCAPTCHA v3).</param>
/// <param name="Score">reCAPTCHA v3's score, 0.0–1.0.</param>
internal sealed record SiteverifyAnswer(
    bool Success,
    IReadOnlyList<string> ErrorCodes,
    string? Hostname,
    DateTimeOffset? ChallengeTimestamp,
    string? Action,
    double? Score)
{
    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 16, AllowDuplicateProperties = false };

    /// <summary>
    /// Reads an answer. False when the body is not one JSON object with a boolean <c>success</c>, has duplicate
    /// members, or an <c>error-codes</c> that is not an array.
    /// </summary>
    public static bool TryParse(ReadOnlyMemory<byte> body, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SiteverifyAnswer? answer)
    {
        answer = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, JsonOptions);
        }
        catch (JsonException)
        {
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("success", out var success)
                || success.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return false;
            }

            var errorCodes = new List<string>();
            if (root.TryGetProperty("error-codes", out var codes) && codes.ValueKind != JsonValueKind.Null)
            {
                if (codes.ValueKind != JsonValueKind.Array)
                {
                    return false;
                }

                foreach (var code in codes.EnumerateArray())
                {
                    // The reason reaches the wire (details.reason): only short plain codes pass through.
                    if (code.ValueKind == JsonValueKind.String && code.GetString() is { } text && IsPlainCode(text))
                    {
                        errorCodes.Add(text);
                    }
                }
            }

            answer = new SiteverifyAnswer(
                success.ValueKind == JsonValueKind.True,
                errorCodes,
                String(root, "hostname"),
                String(root, "challenge_ts") is { } ts
                    && DateTimeOffset.TryParse(ts, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null,
                String(root, "action"),
                root.TryGetProperty("score", out var score) && score.ValueKind == JsonValueKind.Number && score.TryGetDouble(out var value) ? value : null);
            return true;
        }
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool IsPlainCode(string code)
    {
        if (code.Length is 0 or > 64)
        {
            return false;
        }

        foreach (var c in code)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
