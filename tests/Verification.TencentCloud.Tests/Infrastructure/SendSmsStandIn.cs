using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Verification.TencentCloud.Tests;

/// <summary>The account the stand-in knows; tests configure the sender with the same values (or wrong ones on purpose).</summary>
internal static class Account
{
    public const string SecretId = "AKIDstandin0000000000000000000000001";
    public const string SecretKey = "standinSecretKey-must-never-be-logged";
    public const string Region = "ap-guangzhou";
    public const string SmsSdkAppId = "1400006666";
    public const string TemplateId = "449739";
    public const string SignName = "腾讯云";
}

/// <summary>One SendSms request as the stand-in received and read it.</summary>
internal sealed record SendSmsRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    IReadOnlyList<string> PhoneNumberSet,
    IReadOnlyList<string> TemplateParamSet,
    IReadOnlyDictionary<string, string> Fields);

/// <summary>What the stand-in answers once a request passed its checks.</summary>
internal sealed record Answer(int Status, string ContentType, string Body)
{
    private const string Json = "application/json";

    public static Answer Ok(SendSmsRequest request) => new(200, Json, $$$"""
        {"Response":{"SendStatusSet":[{"SerialNo":"5000:1045710669157053657849499619","PhoneNumber":"{{{request.PhoneNumberSet[0]}}}","Fee":1,"SessionContext":"","Code":"Ok","Message":"send success","IsoCode":"CN"}],"RequestId":"a0aabda6-cf91-4f3e-a81f-9198114a2279"}}
        """);

    /// <summary>HTTP 200, no Error, the number's own status carries the error code.</summary>
    public static Answer PerNumber(SendSmsRequest request, string code) => new(200, Json, $$$"""
        {"Response":{"SendStatusSet":[{"SerialNo":"","PhoneNumber":"{{{request.PhoneNumberSet[0]}}}","Fee":0,"SessionContext":"","Code":"{{{code}}}","Message":"refused","IsoCode":"CN"}],"RequestId":"b1bbceb7-0000-4f3e-a81f-9198114a2279"}}
        """);

    /// <summary>The answer to the health check's <c>SmsPackagesStatistics</c> read.</summary>
    public static Answer PackagesStatistics() => new(200, Json, """
        {"Response":{"SmsPackagesStatisticsSet":[{"PackageCreateTime":"2026-01-01 00:00:00","PackageCreateUnixTime":1767225600,"PackageType":2,"PackageId":100,"AmountOfPackage":1000,"CurrentUsage":7}],"RequestId":"d3ddeed9-0000-4f3e-a81f-9198114a2279"}}
        """);

    /// <summary>A whole-request error.</summary>
    public static Answer Error(string code, string message = "refused") => new(200, Json, $$$"""
        {"Response":{"Error":{"Code":"{{{code}}}","Message":"{{{message}}}"},"RequestId":"c2ccdfc8-0000-4f3e-a81f-9198114a2279"}}
        """);
}

/// <summary>
/// Tencent Cloud SMS as a real HTTP peer: Kestrel on <c>http://127.0.0.1:0</c> inside the test process. It checks
/// each request independently of the library (the TC3 signature recomputed from the raw request with
/// <see cref="IndependentTc3"/>, the X-TC-* headers, the body fields) and answers like Tencent when a check fails;
/// otherwise it answers what the test asks for.
/// </summary>
internal sealed class SendSmsStandIn : IAsyncDisposable
{
    private readonly ConcurrentQueue<SendSmsRequest> _requests = new();
    private readonly ConcurrentQueue<string> _problems = new();
    private LoopbackServer _server = null!;

    /// <summary>The root URL to configure as <c>Endpoint</c>.</summary>
    public Uri Endpoint => _server.BaseAddress;

    /// <summary>Every request that arrived.</summary>
    public IReadOnlyList<SendSmsRequest> Requests => [.. _requests];

    /// <summary>Every check that failed; empty when all requests were well-formed and correctly signed.</summary>
    public IReadOnlyList<string> Problems => [.. _problems];

