using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Verification.FaultRun;

/// <summary>The limits of a run: every phase stops at its time or its request budget, whichever comes first.</summary>
public sealed class FaultRunOptions
{
    /// <summary>How long each phase runs.</summary>
    public TimeSpan PhaseDuration { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The most HTTP requests a phase makes.</summary>
    public int MaxRequestsPerPhase { get; set; } = 20_000;

    /// <summary>Concurrent clients.</summary>
    public int Workers { get; set; } = 8;

    /// <summary>Run the provider-fault phase.</summary>
    public bool Providers { get; set; } = true;

    /// <summary>Run the store-fault phase (needs redis-server on PATH).</summary>
    public bool Store { get; set; } = true;

    /// <summary>Where progress lines go.</summary>
    public TextWriter Log { get; set; } = TextWriter.Null;
}

/// <summary>The figures of a run and every violation found.</summary>
public sealed class FaultRunReport
{
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly ConcurrentDictionary<string, long> _answers = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<double> _latencies = [];
    private long _requests;
    private long _sends;
    private long _verifies;

    public long Requests => Interlocked.Read(ref _requests);

    public long Sends => Interlocked.Read(ref _sends);

    public long Verifies => Interlocked.Read(ref _verifies);

    public long ProviderFaults { get; internal set; }

    public long BackupFaults { get; internal set; }

    public long StoreOutages { get; internal set; }

    public TimeSpan StoreDowntime { get; internal set; }

    public long CircuitOpenings { get; internal set; }

    public bool CircuitClosedAgain { get; internal set; }

    public long RefundChecks;

    public long DeliveredMessages { get; internal set; }

    public long PersistedAfterRestart;

    public TimeSpan? RecoveryAfterRestart { get; internal set; }

    public int ThreadsStart { get; internal set; }

    public int ThreadsEnd { get; internal set; }

    public long ManagedBytesStart { get; internal set; }

    public long ManagedBytesEnd { get; internal set; }

    public IReadOnlyList<string> Violations => [.. _violations];

    public IReadOnlyDictionary<string, long> Answers => _answers;

    public bool Passed => _violations.IsEmpty;

    internal void Violation(string text)
    {
        if (_violations.Count < 200)
        {
            _violations.Enqueue(text);
        }
    }

    internal void Answer(string kind, string answer, TimeSpan latency)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Increment(ref kind == "send" ? ref _sends : ref _verifies);
        _answers.AddOrUpdate($"{kind} {answer}", 1, (_, n) => n + 1);
        _latencies.Add(latency.TotalMilliseconds);
    }

    public double LatencyPercentile(double p)
    {
        var sorted = _latencies.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }

    public void Print(TextWriter writer)
    {
        writer.WriteLine("Verification fault run");
        writer.WriteLine($"  requests under load:        {Requests} ({Sends} sends, {Verifies} verifies)");
        writer.WriteLine($"  latency ms p50/p99/max:     {LatencyPercentile(0.5):F0} / {LatencyPercentile(0.99):F0} / {LatencyPercentile(1):F0}");
        writer.WriteLine($"  messages delivered:         {DeliveredMessages}");
        writer.WriteLine($"  provider faults injected:   {ProviderFaults} (stand-in) + {BackupFaults} (backup sender)");
        writer.WriteLine($"  deliveries short-circuited: {CircuitOpenings} (circuit open), closed again: {(CircuitClosedAgain ? "yes" : "no")}");
        writer.WriteLine($"  cooldown refunds checked:   {Interlocked.Read(ref RefundChecks)}");
        writer.WriteLine($"  store outages:              {StoreOutages} ({StoreDowntime.TotalSeconds:F1} s down), recovered {(RecoveryAfterRestart is { } r ? $"{r.TotalSeconds:F1} s after restart" : "-")}");
        writer.WriteLine($"  codes sent before a restart and verified after it: {Interlocked.Read(ref PersistedAfterRestart)}");
        writer.WriteLine($"  threads start/end:          {ThreadsStart} / {ThreadsEnd}; managed MB start/end: {ManagedBytesStart / 1048576.0:F1} / {ManagedBytesEnd / 1048576.0:F1}");
        foreach (var (answer, count) in _answers.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            writer.WriteLine($"    {answer}: {count}");
        }

        writer.WriteLine($"  failures:                   {_violations.Count}");
        foreach (var violation in _violations)
        {
            writer.WriteLine("    VIOLATION " + violation);
        }
    }
}

