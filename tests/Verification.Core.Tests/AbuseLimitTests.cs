using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Verification.Tests;

/// <summary>
/// The abuse protection of <see cref="VerificationService.SendAsync"/> (docs/abuse-protection.md; threats T6 and T11 of
/// docs/security.md): the
/// global SMS budget, the soft windows that ask for a captcha, the Idempotency-Key, uniform answers for existing
/// and unknown contacts, the validation of the new settings and the metrics. Every window is checked for its
/// limit, its reset and its RetryAfter, on a fake clock.
/// </summary>
public sealed partial class AbuseLimitTests
{
    private const string CaptchaToken = "solved-captcha";

    private static readonly IPAddress Ipv4 = IPAddress.Parse("203.0.113.7");

    // ---- Global SMS budget (hard) -----------------------------------------------------------------------------

    [Fact]
    public async Task SendAsync_GlobalSmsPerHourSpent_RateLimitedGlobalBudgetWithRetryAfter()
    {
        var h = HardGlobalSmsBudget(perHour: 3, perDay: 0);
        for (var i = 1; i <= 3; i++)
        {
            ResultAssert.Succeeded(await SendPhone(h, Number(i)));
            h.Time.Advance(TimeSpan.FromMinutes(10));
        }

        var error = ResultAssert.Failed(await SendPhone(h, Number(4)), VerificationErrorCodes.RateLimitExceeded, VerificationErrorReasons.GlobalBudget);

        Assert.Equal(TimeSpan.FromMinutes(30), error.RetryAfter);
        Assert.Equal(3, h.Messages.Count);
    }

