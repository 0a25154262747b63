using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Verification.Captcha.Image;
using Xunit.Abstractions;

namespace Verification.Adversarial.Tests;

/// <summary>
/// Protections aimed at the people they protect, tried as the attack over HTTP, once on the in-memory store and
/// once on Redis: look-alike and folded email spellings, a lockout's exact end, and the like. Each test states the
/// attack and asserts that it no longer harms the owner of the contact.
/// </summary>
public abstract partial class AbuseTests(ITestOutputHelper output)
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
        using var verified = await app.PostAsync(Verify, $$"""{"verification_id":"{{id}}","verification_code":"{{app.EmailSender.LastCode!}}"}""");
        var token = (await Json.ReadSuccessAsync(verified)).GetProperty("verification_token").GetString()!;
        var contact = ResultAssert.Succeeded(await app.Services.GetRequiredService<IVerificationService>().RedeemVerificationTokenAsync(token));

        Assert.Equal(["klara@example.com", "j\u00F6rg@example.com", "klara@example.com"], app.Messages.Select(m => m.To));
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
        Assert.Equal(["alice@gmail.com", "a.lice+1@gmail.com", "alice+2@gmail.com", "alice+x@googlemail.com"], app.Messages.Select(m => m.To));
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
        var wrong = ServiceHarness.WrongCode(app.SmsSender.LastCode!);
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

    [Fact]
    public async Task Send_EnumerationWithUserAndNotUser_HitsTheLookupWindowThenNeedsACaptcha()
    {
        await using var app = await StartAsync(directory: new FakeUserDirectory("+8615588665555"));
        var answers = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            using var response = await app.PostAsync(Send, $$"""{"phone_number":"+86 1380013{{i:D4}}","target":"USER"}""");
            var body = await Json.ReadAsync(response);
            answers.Add(body.GetProperty("error").GetString() + "/" + Json.Detail(body, "reason"));
        }

        // 5 answers tell (the lookup window, Throttling:LookupsPerIp), then every targeted send needs a captcha, even
        // for an account that exists: nothing more is told without one.
        Assert.Equal(Enumerable.Repeat("user_not_found/", 5).Concat(Enumerable.Repeat("captcha_required/lookup_limit", 3)), answers);
        using var existing = await app.PostAsync(Send, """{"phone_number":"+86 15588665555","target":"USER"}""");
        Assert.Equal("lookup_limit", Json.Detail(await Json.AssertErrorAsync(existing, HttpStatusCode.BadRequest, "captcha_required", 4028), "reason"));
        using var any = await app.PostAsync(Send, """{"phone_number":"+86 13900139000"}""");
        await Json.ReadSuccessAsync(any);
    }

    [Fact]
    public async Task Send_TargetsDisabled_UserAndNotUserAnswerExactlyLikeAny()
    {
        await using var app = await StartAsync(v => v.Targets.Enabled = false, directory: new FakeUserDirectory("+8615588665555"));

        using var unknownUser = await app.PostAsync(Send, """{"phone_number":"+86 13800138000","target":"USER"}""");
        using var existingNotUser = await app.PostAsync(Send, """{"phone_number":"+86 15588665555","target":"NOT_USER"}""");
        var unknown = await Json.ReadSuccessAsync(unknownUser);
        var existing = await Json.ReadSuccessAsync(existingNotUser);

        Assert.Equal(Json.PropertyNames(unknown), Json.PropertyNames(existing));
        Assert.Equal(2, app.Messages.Count);
    }

    [Fact]
    public async Task VerifyAndSend_GuessingAttackOnTheOwnersNumber_OwnerSignsInWithACaptchaAndIsNeverRefusedForHours()
    {
        var renderer = new RecordingCaptchaRenderer();
        await using var app = await StartAsync(renderer: renderer);

        // The attacker asks for codes and guesses wrong: 10 failures spend the soft budget.
        await GuessAsync(app, codes: 2);
        _time.Advance(TimeSpan.FromSeconds(61));
        using (var refused = await app.PostAsync(Send, """{"phone_number":"+86 15588665555"}"""))
        {
            var body = await Json.AssertErrorAsync(refused, HttpStatusCode.BadRequest, "captcha_required", 4028);
            Assert.Equal("failure_budget", Json.Detail(body, "reason"));
        }

        // The owner solves a captcha and signs in.
        await OwnerSignsInAsync(app, renderer);

        // The attacker solves captchas too and runs into the backstop (50 failures): refused, but for minutes.
        for (var i = 0; i < 8; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(61));
            var id = await SendWithCaptchaAsync(app, renderer);
            await WrongGuessesAsync(app, id, 5);
        }

        _time.Advance(TimeSpan.FromSeconds(61));
        using var backstop = await app.PostAsync(Send, """{"phone_number":"+86 15588665555"}""");
        var refusal = await Json.AssertErrorAsync(backstop, (HttpStatusCode)429, "rate_limit_exceeded", 4029);
        Assert.Equal("failure_budget", Json.Detail(refusal, "reason"));
        Assert.InRange(long.Parse(Json.Detail(refusal, "retry_after")!, System.Globalization.CultureInfo.InvariantCulture), 1, 30 * 60);

        _time.Advance(TimeSpan.FromMinutes(31));
        await OwnerSignsInAsync(app, renderer);
    }

    [Fact]
    public async Task Send_GlobalBudgetsOpenShareExhausted_ExistingUsersAndCaptchaSolversStillSignIn()
    {
        var renderer = new RecordingCaptchaRenderer();
        await using var app = await StartAsync(
            v =>
            {
                v.Throttling.GlobalSmsPerHour = 10;
                v.Throttling.GlobalReservedShare = 0.2;
                v.Throttling.GlobalCaptchaShare = 1;
                v.Throttling.PerIp = new RateWindow(0, TimeSpan.FromHours(1));
            },
            directory: new FakeUserDirectory("+8615588665555"),
            renderer: renderer);

        // A pumping run spends the open 8 of 10 on numbers of many ranges.
        for (var i = 0; i < 8; i++)
        {
            await app.SendAsync($$"""{"phone_number":"+86 13{{i}}0013{{i:D4}}"}""");
        }

        using var pumped = await app.PostAsync(Send, """{"phone_number":"+86 13900139000"}""");
        Assert.Equal("global_budget", Json.Detail(await Json.AssertErrorAsync(pumped, (HttpStatusCode)429, "rate_limit_exceeded", 4029), "reason"));

        // The reserved share: an existing account, and a send that passed a captcha.
        await app.SendAsync("""{"phone_number":"+86 15588665555"}""");
        var captcha = await SolveCaptchaAsync(app, renderer);
        using var solver = new HttpRequestMessage(HttpMethod.Post, Send)
        {
            Content = new StringContent("""{"phone_number":"+86 13900139000"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        solver.Headers.Add("x-captcha-token", captcha);
        using var solved = await app.Client.SendAsync(solver);
        await Json.ReadSuccessAsync(solved);
        Assert.Equal(10, app.Messages.Count);
    }

    [Fact]
    public async Task Send_RefusedIdempotentSendAndCaptchaOnACooldown_NoSignatureAndTheCaptchaIsNotSpent()
    {
        var renderer = new RecordingCaptchaRenderer();
        await using var app = await StartAsync(renderer: renderer);
        using var signatures = new SignatureCounter(app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        await SendAsync(app, """{"phone_number":"+86 15588665555"}""", idempotencyKey: "k-1");
        Assert.Equal(1, signatures.Count);

        // Another key for the same number within the cooldown: refused before anything is signed or stored.
        var captcha = await SolveCaptchaAsync(app, renderer);
        using (var refused = await SendAsync(app, """{"phone_number":"+86 15588665555"}""", idempotencyKey: "k-2", captcha: captcha))
        {
            Assert.Equal("resend_cooldown", Json.Detail(await Json.AssertErrorAsync(refused, (HttpStatusCode)429, "rate_limit_exceeded", 4029), "reason"));
        }

        Assert.Equal(1, signatures.Count);

        // The solved captcha was neither validated nor used by the refused send: it still serves a real one.
        using var other = await SendAsync(app, """{"phone_number":"+86 13800138000"}""", captcha: captcha);
        await Json.ReadSuccessAsync(other);
        Assert.Equal(2, signatures.Count);
    }

    [Fact]
    public async Task Send_ThirdPartyUsesTheVictimsPredictableIdempotencyKey_VictimNeverGetsTheBurnedId()
    {
        await using var app = await StartAsync();
        const string Key = "signin-15588665555";
        using var attackerSend = await SendAsync(app, """{"phone_number":"+86 15588665555"}""", idempotencyKey: Key, device: "attacker");
        var attackerId = (await Json.ReadSuccessAsync(attackerSend)).GetProperty("verification_id").GetString()!;
        await WrongGuessesAsync(app, attackerId, 5);

        _time.Advance(TimeSpan.FromSeconds(61));
        using var victimSend = await SendAsync(app, """{"phone_number":"+86 15588665555"}""", idempotencyKey: Key, device: "victim-phone");
        var victimId = (await Json.ReadSuccessAsync(victimSend)).GetProperty("verification_id").GetString()!;

        Assert.NotEqual(attackerId, victimId);
        using var verified = await app.PostAsync(Verify, $$"""{"verification_id":"{{victimId}}","verification_code":"{{app.SmsSender.LastCode!}}"}""");
        await Json.ReadSuccessAsync(verified);
    }

    private async Task GuessAsync(TestApp app, int codes)
    {
        for (var i = 0; i < codes; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(61));
            var id = await app.SendAsync("""{"phone_number":"+86 15588665555"}""");
            await WrongGuessesAsync(app, id, 5);
        }
    }

    private static async Task WrongGuessesAsync(TestApp app, string id, int count)
    {
        var wrong = ServiceHarness.WrongCode(app.SmsSender.LastCode!);
        for (var i = 0; i < count; i++)
        {
            using (await app.PostAsync(Verify, $$"""{"verification_id":"{{id}}","verification_code":"{{wrong}}"}"""))
            {
            }
        }
    }

    private async Task OwnerSignsInAsync(TestApp app, RecordingCaptchaRenderer renderer)
    {
        _time.Advance(TimeSpan.FromSeconds(61));
        var id = await SendWithCaptchaAsync(app, renderer);
        using var verified = await app.PostAsync(Verify, $$"""{"verification_id":"{{id}}","verification_code":"{{app.SmsSender.LastCode!}}"}""");
        await Json.ReadSuccessAsync(verified);
    }

    private static async Task<string> SendWithCaptchaAsync(TestApp app, RecordingCaptchaRenderer renderer)
    {
        using var response = await SendAsync(app, """{"phone_number":"+86 15588665555"}""", captcha: await SolveCaptchaAsync(app, renderer));
        return (await Json.ReadSuccessAsync(response)).GetProperty("verification_id").GetString()!;
    }

    private static async Task<HttpResponseMessage> SendAsync(TestApp app, string json, string? idempotencyKey = null, string? captcha = null, string? device = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Send) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (captcha is not null)
        {
            request.Headers.Add("x-captcha-token", captcha);
        }

        if (device is not null)
        {
            request.Headers.Add("x-device-id", device);
        }

        return await app.Client.SendAsync(request);
    }

    private static async Task<string> SolveCaptchaAsync(TestApp app, RecordingCaptchaRenderer renderer)
    {
        using var data = await app.PostAsync("/auth/v1/captcha/data", "{}");
        var challenge = (await Json.ReadSuccessAsync(data)).GetProperty("token").GetString()!;
        using var verify = await app.PostAsync("/auth/v1/captcha/data/verify", $$"""{"token":"{{challenge}}","key":"{{renderer.Last}}"}""");
        return (await Json.ReadSuccessAsync(verify)).GetProperty("captcha_token").GetString()!;
    }

    /// <summary>Starts the app on the store under test, on the test's clock.</summary>
    private protected Task<TestApp> StartAsync(
        Action<VerificationOptions>? verification = null,
        IUserDirectory? directory = null,
        ICaptchaImageRenderer? renderer = null,
        Action<IServiceCollection>? services = null,
        Action<Microsoft.AspNetCore.Builder.WebApplication>? beforeEndpoints = null) =>
        TestApp.StartAsync(o =>
        {
            o.BeforeEndpoints = beforeEndpoints;
            o.Time = _time;
            o.Verification = verification;
            o.Services = s =>
            {
                UseStore(s);
                services?.Invoke(s);
            };
            o.UserDirectory = directory;
            o.CaptchaRenderer = renderer;
        });
}
