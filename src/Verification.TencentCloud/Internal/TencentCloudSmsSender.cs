using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Verification.Shared;

namespace Verification.TencentCloud;

/// <summary>
/// Sends verification SMS with Tencent Cloud SMS API 3.0 <c>SendSms</c> (version 2021-01-11), signed with
/// TC3-HMAC-SHA256, through the <see cref="TencentCloudSmsOptions.HttpClientName"/> client.
/// </summary>
/// <remarks>
/// <para>Outcomes, as <see cref="DeliveryException.Kind"/>: <c>SendStatusSet[0].Code</c> <c>"Ok"</c> is success;
/// an invalid number is <see cref="DeliveryFailureKind.InvalidRecipient"/>; <c>LimitExceeded.*</c> and a refused
/// connection are <see cref="DeliveryFailureKind.NotProcessed"/>; <c>InternalError.*</c> is
/// <see cref="DeliveryFailureKind.Transient"/>; <c>FailedOperation.*</c>, <c>AuthFailure.*</c> and other configuration
/// errors are <see cref="DeliveryFailureKind.Permanent"/>; a timeout, a 5xx or an unreadable answer is
/// <see cref="DeliveryFailureKind.Unknown"/>, since the message may have gone out (SendSms is not idempotent).</para>
/// <para>The sender never retries by itself.</para>
/// </remarks>
internal sealed class TencentCloudSmsSender : ISmsSender
{
    internal const string Service = "sms";
    internal const string Action = "SendSms";
    internal const string ProbeAction = "SmsPackagesStatistics";
    internal const string Version = "2021-01-11";

    /// <summary>Exactly what <c>new StringContent(json, Encoding.UTF8, "application/json")</c> sends; signed byte for byte.</summary>
    internal const string ContentType = "application/json; charset=utf-8";

    /// <summary>The largest answer read; real answers are well under 1 KiB for one number.</summary>
    internal const int MaxResponseBytes = BoundedHttpContent.MaxResponseBytes;