/// <summary>
/// The bounded load/fault run: mixed sends and verifies through the HTTP endpoints (Kestrel on loopback)
/// while the SMS providers time out, throttle, fail, drop connections and recover, and then while Redis is killed
/// and restarted. Every answer is checked against threats T8 and T9 of docs/security.md (provider and store failure).
/// </summary>
public static class FaultRunner
{
    /// <summary>The longest any answer may take: retries and failover within the delivery timeout, or the store's timeouts.</summary>
    public static readonly TimeSpan AnswerBound = TimeSpan.FromSeconds(12);

    private static readonly HashSet<string> Documented =
    [
        "invalid_argument", "invalid_phone_number", "failed_precondition", "invalid_verification_code", "user_not_found",
        "already_exists", "invalid_verification_token", "invalid_captcha", "captcha_expired", "captcha_used", "captcha_invalid",
        "captcha_required", "rate_limit_exceeded", "not_found", "method_not_allowed", "unavailable",
    ];

    public static async Task<FaultRunReport> RunAsync(FaultRunOptions options, CancellationToken cancellationToken = default)
    {
        var report = new FaultRunReport();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        report.ThreadsStart = Process.GetCurrentProcess().Threads.Count;
        report.ManagedBytesStart = GC.GetTotalMemory(forceFullCollection: true);
        if (options.Providers)
        {
            await ProviderPhaseAsync(options, report, cancellationToken);
        }

        if (options.Store)
        {
            await StorePhaseAsync(options, report, cancellationToken);
        }

        // Let abandoned connections, timers and IHttpClientFactory's handler cleanup (every 10 s) wind down before
        // measuring growth: up to 30 s, and no longer than it takes the heap to return within the bound.
        var settle = Stopwatch.StartNew();
        do
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            report.ManagedBytesEnd = GC.GetTotalMemory(forceFullCollection: true);
        }
        while (report.ManagedBytesEnd > report.ManagedBytesStart + (256L << 20) && settle.Elapsed < TimeSpan.FromSeconds(30));

        report.ThreadsEnd = Process.GetCurrentProcess().Threads.Count;
        if (report.ThreadsEnd > report.ThreadsStart + 64)
        {
            report.Violation($"threads grew from {report.ThreadsStart} to {report.ThreadsEnd}");
        }

        if (report.ManagedBytesEnd > report.ManagedBytesStart + (256L << 20))
        {
            report.Violation($"managed memory grew from {report.ManagedBytesStart >> 20} MB to {report.ManagedBytesEnd >> 20} MB");
        }

