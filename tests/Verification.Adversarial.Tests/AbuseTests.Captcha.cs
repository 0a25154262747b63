using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace Verification.Adversarial.Tests;

/// <summary>Attack 5 (a refusal that burns the user's solved captcha) and its race, over HTTP on the store under test.</summary>
public abstract partial class AbuseTests
{
    [Fact]
    public async Task Send_CaptchaPassedThenRefusedOrFailedBeforeTheSave_TheSolvedCaptchaStaysUsableOnce()
    {
        var renderer = new RecordingCaptchaRenderer();
        var saves = new SaveHook();
        await using var app = await StartAsync(v => v.Captcha.AlwaysRequire = true, renderer: renderer, services: saves.Decorate);
        var captcha = await SolveCaptchaAsync(app, renderer);
        var otherTab = await SolveCaptchaAsync(app, renderer);

        // Another tab's send to the same number goes out between this send's limit read and its save: the save refuses.
        saves.BeforeNext = async () =>
        {
            using var sent = await SendAsync(app, """{"phone_number":"+86 15588665555"}""", captcha: otherTab);
            await Json.ReadSuccessAsync(sent);
        };
        using (var refused = await SendAsync(app, """{"phone_number":"+86 15588665555"}""", captcha: captcha))
        {
            Assert.Equal("resend_cooldown", Json.Detail(await Json.AssertErrorAsync(refused, (HttpStatusCode)429, "rate_limit_exceeded", 4029), "reason"));
        }

        // The store fails at the save (a failover): nothing is saved.
        saves.BeforeNext = static () => throw new TimeoutException("the store timed out at the save");
        using (var failed = await SendAsync(app, """{"phone_number":"+86 13800138000"}""", captcha: captcha))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        }

        // Neither used the captcha: it serves one real send, then no other.
        using (var sent = await SendAsync(app, """{"phone_number":"+86 13800138000"}""", captcha: captcha))
        {
            await Json.ReadSuccessAsync(sent);
        }

        using (var reused = await SendAsync(app, """{"phone_number":"+86 13900139000"}""", captcha: captcha))
        {
            Assert.Equal("used", Json.Detail(await Json.AssertErrorAsync(reused, HttpStatusCode.BadRequest, "captcha_invalid", 4027), "reason"));
        }

        Assert.Equal(2, app.Messages.Count);
    }

    [Fact]
    public async Task Send_ManySendsRaceWithOneSolvedCaptcha_AtMostOneIsSavedAndSent()
    {
        const int Racers = 16;
        var renderer = new RecordingCaptchaRenderer();
        await using var app = await StartAsync(v => v.Captcha.AlwaysRequire = true, renderer: renderer);
        var captcha = await SolveCaptchaAsync(app, renderer);

        var answers = new ConcurrentBag<(HttpStatusCode Status, string? Reason)>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Racers), new ParallelOptions { MaxDegreeOfParallelism = Racers }, async (i, _) =>
        {
            using var response = await SendAsync(app, $$"""{"phone_number":"+86 139{{i:D8}}"}""", captcha: captcha);
            answers.Add((response.StatusCode, response.IsSuccessStatusCode ? null : Json.Detail(await Json.ReadAsync(response), "reason")));
        });

        Assert.Single(answers, a => a.Status == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.OK), a => Assert.Equal((HttpStatusCode.BadRequest, "used"), a));
        Assert.Single(app.Messages);
    }
}

/// <summary>Decorates the store under test: runs a step once before the next save reaches it (another request, or a throw).</summary>
internal sealed class SaveHook
{
    private Func<ValueTask>? _beforeNext;

    public Func<ValueTask>? BeforeNext
    {
        get => Volatile.Read(ref _beforeNext);
        set => Volatile.Write(ref _beforeNext, value);
    }

    /// <summary>Wraps the <see cref="ICodeStore"/> registered last.</summary>
    public void Decorate(IServiceCollection services)
    {
        var inner = services.Last(d => d.ServiceType == typeof(ICodeStore));
        services.Add(ServiceDescriptor.Singleton<ICodeStore>(sp => new Store(this, (ICodeStore)(inner.ImplementationInstance ?? inner.ImplementationFactory!(sp)))));
    }

    private sealed class Store(SaveHook hook, ICodeStore inner) : DelegatingCodeStore(inner)
    {
        public override async ValueTask<SaveOutcome> SaveAsync(CodeRecord record, IReadOnlyList<RateCharge> charges, bool waiveSoftLimits, DateTimeOffset now, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref hook._beforeNext, null) is { } before)
            {
                await before();
            }

            return await Inner.SaveAsync(record, charges, waiveSoftLimits, now, cancellationToken);
        }
    }
}
