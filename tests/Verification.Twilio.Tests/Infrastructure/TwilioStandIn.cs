using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Verification.Twilio.Tests;

/// <summary>What the stand-in received, as Twilio would see it.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The request path.</param>
/// <param name="ContentType">The Content-Type header as sent.</param>
/// <param name="Authorization">The Authorization header as sent.</param>
/// <param name="Fields">The form fields.</param>
/// <param name="Body">The raw body.</param>
internal sealed record ReceivedRequest(string Method, string Path, string? ContentType, string? Authorization, IReadOnlyDictionary<string, string> Fields, string Body);

/// <summary>An answer written exactly as given.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="ContentType">The Content-Type.</param>
/// <param name="Body">The body.</param>
/// <param name="Location">A Location header, for redirects.</param>
internal sealed record Answer(int Status, string ContentType, string Body, Uri? Location = null)
{
    public const string Json = "application/json; charset=utf-8";

    public static Answer Created(string sid = TwilioStandIn.MessageSid) =>
        new(201, Json, $$"""{"account_sid":"{{TestAccount.AccountSid}}","api_version":"2010-04-01","body":"(elided)","date_created":"Sun, 01 Mar 2026 08:30:00 +0000","direction":"outbound-api","error_code":null,"error_message":null,"from":"{{TestAccount.From}}","num_segments":"1","price":null,"sid":"{{sid}}","status":"queued","uri":"/2010-04-01/Accounts/{{TestAccount.AccountSid}}/Messages/{{sid}}.json"}""");

    /// <summary>Twilio's error JSON.</summary>
    public static Answer Error(int status, int code, string message = "Refused.") =>
        new(status, Json, $$"""{"code":{{code}},"message":"{{message}}","more_info":"https://www.twilio.com/docs/errors/{{code}}","status":{{status}}}""");
}

/// <summary>
/// A Twilio Messages API stand-in: Kestrel on <c>http://127.0.0.1:0</c> inside the test process. It checks each
/// request itself, as Twilio does — the Basic credentials decoded and compared, the path with the account SID, a
/// form-encoded body with <c>To</c>, exactly one of <c>From</c> / <c>MessagingServiceSid</c>, and <c>Body</c> — and
/// answers Twilio's own errors (20003, 20404, 21604, 21603, 21602) when a check fails; otherwise the scripted answer.
/// </summary>
internal sealed class TwilioStandIn : IAsyncDisposable
{
    public const string MessageSid = "SM0123456789abcdef0123456789abcdef";

    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private readonly ConcurrentQueue<string> _problems = new();
    private readonly ConcurrentQueue<Answer> _script;
    private readonly Answer _then;

    private LoopbackServer _server = null!;

    private TwilioStandIn(Expected expected, IEnumerable<Answer> script, Answer then)
    {
        ExpectedRequest = expected;
        _script = new ConcurrentQueue<Answer>(script);
        _then = then;
    }

    /// <summary>The stand-in's root, to configure as <c>Endpoint</c>, for example <c>http://127.0.0.1:43817/</c>.</summary>
    public Uri Endpoint => _server.BaseAddress;

    public Expected ExpectedRequest { get; }