    [Fact]
    public async Task SendAsync_GlobalSmsPerHourWindowEnds_SendsAgain()
    {
        var h = HardGlobalSmsBudget(perHour: 2, perDay: 0);
        ResultAssert.Succeeded(await SendPhone(h, Number(1)));
        ResultAssert.Succeeded(await SendPhone(h, Number(2)));

        h.Time.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));
        var error = ResultAssert.Failed(await SendPhone(h, Number(3)), VerificationErrorCodes.RateLimitExceeded, VerificationErrorReasons.GlobalBudget);
        Assert.Equal(TimeSpan.FromSeconds(1), error.RetryAfter);

        h.Time.Advance(TimeSpan.FromSeconds(1));
        ResultAssert.Succeeded(await SendPhone(h, Number(3)));
        Assert.Equal(3, h.Messages.Count);
    }

    [Fact]
    public async Task SendAsync_GlobalSmsPerDaySpent_RateLimitedGlobalBudgetUntilTheDayEnds()
    {
        // The hourly budget (default 1000) is far away; the daily one is the limit under test.
        var h = new ServiceHarness(o =>
        {
            o.Throttling.GlobalSmsPerDay = 3;
            o.Throttling.GlobalReservedShare = 0; // the hard cap under test, without its reserved share
        });
        for (var i = 1; i <= 3; i++)
        {
            ResultAssert.Succeeded(await SendPhone(h, Number(i)));
            h.Time.Advance(TimeSpan.FromHours(2));
        }

        var error = ResultAssert.Failed(await SendPhone(h, Number(4)), VerificationErrorCodes.RateLimitExceeded, VerificationErrorReasons.GlobalBudget);
        Assert.Equal(TimeSpan.FromHours(18), error.RetryAfter);

        // A fresh hour does not help against the daily budget.
        h.Time.Advance(TimeSpan.FromHours(18) - TimeSpan.FromSeconds(1));
        error = ResultAssert.Failed(await SendPhone(h, Number(4)), VerificationErrorCodes.RateLimitExceeded, VerificationErrorReasons.GlobalBudget);
        Assert.Equal(TimeSpan.FromSeconds(1), error.RetryAfter);

        h.Time.Advance(TimeSpan.FromSeconds(1));
        ResultAssert.Succeeded(await SendPhone(h, Number(4)));
        Assert.Equal(4, h.Messages.Count);
    }

    [Fact]
    public async Task SendAsync_Emails_DoNotCountAgainstTheGlobalSmsBudget()
    {
        var h = HardGlobalSmsBudget(perHour: 2, perDay: 2);
        for (var i = 0; i < 3; i++)
        {
            ResultAssert.Succeeded(await SendEmail(h, $"user{i}@example.com"));
        }

        ResultAssert.Succeeded(await SendPhone(h, Number(1)));
        ResultAssert.Succeeded(await SendPhone(h, Number(2)));
        ResultAssert.Failed(await SendPhone(h, Number(3)), VerificationErrorCodes.RateLimitExceeded, VerificationErrorReasons.GlobalBudget);

        // Once the SMS budget is spent, email still goes out.
        ResultAssert.Succeeded(await SendEmail(h, "user3@example.com"));
        Assert.Equal(6, h.Messages.Count);
    }

    // ---- Helpers ---------------------------------------------------------------------------------------------

    /// <summary>+86 155 8866 nnnn: numbers that share the prefix +861558866.</summary>
    private static string Number(int i) => "+86 155 8866 " + i.ToString("D4", CultureInfo.InvariantCulture);

    private static VerificationContext Ip(string address) => new() { ClientIp = IPAddress.Parse(address) };

    private static ValueTask<VerificationResult<VerificationResponse>> SendPhone(ServiceHarness h, string phone, VerificationContext? context = null, string? captchaToken = null) =>
        h.Service.SendAsync(new VerificationRequest(PhoneNumber: phone, CaptchaToken: captchaToken), context);

    private static ValueTask<VerificationResult<VerificationResponse>> SendEmail(ServiceHarness h, string email, VerificationContext? context = null, string? captchaToken = null) =>
        h.Service.SendAsync(new VerificationRequest(Email: email, CaptchaToken: captchaToken), context);

    private static ICaptchaValidator Validator(CaptchaValidationStatus status, string? reason = null)
    {
        var validator = Substitute.For<ICaptchaValidator>();
        validator.ValidateAsync(default!, default, default)
            .ReturnsForAnyArgs(new ValueTask<CaptchaValidationResult>(new CaptchaValidationResult(status, reason)));
        return validator;
    }

    private static IUserDirectory Users(params string[] existing)
    {
        var directory = Substitute.For<IUserDirectory>();
        directory.ExistsAsync(default, default!, default)
            .ReturnsForAnyArgs(call => new ValueTask<bool>(existing.Contains(call.ArgAt<string>(1), StringComparer.Ordinal)));
        return directory;
    }

    private static string[] PropertyNames(VerificationResponse response)
    {
        using var document = JsonDocument.Parse(JsonSerializer.Serialize(response));
        return [.. document.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];
    }

    /// <summary>Turns every soft window off except the one that <paramref name="reason"/> names, which allows one send.</summary>
    private static void OnlySoftLimit(VerificationOptions options, string reason)
    {
        var throttling = options.Throttling;
        throttling.ResendCooldown = TimeSpan.Zero;
        throttling.ContactBurst.Limit = 0;
        throttling.PerIp.Limit = 0;
        throttling.PerDevice.Limit = 0;
        throttling.PerNumberPrefix.Limit = 0;
        var one = new RateWindow(1, TimeSpan.FromHours(1));
        switch (reason)
        {
            case VerificationErrorReasons.IpLimit: throttling.PerIp = one; break;
            case VerificationErrorReasons.DeviceLimit: throttling.PerDevice = one; break;
            case VerificationErrorReasons.PrefixVelocity: throttling.PerNumberPrefix = one; break;
            case VerificationErrorReasons.ContactBurst: throttling.ContactBurst = one; break;
            default: options.Captcha.AlwaysRequire = true; break;
        }
    }

    /// <summary>The n-th request of a soft-limit scenario: distinct contacts, except for the per-contact burst.</summary>
    private static VerificationRequest SoftRequest(string reason, int n) => reason switch
    {
        VerificationErrorReasons.PrefixVelocity => new VerificationRequest(PhoneNumber: Number(n)),
        VerificationErrorReasons.ContactBurst => new VerificationRequest(Email: ServiceHarness.Email),
        _ => new VerificationRequest(Email: $"user{n}@example.com"),
    };

    private static void Set(VerificationOptions options, string key, string value)
    {
        var number = int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;
        var duration = TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var d) ? d : TimeSpan.Zero;
        var t = options.Throttling;
        var c = options.Captcha;
        switch (key)
        {
            case "Throttling:PerIp:Limit": t.PerIp.Limit = number; break;
            case "Throttling:PerDevice:Limit": t.PerDevice.Limit = number; break;
            case "Throttling:PerNumberPrefix:Limit": t.PerNumberPrefix.Limit = number; break;
            case "Throttling:ContactBurst:Limit": t.ContactBurst.Limit = number; break;
            case "Throttling:PerIp:Window": t.PerIp.Window = duration; break;
            case "Throttling:PerDevice:Window": t.PerDevice.Window = duration; break;
            case "Throttling:GlobalSmsPerHour": t.GlobalSmsPerHour = number; break;
            case "Throttling:GlobalSmsPerDay": t.GlobalSmsPerDay = number; break;
            case "Captcha:KeyLength": c.KeyLength = number; break;
            case "Captcha:MaxTries": c.MaxTries = number; break;
            case "Captcha:ChallengeLifetime": c.ChallengeLifetime = duration; break;
            case "Captcha:TokenLifetime": c.TokenLifetime = duration; break;
            case "Captcha:ChallengesPerIpPerHour": c.ChallengesPerIpPerHour = number; break;
            default: throw new ArgumentOutOfRangeException(nameof(key), key, "No setter for this key.");
        }
    }

    /// <summary>A service whose <c>Verification</c> meter comes from a real <see cref="IMeterFactory"/> (AddMetrics).</summary>
    private sealed class MeteredService : IDisposable
    {
        private readonly ServiceProvider _provider;

        public MeteredService(Action<VerificationOptions>? configure = null)
        {
            _provider = new ServiceCollection().AddMetrics().BuildServiceProvider();
            Meters = _provider.GetRequiredService<IMeterFactory>();
            var options = ServiceHarness.CreateOptions();
            configure?.Invoke(options);
            Service = new VerificationService(MsOptions.Create(options), new InMemoryCodeStore(), [SmsSender], [EmailSender], timeProvider: Time, meterFactory: Meters);
        }

        public IMeterFactory Meters { get; }

        public FakeTimeProvider Time { get; } = new(ServiceHarness.Start);

        public FakeSmsSender SmsSender { get; } = new();

        public FakeEmailSender EmailSender { get; } = new();

        public VerificationService Service { get; }

        public MetricCollector<long> Collect(string instrument) => new(Meters, "Verification", instrument);

        public void Dispose() => _provider.Dispose();
    }

    /// <summary>
    /// A harness whose global SMS budget is only the hard cap under test (no soft captcha tier, no reserved share):
    /// <paramref name="perHour"/> and <paramref name="perDay"/> sends (0 turns a window off).
    /// </summary>
    private static ServiceHarness HardGlobalSmsBudget(int perHour, int perDay) => new(o =>
    {
        o.Throttling.GlobalCaptchaShare = 1;
        o.Throttling.GlobalReservedShare = 0;
        o.Throttling.GlobalSmsPerHour = perHour;
        o.Throttling.GlobalSmsPerDay = perDay;
    });
}
