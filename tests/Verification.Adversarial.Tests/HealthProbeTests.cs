using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Verification.Adversarial.Tests;

/// <summary>
/// Health probes as an amplifier: a flood of unauthenticated <c>GET /healthz</c> must not become a flood of
/// credentialed provider calls. The provider is a Twilio stand-in on loopback that counts every request; the store's
/// check runs beside it, once on the in-memory store and once on Redis.
/// </summary>
public abstract class HealthProbeTests(ITestOutputHelper output)
{
    /// <summary>Puts the store under test in place, with its health checks.</summary>
    protected abstract void UseStore(IVerificationBuilder verification, IHealthChecksBuilder health);

    [Fact]
    public async Task Healthz_FloodOfConcurrentRequests_AtMostOneProviderCallPerCachePeriod()
    {
        await using var provider = await AccountStandIn.StartAsync(hang: false);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await StartAsync(provider, time, cacheDuration: null);
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        var first = await FloodAsync(client, 60);
        var afterFirst = provider.Received;
        time.Advance(TimeSpan.FromSeconds(29));
        var stillCached = await FloodAsync(client, 60);
        var afterCached = provider.Received;
        time.Advance(TimeSpan.FromSeconds(1));
        var refreshed = await FloodAsync(client, 60);

        Assert.All(first.Concat(stillCached).Concat(refreshed), s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(1, afterFirst);
        Assert.Equal(1, afterCached);
        Assert.Equal(2, provider.Received);
        output.WriteLine($"180 health requests, {provider.Received} provider calls");
    }

    [Fact]
    public async Task Healthz_CacheDurationConfiguredToZero_StillOneProbeInFlightAtATime()
    {
        await using var provider = await AccountStandIn.StartAsync(hang: true);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await StartAsync(provider, time, cacheDuration: "00:00:00");
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()), Timeout = TimeSpan.FromSeconds(2) };

        // Every request waits on the one probe that hangs (until the client gives up): one provider call, not 40.
        var requests = Enumerable.Range(0, 40).Select(async _ =>
        {
            try
            {
                using var response = await client.GetAsync("/healthz");
            }
            catch (TaskCanceledException)
            {
            }
        });
        await Task.WhenAll(requests);

        Assert.Equal(1, provider.Received);
    }

    private static async Task<HttpStatusCode[]> FloodAsync(HttpClient client, int count) =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            using var response = await client.GetAsync("/healthz");
            return response.StatusCode;
        }));

    private async Task<WebApplication> StartAsync(AccountStandIn provider, TimeProvider time, string? cacheDuration)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Verification:HealthChecks:CacheDuration"] = cacheDuration });
        builder.Services.AddSingleton<TimeProvider>(time);
        var verification = builder.Services.AddVerification(o => o.Tokens.AllowEphemeralKey = true);
        verification.AddTwilioSms(t =>
        {
            t.AccountSid = AccountStandIn.AccountSid;
            t.AuthToken = "auth-token-0f1e2d3c4b5a6978";
            t.From = "+15005550006";
            t.Endpoint = provider.Endpoint;
        });
        var health = builder.Services.AddHealthChecks().AddVerificationTwilio().AddVerificationStore();
        UseStore(verification, health);
        var app = builder.Build();
        app.MapHealthChecks("/healthz");
        await app.StartAsync();
        return app;
    }

    /// <summary>Twilio's account resource on loopback: counts every request; answers "active", or never (hang).</summary>
    private sealed class AccountStandIn : IAsyncDisposable
    {
        public const string AccountSid = "AC0123456789abcdef0123456789abcdef";

        private readonly WebApplication _app;
        private readonly CancellationTokenSource _stopping = new();
        private long _received;

        private AccountStandIn(WebApplication app) => _app = app;

        public Uri Endpoint { get; private set; } = null!;

        public long Received => Interlocked.Read(ref _received);

        public static async Task<AccountStandIn> StartAsync(bool hang)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var self = new AccountStandIn(app);
            app.Run(async context =>
            {
                Interlocked.Increment(ref self._received);
                if (hang)
                {
                    using var either = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, self._stopping.Token);
                    await Task.Delay(Timeout.Infinite, either.Token).ContinueWith(static _ => { }, TaskScheduler.Default);
                    return;
                }

                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync($$"""{"sid":"{{AccountSid}}","status":"active"}""");
            });
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
    }
}

public sealed class InMemoryHealthProbeTests(ITestOutputHelper output) : HealthProbeTests(output)
{
    protected override void UseStore(IVerificationBuilder verification, IHealthChecksBuilder health)
    {
        // The in-memory store is the default.
    }
}

[Trait("Requires", "redis")]
public sealed class RedisHealthProbeTests(ITestOutputHelper output) : HealthProbeTests(output)
{
    protected override void UseStore(IVerificationBuilder verification, IHealthChecksBuilder health)
    {
        verification.UseRedisStore(RedisTestServers.Single);
        verification.Services.Configure<RedisStoreOptions>(o => o.KeyPrefix = "adv-health-" + Guid.NewGuid().ToString("N"));
        health.AddVerificationRedis();
    }
}