    /// <summary>Completes when a request has arrived (and been recorded).</summary>
    public TaskCompletionSource FirstRequest { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<ReceivedRequest> Requests => [.. _requests];

    /// <summary>What was wrong with the requests, by the stand-in's own checks; empty when every request was right.</summary>
    public IReadOnlyList<string> Problems => [.. _problems];

    /// <summary>
    /// Starts a stand-in that expects <paramref name="expected"/> (the test account with its auth token when null),
    /// answers <paramref name="script"/> in order, then <paramref name="then"/> (201 with a sid when null) for ever.
    /// <paramref name="hang"/> accepts requests and never answers; <paramref name="delay"/> waits that long before each answer.
    /// </summary>
    public static async Task<TwilioStandIn> StartAsync(Expected? expected = null, IEnumerable<Answer>? script = null, Answer? then = null, bool hang = false, TimeSpan delay = default)
    {
        var self = new TwilioStandIn(expected ?? Expected.AuthToken(), script ?? [], then ?? Answer.Created());
        self._server = await LoopbackServer.StartAsync(async (context, stopping) =>
        {
            var received = await ReadAsync(context.Request);
            self._requests.Enqueue(received);
            self.FirstRequest.TrySetResult();
            if (hang)
            {
                await LoopbackServer.NeverAnswerAsync(context, stopping);
                return;
            }

            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, context.RequestAborted);
            }

            var answer = self.Check(received) ?? (received.Method == "GET" ? self.Account() : self._script.TryDequeue(out var next) ? next : self._then);
            context.Response.StatusCode = answer.Status;
            context.Response.ContentType = answer.ContentType;
            if (answer.Location is not null)
            {
                context.Response.Headers.Location = answer.Location.AbsoluteUri;
            }

            await context.Response.WriteAsync(answer.Body);
        });
        return self;
    }

    /// <summary>An API root on which nothing listens: a port the OS just handed out and took back.</summary>
    public static Uri ClosedPortEndpoint() => Loopback.ClosedPortUri();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    /// <summary>The <c>status</c> of the account resource (GET /2010-04-01/Accounts/{sid}.json): active, suspended or closed.</summary>
    public string AccountStatus { get; set; } = "active";

    private Answer Account() => new(200, Answer.Json, $$"""
        {"sid":"{{ExpectedRequest.AccountSid}}","friendly_name":"Stand-in","status":"{{AccountStatus}}","type":"Full","uri":"/2010-04-01/Accounts/{{ExpectedRequest.AccountSid}}.json"}
        """);

    /// <summary>Twilio's answer to a wrong request, or null when the request is right.</summary>
    private Answer? Check(ReceivedRequest request)
    {
        var expected = ExpectedRequest;
        var (user, password) = DecodeBasic(request.Authorization);
        if (user != expected.User || password != expected.Password)
        {
            _problems.Enqueue($"credentials: got {(user is null ? "no Basic header" : "user " + user)}");
            return Answer.Error(401, 20003, "Authenticate");
        }

        if (request.Method == "GET" && request.Path == $"{expected.PathPrefix}/2010-04-01/Accounts/{expected.AccountSid}.json")
        {
            // Fetch an account: what the health check reads.
            return null;
        }

        if (request.Method != "POST" || request.Path != $"{expected.PathPrefix}/2010-04-01/Accounts/{expected.AccountSid}/Messages.json")
        {
            _problems.Enqueue($"path: {request.Method} {request.Path}");
            return Answer.Error(404, 20404, "The requested resource was not found");
        }

        if (request.ContentType is null || !request.ContentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            _problems.Enqueue($"content type: {request.ContentType}");
            return Answer.Error(400, 21604, "A 'To' phone number is required.");
        }

        if (!request.Fields.TryGetValue("To", out var to) || !to.StartsWith('+') || to.Length < 8 || !to[1..].All(char.IsAsciiDigit))
        {
            _problems.Enqueue("To: missing or not E.164");
            return Answer.Error(400, 21604, "A 'To' phone number is required.");
        }

        var hasFrom = request.Fields.TryGetValue("From", out var from);
        var hasService = request.Fields.TryGetValue("MessagingServiceSid", out var service);
        if (hasFrom == hasService || (hasFrom && from != expected.From) || (hasService && service != expected.MessagingServiceSid))
        {
            _problems.Enqueue($"sender: From={from}, MessagingServiceSid={service}");
            return Answer.Error(400, 21603, "The source 'from' phone number is required to send an SMS");
        }

        if (!request.Fields.TryGetValue("Body", out var body) || body.Length == 0)
        {
            _problems.Enqueue("Body: missing");
            return Answer.Error(400, 21602, "Message body is required.");
        }

        var unexpected = request.Fields.Keys.Except(["To", "From", "MessagingServiceSid", "Body"]).ToList();
        if (unexpected.Count > 0)
        {
            _problems.Enqueue("unexpected fields: " + string.Join(", ", unexpected));
        }

        return null;
    }

    private static (string? User, string? Password) DecodeBasic(string? header)
    {
        if (header is null || !header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            return (null, null);
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..]));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? (text, null) : (text[..colon], text[(colon + 1)..]);
        }
        catch (FormatException)
        {
            return (null, null);
        }
    }

    private static async Task<ReceivedRequest> ReadAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
        {
            foreach (var (key, value) in QueryHelpers.ParseQuery(body))
            {
                fields[key] = value.ToString();
            }
        }

        return new ReceivedRequest(request.Method, request.Path.Value ?? "/", request.ContentType, request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null, fields, body);
    }
}

/// <summary>What a right request carries.</summary>
internal sealed record Expected(string User, string Password, string AccountSid, string? From, string? MessagingServiceSid, string PathPrefix = "")
{
    public static Expected AuthToken(string? from = TestAccount.From, string? service = null) =>
        new(TestAccount.AccountSid, TestAccount.AuthToken, TestAccount.AccountSid, from, service);

    public static Expected ApiKey() =>
        new(TestAccount.ApiKeySid, TestAccount.ApiKeySecret, TestAccount.AccountSid, TestAccount.From, null);
}

/// <summary>A made-up account (Twilio's SID shapes; none of these values are real).</summary>
internal static class TestAccount
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "auth-token-0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    public const string ApiKeySid = "SKfedcba9876543210fedcba9876543210";
    public const string ApiKeySecret = "api-key-secret-5a69788796a5b4c3d2e1f00f1e2d3c4b";
    public const string From = "+15005550006";
    public const string MessagingServiceSid = "MG00112233445566778899aabbccddeeff";
}
