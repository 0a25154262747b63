using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using StackExchange.Redis;
using Verification.Redis;

namespace Verification.Benchmarks;

/// <summary>
/// Budget 10: the store's part of one send and one verify on Redis — <c>SaveAsync</c> with the charges of a default
/// SMS send, then <c>AttemptAsync</c> with the right hash — next to two <c>PING</c> round trips over the same
/// multiplexer. Also, for reference, a whole HS256 send + verify through the service on the Redis store.
/// Redis is at <c>VERIFICATION_BENCH_REDIS</c> (host:port; benchmarks/run.sh starts one), else <c>VERIFICATION_TEST_REDIS</c>.
/// </summary>
public class RedisBenchmarks
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private ConnectionMultiplexer _redis = null!;
    private IDatabase _database = null!;
    private RedisCodeStore _store = null!;
    private VerificationService _service = null!;
    private string[] _keys = null!;
    private string[] _phones = null!;
    private byte[] _hash = null!;
    private SteppingClock _clock = null!;
    private CapturingSender _sender = null!;
    private int _next;
    private int _nextPhone;

    public static string? Address =>
        Environment.GetEnvironmentVariable("VERIFICATION_BENCH_REDIS") is { Length: > 0 } bench ? bench : Environment.GetEnvironmentVariable("VERIFICATION_TEST_REDIS");

    [GlobalSetup]
    public void GlobalSetup()
    {
        var address = Address ?? throw new InvalidOperationException("Set VERIFICATION_BENCH_REDIS=host:port (benchmarks/run.sh starts a Redis).");
        _redis = ConnectionMultiplexer.Connect(address);
        _database = _redis.GetDatabase();
        var prefix = "bench-" + Guid.NewGuid().ToString("N")[..8];
        _store = new RedisCodeStore(_redis, new RedisStoreOptions { KeyPrefix = prefix });

        // The 10 ms clock step keeps a million numbers under the per-contact and per-prefix limits (see Scenario).
        _clock = new SteppingClock(TimeSpan.FromMilliseconds(10));
        _service = Setup.Service("HS256", new Keys(), new RedisCodeStore(_redis, new RedisStoreOptions { KeyPrefix = prefix + "-service" }), _clock, _sender = new CapturingSender());

        // E.164 keys as the service makes them.
        _phones = Setup.Phones(1_000_000);
        _keys = [.. _phones.Select(p => p.Replace(" ", string.Empty, StringComparison.Ordinal))];
        _hash = RandomNumberGenerator.GetBytes(32);
        if (!StoreSendVerify())
        {
            throw new InvalidOperationException("The Redis store did not verify its own record.");
        }
    }

    [GlobalCleanup]
    public void GlobalCleanup() => _redis.Dispose();

    [Benchmark(Baseline = true)]
    public TimeSpan TwoPings() => _database.Ping() + _database.Ping();

    [Benchmark]
    public bool StoreSendVerify()
    {
        var key = _keys[_next++ % _keys.Length];
        var now = _clock.GetUtcNow();
        var record = new CodeRecord { Id = Guid.NewGuid(), ContactKey = key, CodeHash = _hash, ExpiresAt = now + Lifetime };
        var saved = Sync.Wait(_store.SaveAsync(record, DefaultSmsCharges(key), waiveSoftLimits: false, now));
        if (saved.Status != SaveStatus.Saved)
        {
            throw new InvalidOperationException($"Refused: {saved.RefusedBy?.Reason}");
        }

        var attempt = Sync.Wait(_store.AttemptAsync(record.Id, _hash, 5, FailureCharge(key, 1), now));
        return attempt.Status == AttemptStatus.Verified ? true : throw new InvalidOperationException(attempt.Status.ToString());
    }

    [Benchmark]
    public string ServiceSendVerifyHs256()
    {
        var sent = Sync.Wait(_service.SendAsync(new VerificationRequest(PhoneNumber: _phones[_nextPhone++ % _phones.Length])));
        if (!sent.Succeeded)
        {
            throw new InvalidOperationException(sent.Error.ToString());
        }

        var verified = Sync.Wait(_service.VerifyAsync(new VerifyRequest(sent.Value.VerificationId, _sender.Last)));
        return verified.Succeeded ? verified.Value.VerificationToken : throw new InvalidOperationException(verified.Error.ToString());
    }

    /// <summary>The charges the service makes for an SMS send with the default settings (no client IP or device given).</summary>
    private static RateCharge[] DefaultSmsCharges(string key) =>
    [
        FailureCharge(key, 0),
        new("daily:" + key, 30, TimeSpan.FromDays(1), 1, RateLimitKind.Hard, VerificationErrorReasons.DailyLimit),
        new("global-sms-day", int.MaxValue, TimeSpan.FromDays(1), 1, RateLimitKind.Hard, VerificationErrorReasons.GlobalBudget),
        new("global-sms-hour", int.MaxValue, TimeSpan.FromHours(1), 1, RateLimitKind.Hard, VerificationErrorReasons.GlobalBudget),
        new("cooldown:" + key, 1, TimeSpan.FromSeconds(60), 1, RateLimitKind.Hard, VerificationErrorReasons.ResendCooldown),
        new("prefix:" + key[..^4], 10, TimeSpan.FromHours(1), 1, RateLimitKind.Soft, VerificationErrorReasons.PrefixVelocity),
        new("burst:" + key, 3, TimeSpan.FromMinutes(10), 1, RateLimitKind.Soft, VerificationErrorReasons.ContactBurst),
    ];

    private static RateCharge FailureCharge(string key, long amount) =>
        new("failures:" + key, 10, TimeSpan.FromHours(24), amount, RateLimitKind.Hard, VerificationErrorReasons.FailureBudget);
}
