using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace Verification.FaultRun;

/// <summary>How the provider stand-in answers right now.</summary>
public enum ProviderMode
{
    /// <summary>201 with a message sid: the message is delivered.</summary>
    Ok,

    /// <summary>429 (Twilio 20429): not processed, may be retried.</summary>
    Throttle,

    /// <summary>500: may have been processed; must not be retried blindly.</summary>
    ServerError,

    /// <summary>503: may have been processed; must not be retried blindly.</summary>
    Unavailable,

    /// <summary>Reads the request, then aborts the connection without an answer.</summary>
    Drop,

    /// <summary>Reads the request and never answers (until the client gives up).</summary>
    Hang,
}

/// <summary>One message as a provider saw it.</summary>
/// <param name="To">The recipient.</param>
/// <param name="Body">The text.</param>
public readonly record struct MessageKey(string To, string Body);

/// <summary>Every delivered message of a phase, by recipient, from every provider.</summary>
public sealed class DeliveryLog
{
    private readonly ConcurrentDictionary<string, (int Count, string LastBody)> _byRecipient = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<MessageKey, int> _byMessage = new();
    private long _total;

    public long Total => Interlocked.Read(ref _total);

    /// <summary>Every recipient's national digits (what an unmasked number in a log would show).</summary>
    public IReadOnlySet<string> NationalNumbers => _byRecipient.Keys.Where(k => k.StartsWith("+86", StringComparison.Ordinal)).Select(k => k[3..]).ToHashSet(StringComparer.Ordinal);

    /// <summary>Every code that went out (the 10-digit run of each body).</summary>
    public IReadOnlySet<string> Codes => _byMessage.Keys.Select(m => System.Text.RegularExpressions.Regex.Match(m.Body, "[0-9]{10}").Value).Where(c => c.Length > 0).ToHashSet(StringComparer.Ordinal);

    /// <summary>Messages delivered more than once (by any provider or several).</summary>
    public IEnumerable<(MessageKey Message, int Count)> Duplicates => _byMessage.Where(m => m.Value > 1).Select(m => (m.Key, m.Value));

    public void Record(MessageKey message)
    {
        Interlocked.Increment(ref _total);
        _byMessage.AddOrUpdate(message, 1, (_, n) => n + 1);
        _byRecipient.AddOrUpdate(message.To, (1, message.Body), (_, e) => (e.Count + 1, message.Body));
    }

    public int CountTo(string to, out string? lastBody)
    {
        if (_byRecipient.TryGetValue(to, out var entry))
        {
            lastBody = entry.LastBody;
            return entry.Count;
        }

        lastBody = null;
        return 0;
    }
}