    /// <summary>Completes when a request has arrived.</summary>
    public TaskCompletionSource Arrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="answer">The answer to a request that passed the checks; null to never answer.</param>
    /// <param name="clock">The stand-in's clock, for the 5-minute timestamp window (the test's fake clock).</param>
    public static async Task<SendSmsStandIn> StartAsync(Func<SendSmsRequest, Answer?> answer, Func<DateTimeOffset> clock)
    {
        var self = new SendSmsStandIn();
        self._server = await LoopbackServer.StartAsync((context, stopping) => self.HandleAsync(context, answer, clock, stopping));
        return self;
    }

    /// <summary>An address on which nothing listens: a port the OS just handed out and took back.</summary>
    public static Uri ClosedPortEndpoint() => Loopback.ClosedPortUri();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task HandleAsync(HttpContext context, Func<SendSmsRequest, Answer?> answer, Func<DateTimeOffset> clock, CancellationToken stopping)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var bodyBytes = buffer.ToArray();
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
        var (phones, parameters, fields) = ReadBody(bodyBytes);
        var request = new SendSmsRequest(context.Request.Method, context.Request.Path.Value ?? string.Empty, headers, Encoding.UTF8.GetString(bodyBytes), phones, parameters, fields);
        _requests.Enqueue(request);
        Arrived.TrySetResult();

        var failure = Check(context, request, bodyBytes, clock());
        if (failure is not null)
        {
            _problems.Enqueue(failure.Value.Problem);
            await WriteAsync(context, Answer.Error(failure.Value.Code, failure.Value.Problem));
            return;
        }

        if (answer(request) is { } chosen)
        {
            await WriteAsync(context, chosen);
            return;
        }

