using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Verification.Redis.Tests;

/// <summary>The service on the Redis store: several instances sharing Redis, Redis failing, keys expiring.</summary>
[Trait("Requires", "redis")]
public sealed class RedisServiceTests : IDisposable
{
    private const string Email = "someone@example.com";
    private static readonly string HashKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string SigningPem = CreatePem();
    private static readonly string KeyNameSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private readonly List<ServiceProvider> _providers = [];

    public void Dispose()
    {
        foreach (var provider in _providers)
        {
            provider.Dispose();
        }
    }

    [Fact]
    public async Task TwoInstances_CodeSentThroughOne_VerifiesAndRedeemsThroughOther()
    {
        var prefix = NewPrefix();
        var outbox = new FakeEmailSender();
        var first = Service(prefix, outbox, b => b.UseRedisStore(RedisTestServers.Single));
        var second = Service(prefix, outbox, b => b.UseRedisStore(_ => RedisTestServers.Single));

        var sent = await first.SendAsync(new VerificationRequest(Email: Email));
        Assert.True(sent.Succeeded, sent.ToString());
        var verified = await second.VerifyAsync(new VerifyRequest(sent.Value.VerificationId, outbox.LastCode!));
        Assert.True(verified.Succeeded, verified.ToString());
        var again = await first.VerifyAsync(new VerifyRequest(sent.Value.VerificationId, outbox.LastCode!));
        var redeemed = await first.RedeemVerificationTokenAsync(verified.Value.VerificationToken);
        var redeemedTwice = await second.RedeemVerificationTokenAsync(verified.Value.VerificationToken);

        Assert.Equal(VerificationErrorReasons.Used, again.Error?.Reason);
        Assert.Equal(Email, redeemed.Value?.Contact);
        Assert.False(redeemedTwice.Succeeded);
    }

    [Fact]
    public async Task TwoInstances_CooldownShared()
    {
        var prefix = NewPrefix();
        var outbox = new FakeEmailSender();
        var first = Service(prefix, outbox, b => b.UseRedisStore(RedisTestServers.Single));
        var second = Service(prefix, outbox, b => b.UseRedisStore(RedisTestServers.Single));

        var sent = await first.SendAsync(new VerificationRequest(Email: Email));
        var refused = await second.SendAsync(new VerificationRequest(Email: Email));

        Assert.True(sent.Succeeded, sent.ToString());
        Assert.Equal(VerificationErrorCodes.RateLimitExceeded, refused.Error?.Code);
        Assert.Equal(VerificationErrorReasons.ResendCooldown, refused.Error?.Reason);
        Assert.Single(outbox.Messages);
    }

    [Fact]
    public async Task TwoInstances_AttemptLimitShared()
    {
        var prefix = NewPrefix();
        var outbox = new FakeEmailSender();
        var services = new[]
        {
            Service(prefix, outbox, b => b.UseRedisStore(RedisTestServers.Single)),
            Service(prefix, outbox, b => b.UseRedisStore(RedisTestServers.Single)),
        };
        var sent = await services[0].SendAsync(new VerificationRequest(Email: Email));
        var code = outbox.LastCode!;
        var wrong = code == "000000" ? "111111" : "000000";

        var outcomes = new List<VerificationError?>();
        for (var i = 0; i < 5; i++)
        {
            outcomes.Add((await services[i % 2].VerifyAsync(new VerifyRequest(sent.Value!.VerificationId, wrong))).Error);
        }

        var right = await services[1].VerifyAsync(new VerifyRequest(sent.Value!.VerificationId, code));

        Assert.All(outcomes.Take(4), e => Assert.Equal(VerificationErrorReasons.Wrong, e?.Reason));
        Assert.Equal(VerificationErrorReasons.Exhausted, outcomes[4]?.Reason);
        Assert.False(right.Succeeded);
    }

