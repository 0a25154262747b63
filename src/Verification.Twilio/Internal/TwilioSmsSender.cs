using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Verification.Shared;

namespace Verification.Twilio;

/// <summary>
/// Sends SMS through Twilio's Messages API: one form-encoded POST of <c>To</c>, <c>From</c> (or
/// <c>MessagingServiceSid</c>) and <c>Body</c> to <c>{Endpoint}/2010-04-01/Accounts/{AccountSid}/Messages.json</c>
/// with HTTP Basic auth, through the <see cref="TwilioSmsOptions.HttpClientName"/> client.
/// </summary>
/// <remarks>
/// <para>Success is a 2xx answer (Twilio sends 201) whose JSON has a <c>sid</c>. Every other outcome throws
/// <see cref="DeliveryException"/> with the kind that decides failover:</para>
/// <list type="bullet">
/// <item>error 21211 (invalid To) or 21614 (not a mobile number): <see cref="DeliveryFailureKind.InvalidRecipient"/>;</item>
/// <item>HTTP 429 or error 20429, and a connection that could not be made: <see cref="DeliveryFailureKind.NotProcessed"/>;</item>
/// <item>error 20003 or HTTP 401 (authentication): <see cref="DeliveryFailureKind.Permanent"/>, logged at Error as a configuration problem;</item>
/// <item>any other 4xx answer in Twilio's error JSON (21408, 21608, 21610, 21612…): <see cref="DeliveryFailureKind.Permanent"/>;</item>
/// <item>5xx, a timeout, a broken exchange after sending, or a body that is not Twilio's JSON:
/// <see cref="DeliveryFailureKind.Unknown"/> — the message may have gone out, so it is not retried here.</item>
/// </list>
/// <para>The caller's cancellation (the service's delivery timeout included) propagates as
/// <see cref="OperationCanceledException"/>.</para>
/// </remarks>
internal sealed class TwilioSmsSender : ISmsSender
{
    /// <summary>The largest answer read; real answers are about 1 KiB.</summary>
    internal const int MaxResponseBytes = BoundedHttpContent.MaxResponseBytes;

    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 16 };

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly ILogger _logger;
    private readonly Uri _messagesUri;
    private readonly Uri _accountUri;
    private readonly AuthenticationHeaderValue _authorization;
    private readonly string _credentialKey;
    private readonly KeyValuePair<string, string> _sender;

    public TwilioSmsSender(IOptions<TwilioSmsOptions> options, IHttpClientFactory httpClientFactory, ILogger<TwilioSmsSender>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClientFactory);

        // Reading Value runs the validation: an invalid configuration fails here with the messages naming the keys.
        var settings = options.Value;
        _httpClientFactory = httpClientFactory;
        _logger = logger ?? (ILogger)NullLogger.Instance;

        var accountSid = settings.AccountSid!;
        _messagesUri = MessagesUri(settings.Endpoint, accountSid);
        _accountUri = new(settings.Endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/2010-04-01/Accounts/" + Uri.EscapeDataString(accountSid) + ".json");
        var (user, secret) = string.IsNullOrEmpty(settings.AuthToken)
            ? (settings.ApiKeySid!, settings.ApiKeySecret!)
            : (accountSid, settings.AuthToken);
        _credentialKey = string.IsNullOrEmpty(settings.AuthToken)
            ? "Verification:Twilio:ApiKeySid / ApiKeySecret"
            : "Verification:Twilio:AuthToken";
        _authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + secret)));
        _sender = string.IsNullOrWhiteSpace(settings.MessagingServiceSid)
            ? new("From", settings.From!)
            : new("MessagingServiceSid", settings.MessagingServiceSid);
    }

    /// <inheritdoc />
    public string Name => "twilio";

    /// <summary>The account resource read by the health check.</summary>
    internal Uri AccountEndpoint => _accountUri;

    /// <summary>
    /// Checks reachability and the credentials without sending an SMS: a GET of the account resource
    /// (<c>/2010-04-01/Accounts/{AccountSid}.json</c>). Returns null when Twilio answered with an active account, else
    /// what is wrong (the HTTP status, Twilio's error code or the account status; never a secret).
    /// </summary>
    /// <exception cref="HttpRequestException">Twilio could not be reached.</exception>
    /// <exception cref="OperationCanceledException">No answer in time, or the caller cancelled.</exception>
    internal async ValueTask<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _accountUri);
        request.Headers.Authorization = _authorization;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var client = _httpClientFactory.CreateClient(TwilioSmsOptions.HttpClientName);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        var body = await BoundedHttpContent.ReadAsync(response.Content, cancellationToken).ConfigureAwait(false);
        string? accountStatus = null;
        int? code = null;
        if (body is not null)
        {
            try
            {
                using var document = JsonDocument.Parse(body, JsonOptions);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    if (document.RootElement.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String)
                    {
                        accountStatus = s.GetString();
                    }

                    if (document.RootElement.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var n))
                    {
                        code = n;
                    }
                }
            }
            catch (JsonException)
            {
                // Reported below by its HTTP status.
            }
        }

        if (status is >= 200 and < 300)
        {
            return accountStatus switch
            {
                "active" => null,
                "suspended" or "closed" => $"The Twilio account is {accountStatus}.",
                _ => $"Twilio answered HTTP {status} without the account's status.",
            };
        }

        return status == 401 || code == 20003
            ? $"Twilio refused the credentials ({_credentialKey}): HTTP {status}."
            : $"Twilio answered HTTP {status}{(code is { } known ? $" with error {known}" : string.Empty)}.";
    }

    /// <summary>The Messages.json URL posted to.</summary>
    internal Uri MessagesEndpoint => _messagesUri;

    /// <summary><c>{endpoint}/2010-04-01/Accounts/{accountSid}/Messages.json</c>, keeping a path prefix of <paramref name="endpoint"/>.</summary>
    internal static Uri MessagesUri(Uri endpoint, string accountSid) =>
        new(endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/2010-04-01/Accounts/" + Uri.EscapeDataString(accountSid) + "/Messages.json");

    /// <inheritdoc />
    public async ValueTask SendAsync(VerificationMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var masked = message.ToString();

        using var request = new HttpRequestMessage(HttpMethod.Post, _messagesUri)
        {
            Content = new FormUrlEncodedContent([new("To", message.To), _sender, new("Body", message.Body)]),
        };
        request.Headers.Authorization = _authorization;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        var client = _httpClientFactory.CreateClient(TwilioSmsOptions.HttpClientName);
        int status;
        string? contentType;
        byte[]? body;
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            status = (int)response.StatusCode;
            contentType = response.Content.Headers.ContentType?.MediaType;
            body = await BoundedHttpContent.ReadAsync(response.Content, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout (set on the named client); the caller's own cancellation propagates as is.
            Log.TimedOut(_logger, masked);
            throw new DeliveryException(DeliveryFailureKind.Unknown, "Twilio did not answer in time; the message may have been delivered.", e);
        }
        catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested && IsNotSent(e))
        {
            Log.Unreachable(_logger, e, masked);
            throw new DeliveryException(DeliveryFailureKind.NotProcessed, "Twilio could not be reached; nothing was sent.", e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            Log.TransportFailed(_logger, e, masked);
            throw new DeliveryException(DeliveryFailureKind.Unknown, "The exchange with Twilio broke after the request went out; the message may have been delivered.", e);
        }

        Classify(status, contentType, body, masked);
    }

    /// <summary>Returns when the answer is a success; otherwise logs and throws the <see cref="DeliveryException"/> of its class.</summary>
    private void Classify(int status, string? contentType, byte[]? body, string masked)
    {
        var answer = body is null ? null : TwilioAnswer.TryParse(body);
        if (status is >= 200 and < 300)
        {
            if (answer?.Sid is { } sid)
            {
                Log.Accepted(_logger, masked, sid, answer.Status);
                return;
            }

            Log.Unreadable(_logger, status, contentType, masked);
            throw new DeliveryException(DeliveryFailureKind.Unknown, $"Twilio answered HTTP {status} without a message sid; the message may have been delivered.");
        }

        var code = answer?.Code;
        if (status == 429 || code == 20429)
        {
            Log.Throttled(_logger, masked, code, status);
            throw new DeliveryException(DeliveryFailureKind.NotProcessed, $"Twilio throttled the request (HTTP {status}, error {Describe(code)}); it was not processed.");
        }

        if (status >= 500)
        {
            Log.ServerError(_logger, status, code, masked);
            throw new DeliveryException(DeliveryFailureKind.Unknown, $"Twilio answered HTTP {status} (error {Describe(code)}); the message may have been delivered.");
        }

        if (status is >= 400 and < 500 && status != 401 && code is null)
        {
            // Not Twilio's error JSON: a proxy or gateway answered; what happened upstream is unknown.
            Log.Unreadable(_logger, status, contentType, masked);
            throw new DeliveryException(DeliveryFailureKind.Unknown, $"Twilio answered HTTP {status} with a body that is not its error JSON.");
        }

        switch (code)
        {
            case 21211 or 21614:
                Log.InvalidRecipient(_logger, masked, code.Value, status);
                throw new DeliveryException(DeliveryFailureKind.InvalidRecipient, $"Twilio refused the recipient (error {code}).");
            case 20003:
            case null when status == 401:
                Log.AuthenticationFailed(_logger, code, status, _credentialKey);
                throw new DeliveryException(DeliveryFailureKind.Permanent, $"Twilio refused the credentials (error {Describe(code)}); check Verification:Twilio:AccountSid and {_credentialKey}.");
            case not null when status is >= 400 and < 500:
                Log.Refused(_logger, masked, code, status, answer?.MoreInfo);
                throw new DeliveryException(DeliveryFailureKind.Permanent, $"Twilio refused the message (error {code}, HTTP {status}).");
            default:
                // 1xx/3xx (redirects are not followed): not an answer Twilio documents.
                Log.Unreadable(_logger, status, contentType, masked);
                throw new DeliveryException(DeliveryFailureKind.Unknown, $"Twilio answered HTTP {status}, which it does not document for this call.");
        }
    }

    private static string Describe(int? code) => code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none";

    /// <summary>Whether the request certainly did not reach Twilio: no connection, name or TLS session could be made.</summary>
    private static bool IsNotSent(HttpRequestException e) =>
        e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
            or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError;


    /// <summary>The fields of a Twilio answer that are used: <c>sid</c> and <c>status</c> on success, <c>code</c> and <c>more_info</c> on error.</summary>
    private sealed record TwilioAnswer(string? Sid, string? Status, int? Code, string? MoreInfo)
    {
        /// <summary>Reads a JSON object; null when the body is not one.</summary>
        public static TwilioAnswer? TryParse(byte[] body)
        {
            try
            {
                using var document = JsonDocument.Parse(body, JsonOptions);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    return null;
                }

                return new TwilioAnswer(
                    String(root, "sid") is { Length: > 0 } sid ? sid : null,
                    String(root, "status"),
                    root.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.Number && code.TryGetInt32(out var value) ? value : null,
                    String(root, "more_info"));
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private static string? String(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
