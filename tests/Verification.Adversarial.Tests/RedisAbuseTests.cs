using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Verification.Adversarial.Tests;

[Trait("Requires", "redis")]
public sealed class RedisAbuseTests(ITestOutputHelper output) : AbuseTests(output)
{
    private readonly string _prefix = "adv-" + Guid.NewGuid().ToString("N");

    protected override void UseStore(IServiceCollection services)
    {
        services.AddVerification().UseRedisStore(RedisTestServers.Single);
        services.Configure<RedisStoreOptions>(o => o.KeyPrefix = _prefix);
    }

    [Fact]
    public async Task FullFlow_RedisKeyNames_HoldNoContactAddressDeviceOrKeyInClear()
    {
        await using var app = await StartAsync();
        using (var request = new HttpRequestMessage(HttpMethod.Post, Send))
        {
            request.Content = new StringContent("""{"phone_number":"+86 15588665555"}""", System.Text.Encoding.UTF8, "application/json");
            request.Headers.Add("x-device-id", "device-7f3a9c");
            request.Headers.Add("Idempotency-Key", "signin-15588665555");
            using var response = await app.Client.SendAsync(request);
            await Json.ReadSuccessAsync(response);
        }

        var id = await app.SendAsync("""{"email":"someone@example.com"}""");
        using (await app.PostAsync(Verify, $$"""{"verification_id":"{{id}}","verification_code":"{{ServiceHarness.WrongCode(app.EmailSender.LastCode!)}}"}"""))
        {
        }

        var keys = await RedisTestServers.KeysAsync(RedisTestServers.Single, "{" + _prefix + "}:");

        Assert.True(keys.Count >= 8, $"only {keys.Count} keys");
        foreach (var secret in new[] { "15588665555", "someone", "example.com", "device-7f3a9c", "signin-", "127.0.0.1" })
        {
            Assert.DoesNotContain(keys, k => k.Key.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }

        Output.WriteLine(string.Join(Environment.NewLine, keys.Select(k => k.Key).Order(StringComparer.Ordinal)));
    }

    [Fact]
    public async Task Send_TwoProjectsOnOneRedisWithDefaultPrefixes_NeverShareCounters()
    {
        var project = Guid.NewGuid().ToString("N")[..12];
        await using var first = await TestApp.StartAsync(o =>
        {
            o.Verification = v => v.ProjectId = "a-" + project;
            o.Services = s => s.AddVerification().UseRedisStore(RedisTestServers.Single);
        });
        await using var second = await TestApp.StartAsync(o =>
        {
            o.Verification = v => v.ProjectId = "b-" + project;
            o.Services = s => s.AddVerification().UseRedisStore(RedisTestServers.Single);
        });

        await first.SendAsync("""{"phone_number":"+86 15588665555"}""");
        await second.SendAsync("""{"phone_number":"+86 15588665555"}""");

        Assert.NotEmpty(await RedisTestServers.KeysAsync(RedisTestServers.Single, "{verification-a-" + project + "}:"));
        Assert.NotEmpty(await RedisTestServers.KeysAsync(RedisTestServers.Single, "{verification-b-" + project + "}:"));
        Assert.Single(first.Messages);
        Assert.Single(second.Messages);
    }
}
