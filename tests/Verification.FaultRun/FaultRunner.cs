using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Verification.FaultRun;

/// <summary>
/// The bounded load/fault run: mixed sends and verifies through the HTTP endpoints (Kestrel on loopback)
/// while the SMS providers time out, throttle, fail, drop connections and recover, and then while Redis is killed
/// and restarted. Every answer is checked against threats T8 and T9 of docs/security.md (provider and store failure).
/// </summary>
public static partial class FaultRunner
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
        var progress = new PhaseProgress(options);
        using var scheduler = new CancellationTokenSource();
        var schedulerTask = Task.Run(async () =>
        {
            while (!scheduler.IsCancellationRequested)
            {
                var fraction = progress.Fraction;
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

        await RunWorkersAsync(app, options, report, "139", deliveries, expectStoreFaults: false, cancellationToken, progress: progress);
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

        var progress = new PhaseProgress(options);
        TimeSpan? killedAt = null;
        TimeSpan? restartedAt = null;
        using var scheduler = new CancellationTokenSource();
        var schedulerTask = Task.Run(async () =>
        {
            while (!scheduler.IsCancellationRequested && restartedAt is null)
            {
                // Killed at 30 % of the phase, restarted at 55 %.
                var fraction = progress.Fraction;
                if (redis.Running && killedAt is null && fraction >= 0.3)
                {
                    redis.Stop();
                    killedAt = progress.Elapsed;
                    report.StoreOutages++;
                    options.Log.WriteLine($"[{progress.Elapsed.TotalSeconds:F1} s] redis-server killed");
                }
                else if (!redis.Running && fraction >= 0.55)
                {
                    redis.Start();
                    restartedAt = progress.Elapsed;
                    report.StoreDowntime += restartedAt.Value - killedAt!.Value;
                    options.Log.WriteLine($"[{progress.Elapsed.TotalSeconds:F1} s] redis-server restarted");
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
            progress: progress);
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
}