    [Fact]
    public async Task ConcurrentRightVerifies_ExactlyOneSucceeds()
    {
        var prefix = NewPrefix();
        var outbox = new FakeEmailSender();
        var first = Service(prefix, outbox, b => b.UseRedisStore(RedisTestServers.Cluster));
        var second = Service(prefix, outbox, b => b.UseRedisStore(RedisTestServers.Cluster));
        var sent = await first.SendAsync(new VerificationRequest(Email: Email));
        var request = new VerifyRequest(sent.Value!.VerificationId, outbox.LastCode!);

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await (i % 2 == 0 ? first : second).VerifyAsync(request);
        })).ToArray();
        start.SetResult();
        var results = await Task.WhenAll(tasks);

        Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(VerificationErrorReasons.Used, r.Error!.Reason));
    }

    [Fact]
    public async Task RedisDown_SendVerifyRedeem_Unavailable()
    {
        var prefix = NewPrefix();
        var outbox = new FakeEmailSender();
        var up = Service(prefix, outbox, b => b.UseRedisStore(RedisTestServers.Single));
        var down = Service(prefix, outbox, b => b.UseRedisStore(o => o.Configuration = DeadAddress() + ",connectTimeout=500,syncTimeout=1000,asyncTimeout=1000"));
        var sent = await up.SendAsync(new VerificationRequest(Email: Email));
        var verified = await up.VerifyAsync(new VerifyRequest(sent.Value!.VerificationId, outbox.LastCode!));
        var sent2 = await up.SendAsync(new VerificationRequest(Email: "other@example.com"));

        var send = await down.SendAsync(new VerificationRequest(Email: "third@example.com"));
        var verify = await down.VerifyAsync(new VerifyRequest(sent2.Value!.VerificationId, outbox.LastCode!));
        var redeem = await down.RedeemVerificationTokenAsync(verified.Value!.VerificationToken);

        Assert.Equal(VerificationErrorCodes.Unavailable, send.Error?.Code);
        Assert.Equal(VerificationErrorCodes.Unavailable, verify.Error?.Code);
        Assert.Equal(VerificationErrorCodes.Unavailable, redeem.Error?.Code);
        Assert.Equal(2, outbox.Messages.Count);

        // Nothing was consumed while the store was down: the code and the token still work.
        Assert.True((await up.VerifyAsync(new VerifyRequest(sent2.Value!.VerificationId, outbox.LastCode!))).Succeeded);
        Assert.True((await up.RedeemVerificationTokenAsync(verified.Value!.VerificationToken)).Succeeded);
    }

    [Fact]
    public async Task RedisStoppedAndRestarted_UnavailableThenRecoversByItself()
    {
        using var redis = new RedisProcess();
        var outbox = new FakeEmailSender();
        var service = Service(NewPrefix(), outbox, b => b.UseRedisStore(o => o.Configuration = redis.Address + ",connectTimeout=1000,syncTimeout=1000,asyncTimeout=1000"));
        var first = await service.SendAsync(new VerificationRequest(Email: "a@example.com"));
        Assert.True(first.Succeeded, first.ToString());

        redis.Stop();
        var watch = Stopwatch.StartNew();
        var whileDown = await service.SendAsync(new VerificationRequest(Email: "b@example.com"));
        var verifyWhileDown = await service.VerifyAsync(new VerifyRequest(first.Value!.VerificationId, outbox.LastCode!));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"calls took {watch.Elapsed} while Redis was down");
        Assert.Equal(VerificationErrorCodes.Unavailable, whileDown.Error?.Code);
        Assert.Equal(VerificationErrorCodes.Unavailable, verifyWhileDown.Error?.Code);

        redis.Start();
        VerificationResult<VerificationResponse>? after = null;
        watch.Restart();
        while (watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            after = await service.SendAsync(new VerificationRequest(Email: "c@example.com"));
            if (after.Succeeded)
            {
                break;
            }

            Assert.Equal(VerificationErrorCodes.Unavailable, after.Error!.Code);
            await Task.Delay(200);
        }

        Assert.True(after!.Succeeded, after.ToString());
        Assert.True((await service.VerifyAsync(new VerifyRequest(after.Value!.VerificationId, outbox.LastCode!))).Succeeded);
    }

    [Fact]
    public async Task ScriptCacheFlushed_NoScriptReloaded_ScriptCallsPerOperationFixed()
    {
        using var redis = new RedisProcess();
        using var admin = RedisTestServers.Connect(redis.Address);
        var server = admin.GetServer(admin.GetEndPoints()[0]);
        var outbox = new FakeEmailSender();
        var service = Service(NewPrefix(), outbox, b => b.UseRedisStore(o => o.Configuration = redis.Address));
        Assert.True((await service.SendAsync(new VerificationRequest(Email: "warm@example.com"))).Succeeded);

        await server.ScriptFlushAsync();
        var afterFlush = await service.SendAsync(new VerificationRequest(Email: Email));
        Assert.True(afterFlush.Succeeded, afterFlush.ToString());
        var verifiedAfterFlush = await service.VerifyAsync(new VerifyRequest(afterFlush.Value!.VerificationId, outbox.LastCode!));
        Assert.True(verifiedAfterFlush.Succeeded, verifiedAfterFlush.ToString());

        await server.ConfigResetStatisticsAsync();
        var sent = await service.SendAsync(new VerificationRequest(Email: "counted@example.com"));
        var sendCalls = await CommandCallsAsync(server);
        await server.ConfigResetStatisticsAsync();
        var verified = await service.VerifyAsync(new VerifyRequest(sent.Value!.VerificationId, outbox.LastCode!));
        var verifyCalls = await CommandCallsAsync(server);

        Assert.True(verified.Succeeded, verified.ToString());
        // Commands a script runs are counted too; the client's own calls are the script calls: a send is two EVALSHA
        // (the limits read before anything expensive, then the save), a verify one.
        Assert.Equal((2L, 0L), (sendCalls.GetValueOrDefault("evalsha"), sendCalls.GetValueOrDefault("eval")));
        Assert.Equal((1L, 0L), (verifyCalls.GetValueOrDefault("evalsha"), verifyCalls.GetValueOrDefault("eval")));
    }

    [Fact]
    public async Task FullFlow_EveryKeyHasTtl()
    {
        var prefix = NewPrefix();
        var outbox = new FakeEmailSender();
        var service = Service(prefix, outbox, b => b.UseRedisStore(RedisTestServers.Cluster));

        var a = await service.SendAsync(new VerificationRequest(Email: Email));
        await service.VerifyAsync(new VerifyRequest(a.Value!.VerificationId, "000000"));
        var b = await service.SendAsync(new VerificationRequest(Email: "other@example.com"));
        var verified = await service.VerifyAsync(new VerifyRequest(b.Value!.VerificationId, outbox.LastCode!));
        await service.RedeemVerificationTokenAsync(verified.Value!.VerificationToken);

        var keys = await RedisTestServers.KeysAsync(RedisTestServers.Cluster, "{" + prefix + "}:");
        Assert.Contains(keys, k => k.Key.Contains(":rec:", StringComparison.Ordinal));
        Assert.Contains(keys, k => k.Key.Contains(":rc:", StringComparison.Ordinal));
        Assert.Contains(keys, k => k.Key.Contains(":once:", StringComparison.Ordinal));
        Assert.All(keys, k => Assert.True(k.Ttl is { } ttl && ttl > TimeSpan.Zero && ttl <= TimeSpan.FromDays(2), $"{k.Key} has TTL {k.Ttl?.ToString() ?? "none"}"));
    }

    [Fact]
    public async Task HealthCheck_ReportsRedis()
    {
        var healthy = await HealthAsync(b => b.UseRedisStore(RedisTestServers.Single));
        var unhealthy = await HealthAsync(b => b.UseRedisStore(o => o.Configuration = DeadAddress() + ",connectTimeout=500,asyncTimeout=500,syncTimeout=500"));

        Assert.Equal(HealthStatus.Healthy, healthy.Status);
        Assert.Equal(HealthStatus.Unhealthy, unhealthy.Status);
        Assert.NotNull(unhealthy.Exception);
    }

    [Fact]
    public async Task HealthChecks_OwnRedisStopped_RedisAndStoreChecksTurnUnhealthy()
    {
        using var redis = new RedisProcess();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(Settings(NewPrefix())).Build());
        services.AddVerification().UseRedisStore(o => o.Configuration = redis.Address + ",connectTimeout=1000,syncTimeout=1000,asyncTimeout=1000");
        services.AddLogging();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        services.AddSingleton<TimeProvider>(time);
        services.AddHealthChecks().AddVerificationRedis().AddVerificationStore(tags: ["ready"]);
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        var checks = provider.GetRequiredService<HealthCheckService>();

        var up = await checks.CheckHealthAsync();
        redis.Stop();
        var cached = await checks.CheckHealthAsync();
        time.Advance(TimeSpan.FromSeconds(30)); // the results are kept for 30 s by default
        var down = await checks.CheckHealthAsync();

        Assert.Equal(HealthStatus.Healthy, up.Status);
        Assert.Equal(HealthStatus.Healthy, cached.Status);
        Assert.Equal(["verification-redis", "verification-store"], up.Entries.Keys.Order(StringComparer.Ordinal));
        Assert.All(up.Entries.Values, e => Assert.Contains("verification", e.Tags));
        Assert.Contains("ready", up.Entries["verification-store"].Tags);
        Assert.Equal(HealthStatus.Unhealthy, down.Entries["verification-redis"].Status);
        Assert.Equal(HealthStatus.Unhealthy, down.Entries["verification-store"].Status);
        Assert.NotNull(down.Entries["verification-store"].Exception);
    }

    [Fact]
    public void UseRedisStore_FromConfiguration_BindsSection()
    {
        var provider = Provider(new()
        {
            ["Verification:Redis:Configuration"] = RedisTestServers.SingleAddress,
            ["Verification:Redis:KeyPrefix"] = "configured",
            ["Verification:Redis:Database"] = "0",
            ["Verification:Redis:KeyNameSecret"] = KeyNameSecret,
        }, b => b.UseRedisStore());

        var options = provider.GetRequiredService<IOptions<RedisStoreOptions>>().Value;
        var store = provider.GetRequiredService<ICodeStore>();

        Assert.Equal((RedisTestServers.SingleAddress, "configured", 0), (options.Configuration, options.KeyPrefix, options.Database));
        Assert.Equal(KeyNameSecret, options.KeyNameSecret);
        Assert.Equal("{configured}:", Assert.IsType<RedisCodeStore>(store).Prefix);
    }

    [Theory]
    [InlineData(null, "verification", "Verification:Redis:Configuration")]
    [InlineData("127.0.0.1:1", "a{b}", "Verification:Redis:KeyPrefix")]
    public void UseRedisStore_InvalidOptions_FailNamingTheKey(string? configuration, string prefix, string key)
    {
        var provider = Provider(new()
        {
            ["Verification:Redis:Configuration"] = configuration,
            ["Verification:Redis:KeyPrefix"] = prefix,
        }, b => b.UseRedisStore());

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RedisStoreOptions>>().Value);

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:1,syncTimeout=soon")]
    [InlineData("127.0.0.1:1,nosuchoption=1")]
    public void UseRedisStore_MalformedConnectionString_FailsNamingTheKeyWithoutEchoingIt(string configuration)
    {
        var provider = Provider(new() { ["Verification:Redis:Configuration"] = configuration }, b => b.UseRedisStore());

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RedisStoreOptions>>().Value);

        Assert.Contains("Verification:Redis:Configuration is not a StackExchange.Redis connection string", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OwnConnection_DefaultTimeout_FailsFastWithinOneSecond()
    {
        var configuration = RedisConnectionSource.Configure(new RedisStoreOptions { Configuration = "127.0.0.1:1" });

        Assert.Equal(BacklogPolicy.FailFast, configuration.BacklogPolicy);
        Assert.False(configuration.AbortOnConnectFail);
        Assert.Equal((1000, 1000, 1000), (configuration.ConnectTimeout, configuration.SyncTimeout, configuration.AsyncTimeout));
    }

    [Fact]
    public void OwnConnection_ConfiguredTimeout_AppliesUnlessTheConnectionStringSetsIt()
    {
        var provider = Provider(new()
        {
            ["Verification:Redis:Configuration"] = "127.0.0.1:1,syncTimeout=3000",
            ["Verification:Redis:Timeout"] = "00:00:00.250",
        }, b => b.UseRedisStore());

        var configuration = RedisConnectionSource.Configure(provider.GetRequiredService<IOptions<RedisStoreOptions>>().Value);

        Assert.Equal((250, 3000, 250), (configuration.ConnectTimeout, configuration.SyncTimeout, configuration.AsyncTimeout));
    }

    [Fact]
    public async Task RedisDown_DefaultTimeout_SendAnswersUnavailable()
    {
        var down = Service(NewPrefix(), new FakeEmailSender(), b => b.UseRedisStore(o => o.Configuration = DeadAddress()));

        var send = await down.SendAsync(new VerificationRequest(Email: "down@example.com"));

        Assert.Equal(VerificationErrorCodes.Unavailable, send.Error?.Code);
    }

    [Fact]
    public void UseRedisStore_WithMultiplexer_NeedsNoConfiguration()
    {
        var provider = Provider(new(), b => b.UseRedisStore(RedisTestServers.Single).UseRedisStore(RedisTestServers.Single));

        Assert.IsType<RedisCodeStore>(provider.GetRequiredService<ICodeStore>());
        Assert.Null(provider.GetRequiredService<IOptions<RedisStoreOptions>>().Value.Configuration);
    }

    private static async Task<Dictionary<string, long>> CommandCallsAsync(IServer server)
    {
        // StackExchange.Redis's own housekeeping (heartbeats, topology) is not store traffic.
        string[] housekeeping = ["info", "ping", "echo", "config", "cluster", "client", "subscribe", "role", "hello", "select", "command", "auth"];
        var info = await server.InfoAsync("commandstats");
        var calls = new Dictionary<string, long>();
        foreach (var pair in info.SelectMany(g => g))
        {
            var name = pair.Key.Replace("cmdstat_", string.Empty, StringComparison.Ordinal);
            if (housekeeping.Any(h => name.StartsWith(h, StringComparison.Ordinal)))
            {
                continue;
            }

            var count = long.Parse(pair.Value.Split(',')[0].Split('=')[1], System.Globalization.CultureInfo.InvariantCulture);
            calls[name] = count;
        }

        return calls;
    }

    private async Task<HealthReportEntry> HealthAsync(Action<IVerificationBuilder> store)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(Settings(NewPrefix())).Build());
        store(services.AddVerification());
        services.AddLogging();
        services.AddHealthChecks().AddVerificationRedis();
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return report.Entries["verification-redis"];
    }

    private IServiceProvider Provider(Dictionary<string, string?> settings, Action<IVerificationBuilder> store)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        store(services.AddVerification());
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider;
    }

    private IVerificationService Service(string prefix, FakeEmailSender outbox, Action<IVerificationBuilder> store)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(Settings(prefix)).Build());
        var builder = services.AddVerification().AddEmailSender(outbox);
        store(builder);
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider.GetRequiredService<IVerificationService>();
    }

    private static Dictionary<string, string?> Settings(string prefix) => new()
    {
        ["Verification:Tokens:SigningKeys:0:KeyId"] = "key-1",
        ["Verification:Tokens:SigningKeys:0:Pem"] = SigningPem,
        ["Verification:Tokens:HashKey"] = HashKey,
        ["Verification:Redis:KeyPrefix"] = prefix,
    };

    private static string NewPrefix() => "svc-" + Guid.NewGuid().ToString("N");

    private static string DeadAddress()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"127.0.0.1:{port}";
    }

    private static string CreatePem()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    }
}