    private readonly string _secretId;
    private readonly string _secretKey;
    private readonly string _region;
    private readonly string _smsSdkAppId;
    private readonly string? _signName;
    private readonly string _templateId;
    private readonly string[] _templateParameters;
    private readonly Uri _endpoint;
    private readonly string _host;
    private readonly TimeSpan _timeout;
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public TencentCloudSmsSender(TencentCloudSmsOptions options, IHttpClientFactory httpClientFactory, TimeProvider timeProvider, ILogger<TencentCloudSmsSender> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _secretId = options.SecretId ?? throw new ArgumentException("SecretId is missing.", nameof(options));
        _secretKey = options.SecretKey ?? throw new ArgumentException("SecretKey is missing.", nameof(options));
        _region = options.Region ?? throw new ArgumentException("Region is missing.", nameof(options));
        _smsSdkAppId = options.SmsSdkAppId ?? throw new ArgumentException("SmsSdkAppId is missing.", nameof(options));
        _templateId = options.TemplateId ?? throw new ArgumentException("TemplateId is missing.", nameof(options));
        _signName = options.SignName;
        _templateParameters = [.. options.TemplateParameters];
        _endpoint = options.Endpoint;
        _host = _endpoint.IsDefaultPort ? _endpoint.IdnHost : _endpoint.IdnHost + ":" + _endpoint.Port.ToString(CultureInfo.InvariantCulture);
        _timeout = options.Timeout;
        _httpClientFactory = httpClientFactory;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <inheritdoc />
    public string Name => "tencentcloud";

    /// <summary>Creates the sender; throws <see cref="OptionsValidationException"/> when the options are invalid.</summary>
    internal static TencentCloudSmsSender Create(IServiceProvider services) => new(
        services.GetRequiredService<IOptions<TencentCloudSmsOptions>>().Value,
        services.GetRequiredService<IHttpClientFactory>(),
        services.GetService<TimeProvider>() ?? TimeProvider.System,
        services.GetService<ILogger<TencentCloudSmsSender>>() ?? NullLogger<TencentCloudSmsSender>.Instance);

    /// <inheritdoc />
    public async ValueTask SendAsync(VerificationMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var recipient = message.MaskedTo;
        var body = BuildBody(message);
        using var request = SignedRequest(Action, body);

        // The bound runs on the injected clock; HttpClient.Timeout is the same bound on the real clock, a backstop.
        using var timeout = new CancellationTokenSource(_timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var client = _httpClientFactory.CreateClient(TencentCloudSmsOptions.HttpClientName);
        client.Timeout = _timeout;

        int status;
        string? contentType;
        byte[]? answer;
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            status = (int)response.StatusCode;
            contentType = response.Content.Headers.ContentType?.MediaType;
            answer = await BoundedHttpContent.ReadAsync(response.Content, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // Our bound or HttpClient.Timeout; the caller's own cancellation (the service's delivery timeout) propagates.
            Log.TimedOut(_logger, _timeout);
            throw new DeliveryException(DeliveryFailureKind.Unknown, $"Tencent Cloud SMS did not answer within {_timeout}; the message may have been sent.", e);
        }
        catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested && IsNotSent(e))
        {
            Log.Unreachable(_logger, e);
            throw new DeliveryException(DeliveryFailureKind.NotProcessed, "Tencent Cloud SMS could not be reached; the message was not sent.", e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            Log.OutcomeUnknown(_logger, e);
            throw new DeliveryException(DeliveryFailureKind.Unknown, "The call to Tencent Cloud SMS failed after the request went out; the message may have been sent.", e);
        }

        Interpret(status, contentType, answer, message.To, recipient);
    }

    /// <summary>A POST of <paramref name="action"/> with <paramref name="body"/>, signed with TC3-HMAC-SHA256.</summary>
    private HttpRequestMessage SignedRequest(string action, byte[] body)
    {
        var timestamp = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        var signature = Tc3Signer.Sign(
            _secretId, _secretKey, Service, timestamp, "POST", "/", string.Empty,
            [new("content-type", ContentType), new("host", _host), new("x-tc-action", action)],
            body);

        var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new ByteArrayContent(body) };
        request.Headers.Host = _host;
        request.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);
        request.Headers.TryAddWithoutValidation("X-TC-Action", action);
        request.Headers.TryAddWithoutValidation("X-TC-Version", Version);
        request.Headers.TryAddWithoutValidation("X-TC-Timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("X-TC-Region", _region);
        request.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
        return request;
    }

    /// <summary>
    /// Checks reachability and the credentials without sending an SMS: a signed read-only
    /// <c>SmsPackagesStatistics</c> call for the configured SmsSdkAppId (the current hour, one row). Returns null when
    /// Tencent Cloud answered it, else what is wrong (the API error code, never its message or any secret).
    /// </summary>
    /// <exception cref="HttpRequestException">The endpoint could not be reached.</exception>
    /// <exception cref="OperationCanceledException">No answer within the sender's timeout, or the caller cancelled.</exception>
    internal async ValueTask<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        var hour = _timeProvider.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).ToString("yyyyMMddHH", CultureInfo.InvariantCulture);
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("SmsSdkAppId", _smsSdkAppId);
            json.WriteNumber("Limit", 1);
            json.WriteNumber("Offset", 0);
            json.WriteString("BeginTime", hour);
            json.WriteString("EndTime", hour);
            json.WriteEndObject();
        }

        using var request = SignedRequest(ProbeAction, buffer.WrittenSpan.ToArray());
        using var timeout = new CancellationTokenSource(_timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var client = _httpClientFactory.CreateClient(TencentCloudSmsOptions.HttpClientName);
        client.Timeout = _timeout;
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
        var answer = await BoundedHttpContent.ReadAsync(response.Content, linked.Token).ConfigureAwait(false);
        if (answer is null)
        {
            return $"Tencent Cloud answered HTTP {(int)response.StatusCode} with an oversize body.";
        }

        try
        {
            using var document = JsonDocument.Parse(answer);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("Response", out var body) && body.ValueKind == JsonValueKind.Object)
            {
                if (!body.TryGetProperty("Error", out var error))
                {
                    return response.IsSuccessStatusCode ? null : $"Tencent Cloud answered HTTP {(int)response.StatusCode}.";
                }

                var code = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("Code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                return $"Tencent Cloud refused the check: {SafeCode(code)}.";
            }
        }
        catch (JsonException)
        {
            // Answered below as unreadable.
        }

        return $"Tencent Cloud answered HTTP {(int)response.StatusCode} with a body that is not its API JSON.";
    }

    /// <summary>An API error code as written in a health report: Tencent's dotted identifiers only, nothing else from the answer.</summary>
    private static string SafeCode(string? code) =>
        code is { Length: > 0 and <= 80 } && code.All(static c => char.IsAsciiLetterOrDigit(c) || c == '.') ? code : "an unrecognized error";

    /// <summary>Whether the request certainly never reached the provider (no connection was made).</summary>
    private static bool IsNotSent(HttpRequestException e) =>
        e.HttpRequestError is HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError
        || e.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused };


    private byte[] BuildBody(VerificationMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("PhoneNumberSet");
            json.WriteStringValue(message.To);
            json.WriteEndArray();
            json.WriteString("SmsSdkAppId", _smsSdkAppId);
            json.WriteString("TemplateId", _templateId);
            if (_signName is not null)
            {
                json.WriteString("SignName", _signName);
            }

            json.WriteStartArray("TemplateParamSet");
            foreach (var parameter in _templateParameters)
            {
                json.WriteStringValue(TemplateValue(parameter, message));
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static string TemplateValue(string parameter, VerificationMessage message)
    {
        if (string.Equals(parameter, TencentCloudSmsOptions.MinutesParameter, StringComparison.OrdinalIgnoreCase))
        {
            return ((long)Math.Ceiling(message.Lifetime.TotalMinutes)).ToString(CultureInfo.InvariantCulture);
        }

        if (string.Equals(parameter, TencentCloudSmsOptions.SecondsParameter, StringComparison.OrdinalIgnoreCase))
        {
            return ((long)Math.Ceiling(message.Lifetime.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return message.Code;
    }

    private void Interpret(int status, string? contentType, byte[]? answer, string to, string recipient)
    {
        if (answer is null)
        {
            throw Unreadable(status, "too large", contentType);
        }

        string? requestId;
        string? errorCode;
        string? serialNo = null;
        try
        {
            using var document = JsonDocument.Parse(answer);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("Response", out var response) || response.ValueKind != JsonValueKind.Object)
            {
                throw NoResponse(status, contentType);
            }

            requestId = GetString(response, "RequestId");
            if (response.TryGetProperty("Error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                errorCode = GetString(error, "Code") ?? throw Unreadable(status, "an Error without a Code", contentType);
            }
            else if (status is < 200 or > 299)
            {
                throw NoResponse(status, contentType);
            }
            else if (response.TryGetProperty("SendStatusSet", out var set) && set.ValueKind == JsonValueKind.Array && set.GetArrayLength() > 0)
            {
                var entry = set.EnumerateArray().FirstOrDefault(e => e.ValueKind == JsonValueKind.Object && GetString(e, "PhoneNumber") == to);
                if (entry.ValueKind != JsonValueKind.Object)
                {
                    entry = set[0];
                }

                errorCode = entry.ValueKind == JsonValueKind.Object ? GetString(entry, "Code") : null;
                serialNo = entry.ValueKind == JsonValueKind.Object ? GetString(entry, "SerialNo") : null;
                if (errorCode is null)
                {
                    throw Unreadable(status, "a SendStatusSet entry without a Code", contentType);
                }

                if (errorCode == "Ok")
                {
                    Log.Accepted(_logger, recipient, serialNo, requestId);
                    return;
                }
            }
            else
            {
                throw Unreadable(status, "no SendStatusSet", contentType);
            }
        }
        catch (JsonException)
        {
            throw NoResponse(status, contentType);
        }

        throw Classified(errorCode, requestId, recipient);
    }

    private DeliveryException Classified(string errorCode, string? requestId, string recipient)
    {
        var classification = TencentCloudErrors.Classify(errorCode);
        if (classification.ConfigurationKey is { } key)
        {
            Log.ConfigurationProblem(_logger, errorCode, requestId, key);
            return new DeliveryException(classification.Kind, $"Tencent Cloud SMS refused the request ({errorCode}): a configuration problem; check {key}.");
        }

        switch (classification.Kind)
        {
            case DeliveryFailureKind.InvalidRecipient:
                Log.InvalidRecipient(_logger, recipient, errorCode, requestId);
                return new DeliveryException(classification.Kind, $"Tencent Cloud SMS refused the phone number ({errorCode}).");
            case DeliveryFailureKind.NotProcessed:
                Log.Throttled(_logger, recipient, errorCode, requestId);
                return new DeliveryException(classification.Kind, $"Tencent Cloud SMS throttled the message ({errorCode}); it was not sent.");
            case DeliveryFailureKind.Transient when classification.Unrecognized:
                Log.UnrecognizedError(_logger, recipient, errorCode, requestId);
                return new DeliveryException(classification.Kind, $"Tencent Cloud SMS answered the undocumented error {errorCode}; the message was not sent.");
            case DeliveryFailureKind.Transient:
                Log.ProviderInternalError(_logger, recipient, errorCode, requestId);
                return new DeliveryException(classification.Kind, $"Tencent Cloud SMS failed internally ({errorCode}).");
            default:
                Log.RefusedPermanently(_logger, recipient, errorCode, requestId);
                return new DeliveryException(classification.Kind, $"Tencent Cloud SMS refused the message for good ({errorCode}).");
        }
    }

    /// <summary>An answer without a readable <c>Response</c>: what it means depends on the HTTP status.</summary>
    private DeliveryException NoResponse(int status, string? contentType)
    {
        switch (status)
        {
            case 429:
                Log.Throttled(_logger, "(unknown)", "HTTP 429", null);
                return new DeliveryException(DeliveryFailureKind.NotProcessed, "Tencent Cloud SMS answered HTTP 429; the message was not sent.");
            case >= 300 and < 500 and not 408:
                // A redirect (not followed) or a 4xx from something that is not the API: the endpoint is wrong.
                Log.ConfigurationProblem(_logger, "HTTP " + status.ToString(CultureInfo.InvariantCulture), null, TencentCloudSmsOptions.SectionName + ":Endpoint");
                return new DeliveryException(DeliveryFailureKind.Permanent, $"Tencent Cloud SMS answered HTTP {status} without an API answer; check {TencentCloudSmsOptions.SectionName}:Endpoint.");
            default:
                return Unreadable(status, status is >= 200 and < 300 ? "not a Tencent Cloud API answer" : "an HTTP error", contentType);
        }
    }

    private DeliveryException Unreadable(int status, string reason, string? contentType)
    {
        Log.AnswerUnreadable(_logger, status, reason, contentType);
        return new DeliveryException(DeliveryFailureKind.Unknown, $"Tencent Cloud SMS answered HTTP {status} with {reason}; the message may have been sent.");
    }

    private static string? GetString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
