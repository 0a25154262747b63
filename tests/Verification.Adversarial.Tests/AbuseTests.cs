using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Verification.AspNetCore.Tests;
using Verification.Redis.Tests;
using Verification.Tests;
using Xunit.Abstractions;

namespace Verification.Adversarial.Tests;

/// <summary>
/// Protections aimed at the people they protect, tried as the attack over HTTP, once on the in-memory store and
/// once on Redis: look-alike and folded email spellings, a lockout's exact end, and the like. Each test states the
/// attack and asserts that it no longer harms the owner of the contact.
/// </summary>
public abstract class AbuseTests(ITestOutputHelper output)
{
    private protected const string Send = "/auth/v1/verification";
    private protected const string Verify = "/auth/v1/verification/verify";

    private protected ITestOutputHelper Output { get; } = output;

    private readonly FakeTimeProvider _time = new(ServiceHarness.Start);

    /// <summary>Puts the store under test in place.</summary>
    protected abstract void UseStore(IServiceCollection services);

    [Fact]
    public async Task Send_LookAlikeSpellingsOfTheVictimsEmail_LandInTheVictimsBucketOrAreRefused()
    {
        await using var app = await StartAsync();
        await app.SendAsync("""{"email":"klara@example.com"}""");
        await app.SendAsync("""{"email":"j\u00F6rg@example.com"}""");

        // KELVIN SIGN, upper case and NFD spell the victims' addresses: they share the victims' cooldown.
        foreach (var spelling in new[] { "\\u212Alara@example.com", "KLARA@EXAMPLE.COM", "jo\\u0308rg@example.com", "J\\u00D6RG@Example.com" })
        {
            using var response = await app.PostAsync(Send, $$"""{"email":"{{spelling}}"}""");
            var body = await Json.AssertErrorAsync(response, (HttpStatusCode)429, "rate_limit_exceeded", 4029);
            Assert.Equal("resend_cooldown", Json.Detail(body, "reason"));
        }

        // Full-width letters, a ligature, the Turkish dotless i: refused, never a bucket of their own.
        foreach (var spelling in new[] { "\\uFF4Blara@example.com", "\\uFB01le@example.com", "\\u0131nfo@example.com", "\\u017Fales@example.com" })
        {
            using var response = await app.PostAsync(Send, $$"""{"email":"{{spelling}}"}""");
            await Json.AssertInvalidArgumentAsync(response, "email", "malformed");
        }

        // After the cooldown the KELVIN spelling is sent again, to the victim's own canonical address: the code it
        // carries signs in to no one else, and the token's contact is that same address.
        _time.Advance(TimeSpan.FromMinutes(2));
        var id = await app.SendAsync("""{"email":"\u212Alara@example.com"}""");
        using var verified = await app.PostAsync(Verify, $$"""{"verification_id":"{{id}}","verification_code":"{{app.Outbox.Last.Code}}"}""");
        var token = (await Json.ReadSuccessAsync(verified)).GetProperty("verification_token").GetString()!;
        var contact = ResultAssert.Succeeded(await app.Services.GetRequiredService<IVerificationService>().RedeemVerificationTokenAsync(token));

        Assert.Equal(["klara@example.com", "j\u00F6rg@example.com", "klara@example.com"], app.Outbox.Messages.Select(m => m.To));
        Assert.Equal("klara@example.com", contact.Email);
        Output.WriteLine("8 look-alike spellings: 4 in the victims' buckets, 4 refused; the KELVIN spelling delivered to the victim's address");
    }

    [Fact]
    public async Task Send_PlusTagsAndDotsOfOneMailbox_WithFoldLimitKey_ShareTheMailboxsDailyLimit()
    {
        await using var app = await StartAsync(v =>
        {
            v.Email.FoldLimitKey = true;
            v.Throttling.ResendCooldown = TimeSpan.Zero;
            v.Throttling.ContactBurst = new RateWindow(0, TimeSpan.FromMinutes(10));
            v.Throttling.DailyLimitPerContact = 3;
        });
        string[] spellings = ["alice@gmail.com", "a.lice+1@gmail.com", "alice+2@gmail.com", "a.l.i.c.e@gmail.com", "alice+x@googlemail.com", "ALICE+Y@GMAIL.COM"];

        var statuses = new List<string>();
        foreach (var spelling in spellings)
        {
            using var response = await app.PostAsync(Send, $$"""{"email":"{{spelling}}"}""");
            var body = await Json.ReadAsync(response);
            statuses.Add(response.IsSuccessStatusCode ? "sent" : Json.Detail(body, "reason")!);
        }

        // gmail.com takes 3, then its daily limit; googlemail.com is a bucket of its own (another domain name).
        Assert.Equal(["sent", "sent", "sent", "daily_limit", "sent", "daily_limit"], statuses);
        Assert.Equal(["alice@gmail.com", "a.lice+1@gmail.com", "alice+2@gmail.com", "alice+x@googlemail.com"], app.Outbox.Messages.Select(m => m.To));
    }

    [Fact]
    public async Task Verify_FailureBudgetSpentByAnAttacker_RetryAfterIsRoundedNotTheWindowsExactEnd()
    {
        await using var app = await StartAsync(v =>
        {
            v.Throttling.FailedAttemptsPerContact = 2;
            v.Throttling.FailedAttemptsBackstop = 2;
            v.Throttling.FailedAttemptsWindow = TimeSpan.FromMinutes(15);
        });
        var id = await app.SendAsync("""{"phone_number":"+86 15588665555"}""");
        var wrong = ServiceHarness.WrongCode(app.Outbox.Last.Code);
        for (var i = 0; i < 2; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(7.3));
            using (await app.PostAsync(Verify, $$"""{"verification_id":"{{id}}","verification_code":"{{wrong}}"}"""))
            {
            }
        }

