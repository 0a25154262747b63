using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

using Verification.Captcha.Image;

namespace Verification.Adversarial.Tests;

/// <summary>
/// Threats T1, T2 and T11 of docs/security.md under concurrency, through the whole service (not only the store), run once on
/// the in-memory store and once on Redis: exactly-once verification, the attempt limit, one message per contact,
/// one redemption, one captcha use.
/// </summary>
public abstract class RaceTests(ITestOutputHelper output) : IDisposable
{
    private const int Racers = 48;
    private const string Phone = "+86 15588665555";

    private ServiceProvider _provider = null!;
    private readonly FakeSmsSender _outbox = new();
    private readonly FakeTimeProvider _time = new(ServiceHarness.Start);
    private readonly RecordingCaptchaRenderer _renderer = new();
    private bool _built;

    public void Dispose()
    {
        if (_built)
        {
            _provider.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Puts the store under test in place.</summary>
    protected abstract void UseStore(IVerificationBuilder builder);

    [Fact]
    public async Task VerifyAsync_ConcurrentCorrectCodes_ExactlyOneSucceeds()
    {
        var service = Service();
        var sent = ResultAssert.Succeeded(await service.SendAsync(new VerificationRequest(PhoneNumber: Phone)));
        var code = _outbox.LastCode!;

        var results = await Concurrently.RunAsync(Racers, _ => service.VerifyAsync(new VerifyRequest(sent.VerificationId, code)));

        Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(VerificationErrorReasons.Used, r.Error!.Reason));
        output.WriteLine($"{Racers} concurrent correct verifies: 1 success");
    }

    [Fact]
    public async Task VerifyAsync_ConcurrentWrongGuesses_ConsumeExactlyTheAttemptLimit()
    {
        var service = Service(o => (o.Throttling.FailedAttemptsPerContact, o.Throttling.FailedAttemptsBackstop) = (7, 7));
        var sent = ResultAssert.Succeeded(await service.SendAsync(new VerificationRequest(PhoneNumber: Phone)));
        var code = _outbox.LastCode!;
        var wrong = ServiceHarness.WrongCode(code);

        var results = await Concurrently.RunAsync(Racers, _ => service.VerifyAsync(new VerifyRequest(sent.VerificationId, wrong)));

        // 5 attempts per code: 4 answers "wrong", every other one "exhausted"; none is compared a sixth time.
        Assert.Equal(4, results.Count(r => r.Error?.Reason == VerificationErrorReasons.Wrong));
        Assert.Equal(Racers - 4, results.Count(r => r.Error?.Reason == VerificationErrorReasons.Exhausted));
        ResultAssert.Failed(await service.VerifyAsync(new VerifyRequest(sent.VerificationId, code)), VerificationErrorCodes.InvalidVerificationCode, VerificationErrorReasons.Exhausted);

        // The contact's failure budget (7) was charged exactly 5: a new code allows 2 more failures, then refuses.
        _time.Advance(TimeSpan.FromMinutes(2));
        var again = ResultAssert.Succeeded(await service.SendAsync(new VerificationRequest(PhoneNumber: Phone)));
        var wrongAgain = ServiceHarness.WrongCode(_outbox.LastCode!);
        ResultAssert.Failed(await service.VerifyAsync(new VerifyRequest(again.VerificationId, wrongAgain)), VerificationErrorCodes.InvalidVerificationCode, VerificationErrorReasons.Wrong);
        ResultAssert.Failed(await service.VerifyAsync(new VerifyRequest(again.VerificationId, wrongAgain)), VerificationErrorCodes.InvalidVerificationCode, VerificationErrorReasons.Wrong);
        ResultAssert.Failed(await service.VerifyAsync(new VerifyRequest(again.VerificationId, _outbox.LastCode!)), VerificationErrorCodes.RateLimitExceeded, VerificationErrorReasons.FailureBudget);
    }

    [Fact]
    public async Task SendAsync_ConcurrentSendsToOneContact_OneMessage()
    {
        var service = Service();
        string[] spellings = [Phone, "+8615588665555", "+86 155-8866-5555", "+86 (155) 8866 5555", "+86\uFF11\uFF15\uFF15\uFF18\uFF18\uFF16\uFF16\uFF15\uFF15\uFF15\uFF15"];

        var results = await Concurrently.RunAsync(Racers, i => service.SendAsync(new VerificationRequest(PhoneNumber: spellings[i % spellings.Length])));

        Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(VerificationErrorReasons.ResendCooldown, r.Error!.Reason));
        Assert.Single(_outbox.Messages);
    }

    [Fact]
    public async Task SendAsync_ConcurrentSendsWithOneIdempotencyKey_SameIdOneMessage()
    {
        var service = Service();
        var context = new VerificationContext { IdempotencyKey = "race-key" };

        var results = await Concurrently.RunAsync(Racers, _ => service.SendAsync(new VerificationRequest(PhoneNumber: Phone), context));

        Assert.All(results, r => Assert.True(r.Succeeded, r.ToString()));
        Assert.Single(results.Select(r => r.Value!.VerificationId).Distinct());
        Assert.Single(_outbox.Messages);
    }

