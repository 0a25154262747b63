using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Verification.Tests;

/// <summary>
/// The limits read before anything expensive is done for a send: hard limits refuse, soft ones ask for a captcha
/// unless the request brings one, a store failure is <c>unavailable</c>, and a store that reads nothing useful gives
/// no advice (the save decides).
/// </summary>
public sealed class LimitGateTests
{
    private static readonly RateCharge Cooldown = new("cooldown:c", 1, TimeSpan.FromMinutes(1), Reason: VerificationErrorReasons.ResendCooldown);
    private static readonly RateCharge Soft = new("ip:1", 5, TimeSpan.FromHours(1), Kind: RateLimitKind.Soft, Reason: VerificationErrorReasons.IpLimit);
    private static readonly RateCharge Daily = new("day:c", 10, TimeSpan.FromDays(1), Reason: VerificationErrorReasons.DailyLimit);

    private readonly Counters _store = new();
    private readonly FakeLogger _logger = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task CheckAsync_NoWindowFull_NullAndTheChargesKeysReadInOrderAtNow()
    {
        _store.Set(Cooldown.Key, 0);
        _store.Set(Soft.Key, 4);
        _store.Set(Daily.Key, 9);

        var refusal = await Gate().CheckAsync([Cooldown, Soft, Daily], bringsCaptcha: false, default);

        Assert.Null(refusal);
        Assert.Equal([Cooldown.Key, Soft.Key, Daily.Key], _store.ReadKeys);
        Assert.Equal(_time.GetUtcNow(), _store.ReadAt);
    }

    [Fact]
    public async Task CheckAsync_HardWindowFull_RateLimitedWithItsReasonDescriptionAndRetryAfter()
    {
        _store.Set(Cooldown.Key, 1, TimeSpan.FromSeconds(42));

        var refusal = await Gate().CheckAsync([Cooldown, Daily], bringsCaptcha: false, default);

        Assert.NotNull(refusal);
        Assert.Equal(VerificationErrorCodes.RateLimitExceeded, refusal.Code);
        Assert.Equal(VerificationErrorReasons.ResendCooldown, refusal.Reason);
        Assert.Equal(TimeSpan.FromSeconds(42), refusal.RetryAfter);
        Assert.Equal(ChargePlan.Describe(VerificationErrorReasons.ResendCooldown), refusal.Description);
    }

    [Fact]
    public async Task CheckAsync_SoftAndHardWindowsFull_TheHardOneRefusesEvenWithACaptcha()
    {
        _store.Set(Soft.Key, 5, TimeSpan.FromMinutes(30));
        _store.Set(Daily.Key, 10, TimeSpan.FromHours(3));

        var withoutCaptcha = await Gate().CheckAsync([Soft, Daily], bringsCaptcha: false, default);
        var withCaptcha = await Gate().CheckAsync([Soft, Daily], bringsCaptcha: true, default);

        Assert.Equal((VerificationErrorCodes.RateLimitExceeded, VerificationErrorReasons.DailyLimit), (withoutCaptcha?.Code, withoutCaptcha?.Reason));
        Assert.Equal((VerificationErrorCodes.RateLimitExceeded, VerificationErrorReasons.DailyLimit), (withCaptcha?.Code, withCaptcha?.Reason));
    }

    [Fact]
    public async Task CheckAsync_SoftWindowFull_CaptchaRequiredUnlessTheRequestBringsOne()
    {
        _store.Set(Soft.Key, 5, TimeSpan.FromMinutes(30));

        var withoutCaptcha = await Gate().CheckAsync([Cooldown, Soft], bringsCaptcha: false, default);
        var withCaptcha = await Gate().CheckAsync([Cooldown, Soft], bringsCaptcha: true, default);

        Assert.NotNull(withoutCaptcha);
        Assert.Equal(VerificationErrorCodes.CaptchaRequired, withoutCaptcha.Code);
        Assert.Equal(VerificationErrorReasons.IpLimit, withoutCaptcha.Reason);
        Assert.Equal(TimeSpan.FromMinutes(30), withoutCaptcha.RetryAfter);
        Assert.Null(withCaptcha);
    }

    [Fact]
    public async Task CheckAsync_SoftWindowThatNeverLifts_CaptchaRequiredWithoutRetryAfter()
    {
        var always = Soft with { Limit = 0, Amount = 0 };

        var refusal = await Gate().CheckAsync([always], bringsCaptcha: false, default);

        Assert.Equal(VerificationErrorCodes.CaptchaRequired, refusal?.Code);
        Assert.Null(refusal?.RetryAfter);
    }