/// <summary>
/// A Twilio Messages API stand-in on Kestrel at 127.0.0.1:0 whose answers follow <see cref="Mode"/>. Only a 201
/// answer delivers. It records every message, and flags a message that comes again after an answer that was not
/// a 429 (a blind retry of something that may have been delivered).
/// </summary>
public sealed class ProviderStandIn : IAsyncDisposable
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "auth-token-fault-run-0f1e2d3c4b5a6978";
    public const string From = "+15005550006";

    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<MessageKey, string> _lastAnswer = new();
    private readonly ConcurrentQueue<(MessageKey Message, DateTimeOffset At)> _delivered = new();
    private readonly ConcurrentQueue<string> _problems = new();
    private volatile ProviderMode _mode;
    private long _received;
    private long _faults;

    private ProviderStandIn(WebApplication app, DeliveryLog log)
    {
        _app = app;
        Log = log;
    }

    public DeliveryLog Log { get; }

    public Uri Endpoint { get; private set; } = null!;

    public ProviderMode Mode
    {
        get => _mode;
        set => _mode = value;
    }

    public long Received => Interlocked.Read(ref _received);

    /// <summary>Answers other than 201 (throttles, errors, drops, hangs).</summary>
    public long Faults => Interlocked.Read(ref _faults);

    public IReadOnlyList<(MessageKey Message, DateTimeOffset At)> Delivered => [.. _delivered];

    public IReadOnlyList<string> Problems => [.. _problems];

    public static async Task<ProviderStandIn> StartAsync(DeliveryLog log)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var self = new ProviderStandIn(app, log);
        app.Run(self.HandleAsync);
        await app.StartAsync();
        self.Endpoint = new Uri(app.Urls.Single().TrimEnd('/') + "/");
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var form = QueryHelpers.ParseQuery(await reader.ReadToEndAsync());
        var message = new MessageKey(form["To"].ToString(), form["Body"].ToString());
        Interlocked.Increment(ref _received);
        var mode = _mode;
        if (_lastAnswer.TryGetValue(message, out var previous) && previous != "429")
        {
            _problems.Enqueue($"blind retry: a message to {Mask(message.To)} came again after the answer {previous}");
        }

        _lastAnswer[message] = mode switch
        {
            ProviderMode.Ok => "201",
            ProviderMode.Throttle => "429",
            ProviderMode.ServerError => "500",
            ProviderMode.Unavailable => "503",
            ProviderMode.Drop => "dropped connection",
            _ => "no answer",
        };
        if (mode != ProviderMode.Ok)
        {
            Interlocked.Increment(ref _faults);
        }

        switch (mode)
        {
            case ProviderMode.Ok:
                _delivered.Enqueue((message, DateTimeOffset.UtcNow));
                Log.Record(message);
                context.Response.StatusCode = 201;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync($$"""{"sid":"SM{{Guid.NewGuid():N}}","status":"queued"}""");
                break;
            case ProviderMode.Throttle:
                await ErrorAsync(context, 429, 20429);
                break;
            case ProviderMode.ServerError:
                await ErrorAsync(context, 500, 20500);
                break;
            case ProviderMode.Unavailable:
                await ErrorAsync(context, 503, 20503);
                break;
            case ProviderMode.Drop:
                context.Abort();
                break;
            default:
                using (var either = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token))
                {
                    try
                    {
                        await Task.Delay(Timeout.Infinite, either.Token);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }

                break;
        }
    }

    private static Task ErrorAsync(HttpContext context, int status, int code)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync($$"""{"code":{{code}},"message":"fault","more_info":"https://www.twilio.com/docs/errors/{{code}}","status":{{status}}}""");
    }

    private static string Mask(string to) => to.Length > 6 ? to[..4] + "****" + to[^2..] : "****";
}

/// <summary>An in-process second SMS provider that fails while <see cref="Down"/> is set and otherwise delivers.</summary>
public sealed class BackupSender(DeliveryLog log) : ISmsSender, IEmailSender
{
    private readonly ConcurrentQueue<(MessageKey Message, DateTimeOffset At)> _delivered = new();
    private volatile bool _down;
    private long _faults;

    public string Name => "backup";

    public bool Down
    {
        get => _down;
        set => _down = value;
    }

    public long Faults => Interlocked.Read(ref _faults);

    public IReadOnlyList<(MessageKey Message, DateTimeOffset At)> Delivered => [.. _delivered];

    public ValueTask SendAsync(VerificationMessage message, CancellationToken cancellationToken = default)
    {
        if (_down)
        {
            Interlocked.Increment(ref _faults);
            throw new DeliveryException(DeliveryFailureKind.Unknown, "The backup provider is down (fault run).");
        }

        var key = new MessageKey(message.To, message.Body);
        _delivered.Enqueue((key, DateTimeOffset.UtcNow));
        log.Record(key);
        return ValueTask.CompletedTask;
    }
}

/// <summary>One captured log line, with everything a secret could hide in.</summary>
/// <param name="Category">The logger category.</param>
/// <param name="Level">The level.</param>
/// <param name="EventId">The event id.</param>
/// <param name="Text">The formatted message, the state's values, and the exception's type, message and stack.</param>
/// <param name="ExceptionType">The exception's type name, when there is one.</param>
/// <param name="At">When it was logged.</param>
public sealed record LogLine(string Category, LogLevel Level, int EventId, string Text, string? ExceptionType, DateTimeOffset At);

/// <summary>A logger provider that keeps every line at every level (Trace included).</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    public IReadOnlyList<LogLine> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = new System.Text.StringBuilder(formatter(state, exception));
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    text.Append(" | ").Append(key).Append('=').Append(value);
                }
            }

            if (exception is not null)
            {
                text.Append(" | ").Append(exception);
            }

            owner._lines.Enqueue(new LogLine(category, logLevel, eventId.Id, text.ToString(), exception?.GetType().Name, DateTimeOffset.UtcNow));
        }
    }
}