        _time.Advance(TimeSpan.FromSeconds(13.1));
        using var refused = await app.PostAsync(Verify, $$"""{"verification_id":"{{id}}","verification_code":"{{wrong}}"}""");

        var body = await Json.AssertErrorAsync(refused, (HttpStatusCode)429, "rate_limit_exceeded", 4029);
        Assert.Equal("failure_budget", Json.Detail(body, "reason"));
        var retryAfter = long.Parse(Json.Detail(body, "retry_after")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0, retryAfter % 60);
        Assert.InRange(retryAfter, 60, 15 * 60);
    }

    [Fact]
    public async Task Send_ResendWhoseDeliveryFails_LeavesTheDeliveredCodeValid()
    {
        var sender = new SwitchableSender();
        await using var app = await TestApp.StartAsync(o =>
        {
            o.Time = _time;
            o.Sms = false;
            o.Services = s =>
            {
                UseStore(s);
                s.AddVerification().AddSmsSender(sender);
            };
        });
        var id = await app.SendAsync("""{"phone_number":"+86 15588665555"}""");
        var code = sender.Last.Code;

        // Anyone can ask for a resend to the victim's number; when that delivery fails, the code the victim holds
        // must still sign in.
        _time.Advance(TimeSpan.FromMinutes(2));
        sender.Down = true;
        using (var failed = await app.PostAsync(Send, """{"phone_number":"+86 15588665555"}"""))
        {
            var body = await Json.AssertErrorAsync(failed, HttpStatusCode.ServiceUnavailable, "unavailable", 5003);
            Assert.Equal("delivery_failed", Json.Detail(body, "reason"));
        }

        sender.Down = false;
        using var verified = await app.PostAsync(Verify, $$"""{"verification_id":"{{id}}","verification_code":"{{code}}"}""");
        await Json.ReadSuccessAsync(verified);

        // A resend that is delivered still supersedes the code before it.
        _time.Advance(TimeSpan.FromMinutes(2));
        var second = await app.SendAsync("""{"phone_number":"+86 15588665555"}""");
        var secondCode = sender.Last.Code;
        _time.Advance(TimeSpan.FromMinutes(2));
        await app.SendAsync("""{"phone_number":"+86 15588665555"}""");
        using var superseded = await app.PostAsync(Verify, $$"""{"verification_id":"{{second}}","verification_code":"{{secondCode}}"}""");
        var refused = await Json.AssertErrorAsync(superseded, HttpStatusCode.BadRequest, "invalid_verification_code", 4003);
        Assert.Equal("superseded", Json.Detail(refused, "reason"));
    }

    /// <summary>Starts the app on the store under test, on the test's clock.</summary>
    private protected Task<TestApp> StartAsync(Action<VerificationOptions>? verification = null) =>
        TestApp.StartAsync(o =>
        {
            o.Time = _time;
            o.Verification = verification;
            o.Services = UseStore;
        });
}

public sealed class InMemoryAbuseTests(ITestOutputHelper output) : AbuseTests(output)
{
    protected override void UseStore(IServiceCollection services)
    {
        // The in-memory store is the default.
    }

    [Fact]
    public async Task Send_FloodOfDistinctContacts_StoreAnswersUnavailableAtItsCapAndTheOwnersCodeStillVerifies()
    {
        await using var app = await StartAsync(v =>
        {
            v.InMemoryStore.MaxEntries = 1000;
            v.Throttling.PerIp = new RateWindow(0, TimeSpan.FromHours(1));
        });
        var ownerId = await app.SendAsync("""{"email":"owner@example.com"}""");
        var ownerCode = app.Outbox.Last.Code;

        var sent = 1;
        HttpStatusCode last = HttpStatusCode.OK;
        string? reason = null;
        for (var i = 0; i < 1000 && last == HttpStatusCode.OK; i++)
        {
            using var response = await app.PostAsync(Send, $$"""{"email":"flood{{i}}@example.com"}""");
            last = response.StatusCode;
            if (last == HttpStatusCode.OK)
            {
                sent++;
                continue;
            }

            reason = Json.Detail(await Json.ReadAsync(response), "reason");
        }

        var store = Assert.IsType<InMemoryCodeStore>(app.Services.GetRequiredService<ICodeStore>());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, last);
        Assert.Equal("store_unavailable", reason);
        Assert.InRange(store.Count, 1, 1000);
        using var verified = await app.PostAsync(Verify, $$"""{"verification_id":"{{ownerId}}","verification_code":"{{ownerCode}}"}""");
        await Json.ReadSuccessAsync(verified);
        Output.WriteLine($"{sent} sends before the cap of 1000 entries; the store holds {store.Count}");
    }
}

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
        using (await app.PostAsync(Verify, $$"""{"verification_id":"{{id}}","verification_code":"{{ServiceHarness.WrongCode(app.Outbox.Last.Code)}}"}"""))
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
        Assert.Single(first.Outbox.Messages);
        Assert.Single(second.Outbox.Messages);
    }
}

/// <summary>An SMS sender that delivers, or fails for good while <see cref="Down"/>.</summary>
internal sealed class SwitchableSender : ISmsSender
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<VerificationMessage> _messages = new();

    public string Name => "switchable";

    public bool Down { get; set; }

    public VerificationMessage Last => _messages.Last();

    public ValueTask SendAsync(VerificationMessage message, CancellationToken cancellationToken = default)
    {
        if (Down)
        {
            throw new DeliveryException(DeliveryFailureKind.Permanent, "The provider refused the message.");
        }

        _messages.Enqueue(message);
        return ValueTask.CompletedTask;
    }
}