    [Fact]
    public async Task CheckAsync_StoreThrows_UnavailableAndLogged()
    {
        _store.Fail = new TimeoutException("down");

        var refusal = await Gate().CheckAsync([Cooldown], bringsCaptcha: false, default);

        Assert.Equal((VerificationErrorCodes.Unavailable, VerificationErrorReasons.StoreUnavailable), (refusal?.Code, refusal?.Reason));
        Assert.Equal(StoreGuard.NothingSent, refusal?.Description);
        Assert.Equal(1, _logger.Collector.Count);
    }

    [Fact]
    public async Task CheckAsync_StoreReadsFewerCountersThanCharges_NoAdvice()
    {
        _store.Set(Cooldown.Key, 1, TimeSpan.FromSeconds(42));
        _store.Truncate = true;

        Assert.Null(await Gate().CheckAsync([Cooldown, Daily], bringsCaptcha: false, default));
    }

    [Theory]
    [InlineData(48, false)]
    [InlineData(49, true)]
    [InlineData(50, false)]
    public async Task CheckAsync_GlobalBudget_LoggedOnceWhenThisSendTakesItToHalfNamedWithoutItsRegion(long count, bool logged)
    {
        var budget = new RateCharge("global-sms-region:CN", 100, TimeSpan.FromHours(1), Reason: VerificationErrorReasons.GlobalBudget);
        _store.Set(budget.Key, count);

        Assert.Null(await Gate().CheckAsync([budget], bringsCaptcha: false, default));

        var records = _logger.Collector.GetSnapshot();
        Assert.Equal(logged ? 1 : 0, records.Count);
        if (logged)
        {
            Assert.Equal("global-sms-region", records[0].StructuredState!.Single(s => s.Key == "Budget").Value);
        }
    }

    [Fact]
    public async Task CountLookupAsync_Charges_ChargedAtNow()
    {
        var lookup = new RateCharge("lookup-ip:1", 20, TimeSpan.FromHours(1), Kind: RateLimitKind.Soft);

        Assert.Null(await Gate().CountLookupAsync([lookup], default));

        Assert.Equal([lookup], _store.Charged);
        Assert.Equal(_time.GetUtcNow(), _store.ChargedAt);
    }

    [Fact]
    public async Task CountLookupAsync_NoCharges_NoStoreCall()
    {
        _store.Fail = new TimeoutException("down");

        Assert.Null(await Gate().CountLookupAsync([], default));

        Assert.Empty(_store.Charged);
    }

    [Fact]
    public async Task CountLookupAsync_StoreThrows_UnavailableSoTheAnswerNeverTellsUncounted()
    {
        _store.Fail = new TimeoutException("down");

        var error = await Gate().CountLookupAsync([new RateCharge("lookup-ip:1", 20, TimeSpan.FromHours(1))], default);

        Assert.Equal((VerificationErrorCodes.Unavailable, VerificationErrorReasons.StoreUnavailable), (error?.Code, error?.Reason));
    }

    private LimitGate Gate() => new(_store, new StoreGuard(_logger), new VerificationMetrics(null), _time, _logger, captchaShare: 0.5);

    /// <summary>Counters read from a table (an absent key reads empty); records what was read and charged.</summary>
    private sealed class Counters : IRateCounterStore
    {
        private readonly Dictionary<string, RateCounter> _counters = new(StringComparer.Ordinal);

        public Exception? Fail { get; set; }

        public bool Truncate { get; set; }

        public IReadOnlyList<string> ReadKeys { get; private set; } = [];

        public DateTimeOffset? ReadAt { get; private set; }

        public List<RateCharge> Charged { get; } = [];

        public DateTimeOffset? ChargedAt { get; private set; }

        public void Set(string key, long count, TimeSpan retryAfter = default) => _counters[key] = new RateCounter(count, retryAfter);

        public ValueTask<IReadOnlyList<RateCounter>> ReadCountersAsync(IReadOnlyList<RateCharge> charges, DateTimeOffset now, CancellationToken cancellationToken = default)
        {
            if (Fail is not null)
            {
                throw Fail;
            }

            (ReadKeys, ReadAt) = ([.. charges.Select(c => c.Key)], now);
            var counters = charges.Select(c => _counters.GetValueOrDefault(c.Key)).ToList();
            return ValueTask.FromResult<IReadOnlyList<RateCounter>>(Truncate ? counters.Take(counters.Count - 1).ToList() : counters);
        }

        public ValueTask ChargeAsync(IReadOnlyList<RateCharge> charges, DateTimeOffset now, CancellationToken cancellationToken = default)
        {
            if (Fail is not null)
            {
                throw Fail;
            }

            Charged.AddRange(charges);
            ChargedAt = now;
            return ValueTask.CompletedTask;
        }
    }
}
