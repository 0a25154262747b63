using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using StackExchange.Redis;
using Verification.Redis;

namespace Verification.Benchmarks;

/// <summary>
/// The single-slot ceiling (not BenchmarkDotNet): how many sends + verifies per second one Redis master sustains through
/// <see cref="RedisCodeStore"/>. Every key of a deployment shares one hash tag, so one master serves the deployment
/// however large the cluster. <c>callers</c> concurrent loops each save a record with the charges of a default SMS
/// send (the service's own charge plan) and attempt it with the right hash, over one multiplexer, for <c>pairs</c>
/// pairs in all. Also measured, from <c>INFO commandstats</c> over a sequential run: the commands Redis runs per save
/// and per attempt (inside the scripts) and the microseconds it spends on each — the server-side cost of the scripts.
/// Redis is at <c>VERIFICATION_BENCH_REDIS</c> (benchmarks/run.sh starts one), else <c>VERIFICATION_TEST_REDIS</c>.
/// </summary>
internal static class RedisCeiling
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    public static int Run(int pairs, int callers)
    {
        var address = RedisBenchmarks.Address ?? throw new InvalidOperationException("Set VERIFICATION_BENCH_REDIS=host:port (benchmarks/run.sh starts a Redis).");
        var configuration = ConfigurationOptions.Parse(address);
        configuration.AllowAdmin = true;
        using var redis = ConnectionMultiplexer.Connect(configuration);
        var server = redis.GetServers().First(s => !s.IsReplica);
        var store = new RedisCodeStore(redis, new RedisStoreOptions { KeyPrefix = "ceiling-" + Guid.NewGuid().ToString("N")[..8] });
        var plan = new ChargePlan(Setup.Options("HS256", new Keys()).Throttling, alwaysRequireCaptcha: false);
        var phones = Setup.Phones(pairs + 4000).Select(p => p.Replace(" ", string.Empty, StringComparison.Ordinal)).ToArray();
        var hash = RandomNumberGenerator.GetBytes(32);
        var clock = new SteppingClock(TimeSpan.FromMilliseconds(10));
        var next = -1;

        async Task Pair(string phone)
        {
            var contact = new ParsedContact(VerificationChannel.Sms, phone, phone, "CN");
            var now = clock.GetUtcNow();
            var record = new CodeRecord { Id = Guid.NewGuid(), ContactKey = phone, CodeHash = hash, ExpiresAt = now + Lifetime };
            var saved = await store.SaveAsync(record, plan.ForSend(contact, null), waiveSoftLimits: false, now).ConfigureAwait(false);
            if (saved.Status != SaveStatus.Saved)
            {
                throw new InvalidOperationException($"Refused: {saved.RefusedBy?.Reason}");
            }

            var attempt = await store.AttemptAsync(record.Id, hash, 5, plan.ForVerify(phone), now).ConfigureAwait(false);
            if (attempt.Status != AttemptStatus.Verified)
            {
                throw new InvalidOperationException(attempt.Status.ToString());
            }
        }

        async Task Caller(int count, int offset)
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await Pair(phones[offset + i]).ConfigureAwait(false);
            }
        }

        // Server-side cost: a short sequential run, saves then attempts, each between two INFO commandstats readings.
        var sample = Math.Min(1000, Math.Max(10, pairs / 10));
        var (saveCommands, saveMicroseconds, attemptCommands, attemptMicroseconds) = ServerCost(server, store, plan, phones.AsSpan(pairs, Math.Min(sample, 4000)).ToArray(), hash, clock);

        // Warm-up, then the measured run: every caller takes the next number until the count is reached.
        Task.WaitAll([.. Enumerable.Range(0, callers).Select(_ => Caller(Math.Min(200, pairs), pairs + 2000))]);
        next = -1;
        var timer = Stopwatch.StartNew();
        Task.WaitAll([.. Enumerable.Range(0, callers).Select(_ => Caller(pairs, 0))]);
        var rate = pairs / timer.Elapsed.TotalSeconds;

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"redis-ceiling: {pairs} send+verify pairs through the store by {callers} concurrent callers on one master: {rate:F0} pairs/s ({2 * rate:F0} store operations/s)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  inside Redis per save:    {saveCommands,5:F1} commands, {saveMicroseconds,6:F1} µs"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  inside Redis per attempt: {attemptCommands,5:F1} commands, {attemptMicroseconds,6:F1} µs"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT redis-ceiling pairs_s={rate:F0} callers={callers} pairs={pairs} save_commands={saveCommands:F1} save_us={saveMicroseconds:F1} attempt_commands={attemptCommands:F1} attempt_us={attemptMicroseconds:F1}"));
        return 0;
    }

    private static (double SaveCommands, double SaveMicroseconds, double AttemptCommands, double AttemptMicroseconds) ServerCost(
        IServer server, RedisCodeStore store, ChargePlan plan, string[] phones, byte[] hash, TimeProvider clock)
    {
        var records = new (Guid Id, string Phone)[phones.Length];
        var before = CommandStats(server);
        for (var i = 0; i < phones.Length; i++)
        {
            var now = clock.GetUtcNow();
            var contact = new ParsedContact(VerificationChannel.Sms, phones[i], phones[i], "CN");
            var record = new CodeRecord { Id = Guid.NewGuid(), ContactKey = phones[i], CodeHash = hash, ExpiresAt = now + Lifetime };
            _ = Sync.Wait(store.SaveAsync(record, plan.ForSend(contact, null), waiveSoftLimits: false, now));
            records[i] = (record.Id, phones[i]);
        }

        var saved = CommandStats(server);
        foreach (var (id, phone) in records)
        {
            _ = Sync.Wait(store.AttemptAsync(id, hash, 5, plan.ForVerify(phone), clock.GetUtcNow()));
        }

        var attempted = CommandStats(server);
        double Per(double total) => total / phones.Length;
        return (
            Per(saved.Calls - before.Calls - (saved.Scripts - before.Scripts)),
            Per(saved.Microseconds - before.Microseconds),
            Per(attempted.Calls - saved.Calls - (attempted.Scripts - saved.Scripts)),
            Per(attempted.Microseconds - saved.Microseconds));
    }

    /// <summary>
    /// From <c>INFO commandstats</c>: every command call (script calls and the commands they ran), the script calls
    /// alone, and the microseconds spent in script calls (which include the commands they ran).
    /// </summary>
    private static (long Calls, long Scripts, long Microseconds) CommandStats(IServer server)
    {
        long calls = 0, scripts = 0, microseconds = 0;
        foreach (var group in server.Info("commandstats"))
        {
            foreach (var (name, value) in group)
            {
                // cmdstat_evalsha:calls=12,usec=345,usec_per_call=28.75,rejected_calls=0,failed_calls=0
                var fields = value.Split(',').Select(f => f.Split('=')).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1]);
                var count = long.Parse(fields["calls"], CultureInfo.InvariantCulture);
                calls += count;
                if (name is "cmdstat_evalsha" or "cmdstat_eval")
                {
                    scripts += count;
                    microseconds += long.Parse(fields["usec"], CultureInfo.InvariantCulture);
                }
            }
        }

        return (calls, scripts, microseconds);
    }
}