        await LoopbackServer.NeverAnswerAsync(context, stopping);
    }

    private static async Task WriteAsync(HttpContext context, Answer answer)
    {
        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = answer.ContentType;
        await context.Response.WriteAsync(answer.Body);
    }

    /// <summary>Tencent's checks, in its order; returns the error code to answer and what was wrong.</summary>
    private static (string Code, string Problem)? Check(HttpContext context, SendSmsRequest request, byte[] body, DateTimeOffset now)
    {
        string? Header(string name) => request.Headers.GetValueOrDefault(name);

        if (request.Method != "POST")
        {
            return ("UnsupportedProtocol", $"method {request.Method}");
        }

        var authorization = Header("authorization");
        const string prefix = "TC3-HMAC-SHA256 ";
        if (authorization is null || !authorization.StartsWith(prefix, StringComparison.Ordinal))
        {
            return ("AuthFailure.SignatureFailure", "no TC3 Authorization header");
        }

        var parts = authorization[prefix.Length..].Split(", ").Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("Credential", out var credential) || !parts.TryGetValue("SignedHeaders", out var signedHeaders) || !parts.TryGetValue("Signature", out var signature))
        {
            return ("AuthFailure.SignatureFailure", "malformed Authorization header");
        }

        var scope = credential.Split('/');
        if (scope.Length != 4)
        {
            return ("AuthFailure.SignatureFailure", "malformed Credential");
        }

        if (scope[0] != Account.SecretId)
        {
            return ("AuthFailure.SecretIdNotFound", "unknown SecretId");
        }

        if (!long.TryParse(Header("x-tc-timestamp"), out var timestamp))
        {
            return ("MissingParameter", "no X-TC-Timestamp");
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - timestamp) > 300)
        {
            return ("AuthFailure.SignatureExpire", $"timestamp {timestamp} is more than 5 minutes from {now.ToUnixTimeSeconds()}");
        }

        var date = DateTimeOffset.FromUnixTimeSeconds(timestamp).ToString("yyyy'-'MM'-'dd", System.Globalization.CultureInfo.InvariantCulture);
        if (scope[1] != date || scope[2] != "sms" || scope[3] != "tc3_request")
        {
            return ("AuthFailure.SignatureFailure", $"credential scope {credential} does not match date {date} and service sms");
        }

        var names = signedHeaders.Split(';');
        if (!names.Contains("content-type") || !names.Contains("host") || !names.SequenceEqual(names.Order(StringComparer.Ordinal)))
        {
            return ("AuthFailure.SignatureFailure", $"signed headers {signedHeaders}");
        }

        var canonical = IndependentTc3.CanonicalRequest(request.Method, request.Path, context.Request.QueryString.Value?.TrimStart('?') ?? string.Empty, names, Header, body);
        var expected = IndependentTc3.Signature(Account.SecretKey, "sms", timestamp, canonical);
        if (!string.Equals(expected, signature, StringComparison.Ordinal))
        {
            return ("AuthFailure.SignatureFailure", "signature mismatch");
        }

        if (Header("content-type") != "application/json; charset=utf-8")
        {
            return ("InvalidParameter", $"content type {Header("content-type")}");
        }

        var action = Header("x-tc-action");
        if (action is not ("SendSms" or "SmsPackagesStatistics"))
        {
            return ("InvalidAction", $"action {action}");
        }

        if (Header("x-tc-version") != "2021-01-11")
        {
            return ("NoSuchVersion", $"version {Header("x-tc-version")}");
        }

        if (Header("x-tc-region") != Account.Region)
        {
            return ("UnsupportedRegion", $"region {Header("x-tc-region")}");
        }

        if (action == "SmsPackagesStatistics")
        {
            // The read-only call of the health check: the app id, a page and an hour range (yyyyMMddHH).
            if (request.Fields.GetValueOrDefault("SmsSdkAppId") != Account.SmsSdkAppId)
            {
                return ("InvalidParameterValue.SdkAppIdNotExist", "SmsSdkAppId");
            }

            static bool Hour(string? value) => value is { Length: 10 } && value.All(char.IsAsciiDigit);
            if (!Hour(request.Fields.GetValueOrDefault("BeginTime")) || !Hour(request.Fields.GetValueOrDefault("EndTime"))
                || request.Fields.GetValueOrDefault("Limit") is not ("1" or "10" or "100") || request.Fields.GetValueOrDefault("Offset") != "0")
            {
                return ("InvalidParameter", "SmsPackagesStatistics needs Limit, Offset, BeginTime and EndTime");
            }

            return request.Fields.ContainsKey("PhoneNumberSet") || request.Fields.ContainsKey("TemplateParamSet")
                ? ("UnknownParameter", "a statistics read carries no message")
                : null;
        }

        if (request.PhoneNumberSet.Count != 1 || !request.PhoneNumberSet[0].StartsWith('+'))
        {
            return ("InvalidParameterValue.IncorrectPhoneNumber", "PhoneNumberSet must hold one E.164 number");
        }

        if (request.Fields.GetValueOrDefault("SmsSdkAppId") != Account.SmsSdkAppId)
        {
            return ("InvalidParameterValue.SdkAppIdNotExist", "SmsSdkAppId");
        }

        if (request.Fields.GetValueOrDefault("TemplateId") != Account.TemplateId)
        {
            return ("FailedOperation.TemplateIncorrectOrUnapproved", "TemplateId");
        }

        if (request.Fields.GetValueOrDefault("SignName") != Account.SignName)
        {
            return ("FailedOperation.SignatureIncorrectOrUnapproved", "SignName");
        }

        if (request.TemplateParamSet.Count != 2 || !request.TemplateParamSet[0].All(char.IsAsciiDigit) || request.TemplateParamSet[0].Length is 0 or > 6)
        {
            return ("InvalidParameterValue.TemplateParameterFormatError", "TemplateParamSet must be [code, minutes]");
        }

        return null;
    }

    private static (string[] Phones, string[] Parameters, Dictionary<string, string> Fields) ReadBody(byte[] body)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(body);
            string[] Strings(string name) => document.RootElement.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array
                ? [.. a.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText())]
                : [];
            foreach (var member in document.RootElement.EnumerateObject())
            {
                fields[member.Name] = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString()! : member.Value.GetRawText();
            }

            return (Strings("PhoneNumberSet"), Strings("TemplateParamSet"), fields);
        }
        catch (JsonException)
        {
            return ([], [], fields);
        }
    }
}