    [Fact]
    public async Task RedeemVerificationTokenAsync_ConcurrentRedeems_OneSuccess()
    {
        var service = Service();
        var sent = ResultAssert.Succeeded(await service.SendAsync(new VerificationRequest(PhoneNumber: Phone)));
        var token = ResultAssert.Succeeded(await service.VerifyAsync(new VerifyRequest(sent.VerificationId, _outbox.LastCode!))).VerificationToken;

        var results = await Concurrently.RunAsync(Racers, _ => service.RedeemVerificationTokenAsync(token));

        Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(VerificationErrorReasons.Used, r.Error!.Reason));
    }

    [Fact]
    public async Task CaptchaToken_ConcurrentUses_OneSuccess()
    {
        var service = Service(o => o.Captcha.AlwaysRequire = true);
        var captcha = _provider.GetRequiredService<ImageCaptchaService>();
        var challenge = ResultAssert.Succeeded(await captcha.CreateChallengeAsync());
        var token = ResultAssert.Succeeded(await captcha.VerifyChallengeAsync(challenge.Token, _renderer.Last)).CaptchaToken;

        // Each racer asks for a code to its own number with the one captcha token: only one gets through.
        var results = await Concurrently.RunAsync(Racers, i => service.SendAsync(new VerificationRequest(PhoneNumber: $"+86 139{i:D8}", CaptchaToken: token)));

        Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(VerificationErrorCodes.CaptchaInvalid, r.Error!.Code));
        Assert.Single(_outbox.Messages);
    }

    [Fact]
    public async Task CaptchaToken_SendsAndDirectValidationsRace_AtMostOneAcceptsAndTheTokenEndsUsed()
    {
        var service = Service(o => o.Captcha.AlwaysRequire = true);
        var captcha = _provider.GetRequiredService<ImageCaptchaService>();
        var challenge = ResultAssert.Succeeded(await captcha.CreateChallengeAsync());
        var token = ResultAssert.Succeeded(await captcha.VerifyChallengeAsync(challenge.Token, _renderer.Last)).CaptchaToken;

        // Half the racers spend the token on a send (its save takes the mark), half validate it directly (charge, then read).
        var accepted = await Concurrently.RunAsync(Racers, async i => i % 2 == 0
            ? (await service.SendAsync(new VerificationRequest(PhoneNumber: $"+86 139{i:D8}", CaptchaToken: token))).Succeeded
            : (await captcha.ValidateAsync(token, null)).Status == CaptchaValidationStatus.Valid);

        Assert.InRange(accepted.Count(a => a), 0, 1);
        Assert.InRange(_outbox.Messages.Count, 0, 1);
        Assert.Equal(new CaptchaValidationResult(CaptchaValidationStatus.Invalid, VerificationErrorReasons.Used), (await captcha.CheckAsync(token, null)).Result);
    }

    [Fact]
    public async Task CaptchaChallenge_ConcurrentSolutions_OneCaptchaToken()
    {
        Service();
        var captcha = _provider.GetRequiredService<ImageCaptchaService>();
        var challenge = ResultAssert.Succeeded(await captcha.CreateChallengeAsync());
        var key = _renderer.Last;

        var results = await Concurrently.RunAsync(Racers, _ => captcha.VerifyChallengeAsync(challenge.Token, key));

        Assert.Single(results, r => r.Succeeded);
    }

    private IVerificationService Service(Action<VerificationOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton<ICaptchaImageRenderer>(_renderer);
        var builder = services.AddVerification(o =>
        {
            var defaults = ServiceHarness.CreateOptions();
            o.Tokens.Algorithm = defaults.Tokens.Algorithm;
            o.Tokens.SigningKeys.Add(defaults.Tokens.SigningKeys[0]);
            o.Tokens.HashKey = defaults.Tokens.HashKey;
            o.Delivery.RetryDelay = TimeSpan.Zero;
            configure?.Invoke(o);
        }).AddSmsSender(_outbox).AddEmailSender(new FakeEmailSender()).UseImageCaptcha();
        UseStore(builder);
        _provider = services.BuildServiceProvider();
        _built = true;
        return _provider.GetRequiredService<IVerificationService>();
    }
}

public sealed class InMemoryRaceTests(ITestOutputHelper output) : RaceTests(output)
{
    protected override void UseStore(IVerificationBuilder builder)
    {
        // The in-memory store is the default.
    }
}

[Trait("Requires", "redis")]
public sealed class RedisRaceTests(ITestOutputHelper output) : RaceTests(output)
{
    protected override void UseStore(IVerificationBuilder builder)
    {
        builder.UseRedisStore(RedisTestServers.Single);
        builder.Services.Configure<RedisStoreOptions>(o => o.KeyPrefix = "adv-" + Guid.NewGuid().ToString("N"));
    }
}