        return report;
    }

    private static async Task ProviderPhaseAsync(FaultRunOptions options, FaultRunReport report, CancellationToken cancellationToken)
    {
        var deliveries = new DeliveryLog();
        await using var provider = await ProviderStandIn.StartAsync(deliveries);
        var backup = new BackupSender(deliveries);
        var logs = new LogCapture();
        await using var app = await AppHost.StartAsync(logs, b => b
            .AddTwilioSms(o =>
            {
                o.AccountSid = ProviderStandIn.AccountSid;
                o.AuthToken = ProviderStandIn.AuthToken;
                o.From = ProviderStandIn.From;
                o.Endpoint = provider.Endpoint;
            })
            .AddSmsSender(backup));

        // The schedule, as fractions of the phase: healthy, then every fault, the backup failing too in places so
        // that some sends fail outright (their cooldown must be refunded), then a long healthy tail to recover in.
        (double Until, ProviderMode Mode, bool BackupDown)[] schedule =
        [
            (0.10, ProviderMode.Ok, false),
            (0.20, ProviderMode.Throttle, false),
            (0.30, ProviderMode.ServerError, false),
            (0.38, ProviderMode.ServerError, true),
            (0.48, ProviderMode.Hang, false),
            (0.56, ProviderMode.Drop, true),
            (0.64, ProviderMode.Unavailable, false),
            (0.70, ProviderMode.Throttle, true),
            (1.00, ProviderMode.Ok, false),
        ];
        var clock = Stopwatch.StartNew();
        using var scheduler = new CancellationTokenSource();
        var schedulerTask = Task.Run(async () =>
        {
            while (!scheduler.IsCancellationRequested)
            {
                var fraction = clock.Elapsed / options.PhaseDuration;
                var step = schedule.FirstOrDefault(s => fraction < s.Until, schedule[^1]);
                provider.Mode = step.Mode;
                backup.Down = step.BackupDown;
                try
                {
                    await Task.Delay(50, scheduler.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }, CancellationToken.None);

        await RunWorkersAsync(app, options, report, "139", deliveries, expectStoreFaults: false, cancellationToken);
        await scheduler.CancelAsync();
        await schedulerTask;

        report.ProviderFaults += provider.Faults;
        report.BackupFaults += backup.Faults;
        foreach (var problem in provider.Problems)
        {
            report.Violation(problem);
        }

        report.DeliveredMessages += deliveries.Total;
        foreach (var duplicate in deliveries.Duplicates)
        {
            report.Violation($"a message was delivered {duplicate.Count} times");
        }

        var broken = logs.Lines.Where(l => l.ExceptionType == "BrokenCircuitException").ToList();
        report.CircuitOpenings += broken.Count;
        if (broken.Count == 0)
        {
            report.Violation("the circuit of the failing provider never opened");
        }
        else
        {
            var lastOpen = broken.Max(l => l.At);
            report.CircuitClosedAgain = provider.Delivered.Any(d => d.At > lastOpen);
            if (!report.CircuitClosedAgain)
            {
                report.Violation("the circuit never closed again: the recovered provider delivered nothing after its last open state");
            }
        }

        CheckLogs(logs, deliveries, report);
    }

    private static async Task StorePhaseAsync(FaultRunOptions options, FaultRunReport report, CancellationToken cancellationToken)
    {
        using var redis = new RedisProcess(durable: true);
        var deliveries = new DeliveryLog();
        var outbox = new BackupSender(deliveries);
        var logs = new LogCapture();
        var prefix = "faultrun-" + Guid.NewGuid().ToString("N");
        await using var app = await AppHost.StartAsync(logs, b => b
            .UseRedisStore(o =>
            {
                o.Configuration = $"127.0.0.1:{redis.Port},abortConnect=false,connectTimeout=1000,syncTimeout=1500,asyncTimeout=1500,connectRetry=1";
                o.KeyPrefix = prefix;
            })
            .AddSmsSender(outbox));

        var clock = Stopwatch.StartNew();
        var killAt = options.PhaseDuration * 0.3;
        var restartAt = options.PhaseDuration * 0.55;
        TimeSpan? restartedAt = null;
        using var scheduler = new CancellationTokenSource();
        var schedulerTask = Task.Run(async () =>
        {
            while (!scheduler.IsCancellationRequested && restartedAt is null)
            {
                if (redis.Running && clock.Elapsed >= killAt && clock.Elapsed < restartAt)
                {
                    redis.Stop();
                    report.StoreOutages++;
                    options.Log.WriteLine($"[{clock.Elapsed.TotalSeconds:F1} s] redis-server killed");
                }
                else if (!redis.Running && clock.Elapsed >= restartAt)
                {
                    redis.Start();
                    restartedAt = clock.Elapsed;
                    report.StoreDowntime += clock.Elapsed - killAt;
                    options.Log.WriteLine($"[{clock.Elapsed.TotalSeconds:F1} s] redis-server restarted");
                }

                try
                {
                    await Task.Delay(50, scheduler.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }, CancellationToken.None);

        var firstSuccessAfterRestart = new ConcurrentQueue<TimeSpan>();
        var pending = new ConcurrentQueue<PendingCode>();
        await RunWorkersAsync(
            app,
            options,
            report,
            "138",
            deliveries,
            expectStoreFaults: true,
            cancellationToken,
            onSent: (code, sentAt) =>
            {
                if (restartedAt is { } restarted && sentAt > restarted)
                {
                    firstSuccessAfterRestart.Enqueue(sentAt - restarted);
                }
                else if (restartedAt is null)
                {
                    pending.Enqueue(code);
                }
            },
            clock: clock);
        await scheduler.CancelAsync();
        await schedulerTask;
        if (!redis.Running)
        {
            redis.Start();
        }

        report.DeliveredMessages += deliveries.Total;
        foreach (var duplicate in deliveries.Duplicates)
        {
            report.Violation($"a message was delivered {duplicate.Count} times");
        }
        if (firstSuccessAfterRestart.IsEmpty)
        {
            report.Violation("no send succeeded after Redis was restarted: the service did not recover by itself");
        }
        else
        {
            report.RecoveryAfterRestart = firstSuccessAfterRestart.Min();
        }

        // No success without persistence: every code answered 200 before the outage ended is still in Redis and
        // verifies now (or was verified, possibly by an answer the outage swallowed).
        using var client = app.CreateClient();
        foreach (var code in pending.Where(p => !p.Verified))
        {
            var (status, body) = await PostAsync(client, "/auth/v1/verification/verify", new { verification_id = code.VerificationId, verification_code = code.Code }, cancellationToken);
            if (status == HttpStatusCode.OK)
            {
                Interlocked.Increment(ref report.PersistedAfterRestart);
            }
            else if (!(code.VerifyInDoubt && ErrorReason(body) == "used"))
            {
                report.Violation($"a code answered 200 before the restart does not verify after it: {(int)status} {body}");
            }
        }

        var failedClosed = logs.Lines.Count(l => l.EventId == 1004);
        options.Log.WriteLine($"store failures logged (fail closed): {failedClosed}");
        CheckLogs(logs, deliveries, report);
    }

    private sealed class PendingCode(string verificationId, string code)
    {
        public string VerificationId { get; } = verificationId;

        public string Code { get; } = code;

        public volatile bool Verified;

        public volatile bool VerifyInDoubt;
    }

    private static async Task RunWorkersAsync(
        AppHost app,
        FaultRunOptions options,
        FaultRunReport report,
        string phonePrefix,
        DeliveryLog deliveries,
        bool expectStoreFaults,
        CancellationToken cancellationToken,
        Action<PendingCode, TimeSpan>? onSent = null,
        Stopwatch? clock = null)
    {
        clock ??= Stopwatch.StartNew();
        var budget = options.MaxRequestsPerPhase;
        // Each worker owns its numbers and sends one at a time, so the count for a number changes only through that
        // worker's own send.
        int DeliveredTo(string e164, out string? lastBody) => deliveries.CountTo(e164, out lastBody);

        async Task WorkerAsync(int worker)
        {
            using var client = app.CreateClient();
            var number = 0;
            var retrySameAfterFailure = false;
            while (clock.Elapsed < options.PhaseDuration && Interlocked.Decrement(ref budget) >= 0 && !cancellationToken.IsCancellationRequested)
            {
                if (!retrySameAfterFailure)
                {
                    number++;
                }

                var national = $"{phonePrefix}{worker % 100:D2}{number % 1_000_000:D6}";
                var e164 = "+86" + national;
                var before = DeliveredTo(e164, out _);
                var started = clock.Elapsed;
                var (status, body) = await TimedAsync(client, report, "send", "/auth/v1/verification", new { phone_number = "+86 " + national }, cancellationToken);
                var after = DeliveredTo(e164, out var messageBody);
                var wasRetry = retrySameAfterFailure;
                retrySameAfterFailure = false;
                if (status == HttpStatusCode.OK)
                {
                    if (after - before != 1)
                    {
                        report.Violation($"a send answered 200 but {after - before} messages went out");
                        continue;
                    }

                    var verificationId = JsonDocument.Parse(body).RootElement.GetProperty("verification_id").GetString()!;
                    var code = new PendingCode(verificationId, ExtractCode(messageBody!));
                    onSent?.Invoke(code, started);
                    if (number % 5 == 0)
                    {
                        var wrong = code.Code[..^1] + (char)('0' + ((code.Code[^1] - '0' + 1) % 10));
                        var (wrongStatus, wrongBody) = await TimedAsync(client, report, "verify", "/auth/v1/verification/verify", new { verification_id = verificationId, verification_code = wrong }, cancellationToken);
                        if (wrongStatus == HttpStatusCode.OK)
                        {
                            report.Violation("a wrong code verified");
                        }
                        else if (wrongStatus != HttpStatusCode.BadRequest && !(expectStoreFaults && wrongStatus == HttpStatusCode.ServiceUnavailable))
                        {
                            report.Violation($"a wrong code got {(int)wrongStatus} {wrongBody}");
                        }
                    }

                    var (verifyStatus, verifyBody) = await TimedAsync(client, report, "verify", "/auth/v1/verification/verify", new { verification_id = verificationId, verification_code = code.Code }, cancellationToken);
                    if (verifyStatus == HttpStatusCode.OK)
                    {
                        code.Verified = true;
                    }
                    else if (expectStoreFaults && verifyStatus == HttpStatusCode.ServiceUnavailable)
                    {
                        code.VerifyInDoubt = true; // tried again once the store is back
                    }
                    else
                    {
                        report.Violation($"the delivered code of a 200 send did not verify: {(int)verifyStatus} {verifyBody}");
                    }
                }
                else
                {
                    if (after != before)
                    {
                        report.Violation($"a send answered {(int)status} {ErrorOf(body)} but a message went out (sent without a stored record)");
                    }

                    if (status == HttpStatusCode.ServiceUnavailable)
                    {
                        // Refund: the very next send to this number must not meet the cooldown.
                        retrySameAfterFailure = true;

                        // A store that is down now fails at once (the Redis client fails fast instead of queueing), so
                        // back off as a real client would: a tight retry loop would spend the phase's whole request
                        // budget before Redis is restarted, and the recovery would never be exercised.
                        await Task.Delay(TimeSpan.FromMilliseconds(25), cancellationToken).ConfigureAwait(false);
                    }
                    else if (status == HttpStatusCode.TooManyRequests && ErrorReason(body) == "resend_cooldown" && wasRetry && !expectStoreFaults)
                    {
                        report.Violation("a failed send's cooldown was not refunded: the retry met resend_cooldown");
                    }
                    else if (!expectStoreFaults || status != HttpStatusCode.TooManyRequests)
                    {
                        report.Violation($"unexpected answer to a send: {(int)status} {body}");
                    }

                    if (wasRetry && status != HttpStatusCode.TooManyRequests)
                    {
                        Interlocked.Increment(ref report.RefundChecks);
                    }
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, options.Workers).Select(w => Task.Run(() => WorkerAsync(w), CancellationToken.None)));
    }

    private static async Task<(HttpStatusCode Status, string Body)> TimedAsync(HttpClient client, FaultRunReport report, string kind, string path, object payload, CancellationToken cancellationToken)
    {
        var timer = Stopwatch.StartNew();
        HttpStatusCode status;
        string body;
        try
        {
            (status, body) = await PostAsync(client, path, payload, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            report.Answer(kind, "no answer", timer.Elapsed);
            report.Violation($"{kind}: no answer within {client.Timeout.TotalSeconds:F0} s ({e.GetType().Name})");
            return (0, string.Empty);
        }

        var elapsed = timer.Elapsed;
        var error = ErrorOf(body);
        report.Answer(kind, status == HttpStatusCode.OK ? "200" : $"{(int)status} {error}/{ErrorReason(body)}", elapsed);
        if (elapsed > AnswerBound)
        {
            report.Violation($"{kind}: answered after {elapsed.TotalSeconds:F1} s, more than {AnswerBound.TotalSeconds:F0} s");
        }

        if ((int)status >= 500 && status != HttpStatusCode.ServiceUnavailable)
        {
            report.Violation($"{kind}: {(int)status} {body}");
        }
        else if (status != HttpStatusCode.OK && (error is null || !Documented.Contains(error)))
        {
            report.Violation($"{kind}: undocumented answer {(int)status} {body}");
        }

        return (status, body);
    }

    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(HttpClient client, string path, object payload, CancellationToken cancellationToken)
    {
        using var content = new StringContent(JsonSerializer.Serialize(payload), Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(path, content, cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    private static string? ErrorOf(string body) => Property(body, "error", null);

    private static string? ErrorReason(string body) => Property(body, "details", "reason");

    private static string? Property(string body, string name, string? inner)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (!document.RootElement.TryGetProperty(name, out var value))
            {
                return null;
            }

            if (inner is not null)
            {
                return value.ValueKind == JsonValueKind.Object && value.TryGetProperty(inner, out var nested) ? nested.GetString() : null;
            }

            return value.GetString();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string ExtractCode(string body) =>
        System.Text.RegularExpressions.Regex.Match(body, "[0-9]{10}").Value;

    /// <summary>No code, token or credential in any log line; contacts only masked.</summary>
    private static void CheckLogs(LogCapture logs, DeliveryLog deliveries, FaultRunReport report)
    {
        var codes = deliveries.Codes;
        var numbers = deliveries.NationalNumbers;
        foreach (var line in logs.Lines)
        {
            if (line.Text.Contains(ProviderStandIn.AuthToken, StringComparison.Ordinal) || line.Text.Contains(AppHost.HashKey, StringComparison.Ordinal))
            {
                report.Violation($"a credential in the log line {line.EventId}");
            }

            foreach (System.Text.RegularExpressions.Match run in System.Text.RegularExpressions.Regex.Matches(line.Text, "[0-9]{11}"))
            {
                if (numbers.Contains(run.Value))
                {
                    report.Violation($"an unmasked phone number in the log line {line.EventId}");
                }
            }

            foreach (System.Text.RegularExpressions.Match run in System.Text.RegularExpressions.Regex.Matches(line.Text, "[0-9]{10}"))
            {
                if (codes.Contains(run.Value))
                {
                    report.Violation($"a code in the log line {line.EventId}");
                }
            }

            if (line.Text.Contains("eyJ", StringComparison.Ordinal))
            {
                report.Violation($"a token in the log line {line.EventId}");
            }
        }
    }
}

/// <summary>The service with its HTTP endpoints on Kestrel at 127.0.0.1:0, set up for a load run.</summary>
internal sealed class AppHost : IAsyncDisposable
{
    public static readonly string HashKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string SigningSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private readonly WebApplication _app;

    private AppHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<AppHost> StartAsync(LogCapture logs, Action<IVerificationBuilder> configure)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(logs);

        // IHttpClientFactory keeps each handler (and through its scope the whole stopped host: store, logs) for the
        // handler lifetime, 2 minutes by default, and then until its cleanup timer runs. A short lifetime lets the
        // run measure memory after its hosts are really gone.
        builder.Services.ConfigureHttpClientDefaults(static b => b.SetHandlerLifetime(TimeSpan.FromSeconds(1)));
        var verification = builder.Services.AddVerification(o =>
        {
            o.Tokens.Algorithm = "HS256";
            o.Tokens.SigningKeys.Add(new SigningKeyOptions { KeyId = "faultrun", Secret = SigningSecret });
            o.Tokens.HashKey = HashKey;
            o.Code.Length = 10; // a duplicate delivery is then told apart from a repeated code with certainty
            // A delivery that times out fails over by design (docs/providers.md), so a provider that accepted the
            // message but answered after the timeout gives a second delivery. Hung requests wait this long; 3 s keeps
            // a scheduler stall of this busy 2-core process from passing for a hung provider.
            o.Delivery.Timeout = TimeSpan.FromSeconds(3);
            o.Delivery.MaxRetries = 2;
            o.Delivery.RetryDelay = TimeSpan.FromMilliseconds(20);
            o.Delivery.CircuitBreaker.MinimumThroughput = 10;
            o.Delivery.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(2);
            o.Delivery.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(1);
            o.Throttling.PerIp = new RateWindow(0, TimeSpan.FromHours(1));
            o.Throttling.PerDevice = new RateWindow(0, TimeSpan.FromHours(1));
            o.Throttling.PerNumberPrefix = new RateWindow(0, TimeSpan.FromHours(1));
            o.Throttling.ContactBurst = new RateWindow(0, TimeSpan.FromMinutes(10));
            o.Throttling.GlobalSmsPerDay = 0;
            o.Throttling.GlobalSmsPerHour = 0;
            o.Throttling.GlobalSmsPerRegionPerHour = 0;
            o.Throttling.SmsPerPrefixPerHour = 0;
            o.Throttling.GlobalEmailPerDay = 0;
            o.Throttling.GlobalEmailPerHour = 0;
        });
        configure(verification);
        var app = builder.Build();
        app.MapVerificationEndpoints();
        await app.StartAsync();
        return new AppHost(app, new Uri(app.Urls.Single()));
    }

    public HttpClient CreateClient() => new() { BaseAddress = Address, Timeout = FaultRunner.AnswerBound + TimeSpan.FromSeconds(8) };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
