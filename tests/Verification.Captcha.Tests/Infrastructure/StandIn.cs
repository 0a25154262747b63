using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Verification.Captcha.Tests;

/// <summary>What a stand-in received: the raw request as the provider would see it.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The request path.</param>
/// <param name="ContentType">The Content-Type header as sent.</param>
/// <param name="Fields">The form fields, or the JSON members when the body was JSON; empty otherwise.</param>
/// <param name="Body">The raw body.</param>
internal sealed record ReceivedRequest(string Method, string Path, string? ContentType, IReadOnlyDictionary<string, string> Fields, string Body)
{
    public bool IsForm => ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true;

    public bool IsJson => ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true;
}

/// <summary>
/// A real HTTP peer: Kestrel on <c>http://127.0.0.1:0</c> inside the test process, answering every path with
/// <see cref="Handler"/>. It records each request so tests can check what went over the wire.
/// </summary>
internal sealed class StandIn : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private LoopbackServer _server = null!;

    public delegate Task Handler(HttpContext context, ReceivedRequest request, CancellationToken stopping);

    /// <summary>The stand-in's root, for example <c>http://127.0.0.1:43817/</c>.</summary>
    public Uri BaseAddress => _server.BaseAddress;

    /// <summary>The siteverify URL to configure as <c>Endpoint</c>.</summary>
    public Uri Endpoint => new(BaseAddress, "siteverify");

    public IReadOnlyList<ReceivedRequest> Requests => [.. _requests];

    /// <summary>Completes when a request has arrived (and been recorded).</summary>
    public TaskCompletionSource FirstRequest { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<StandIn> StartAsync(Handler handler)
    {
        var self = new StandIn();
        self._server = await LoopbackServer.StartAsync(async (context, stopping) =>
        {
            var received = await ReadAsync(context.Request);
            self._requests.Enqueue(received);
            self.FirstRequest.TrySetResult();
            await handler(context, received, stopping);
        });
        return self;
    }

    /// <summary>Answers a raw body with a status and a content type, exactly as given.</summary>
    public static Handler Raw(int status, string contentType, string body) => async (context, _, _) =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body);
    };

    /// <summary>Answers 200 application/json with <paramref name="json"/>, written as is (no camel-casing).</summary>
    public static Handler Json(string json) => Raw(200, "application/json; charset=utf-8", json);

    /// <summary>Accepts the request and never answers, until the client gives up or the stand-in stops.</summary>
    public static Handler NeverAnswers() => (context, _, stopping) => LoopbackServer.NeverAnswerAsync(context, stopping);

    /// <summary>An address on which nothing listens: a port the OS just handed out and took back.</summary>
    public static Uri ClosedPortEndpoint() => Loopback.ClosedPortUri("siteverify");

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private static async Task<ReceivedRequest> ReadAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var contentType = request.ContentType;
        if (contentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
        {
            foreach (var (key, value) in Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(body))
            {
                fields[key] = value.ToString();
            }
        }
        else if (contentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                foreach (var member in document.RootElement.EnumerateObject())
                {
                    fields[member.Name] = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString()! : member.Value.GetRawText();
                }
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                // An unreadable JSON body carries no fields, as for the real provider.
            }
        }

        return new ReceivedRequest(request.Method, request.Path.Value ?? "/", contentType, fields, body);
    }
}
