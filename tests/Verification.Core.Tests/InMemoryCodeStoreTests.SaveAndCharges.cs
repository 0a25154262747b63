namespace Verification.Tests;

public sealed partial class InMemoryCodeStoreTests
{
    [Fact]
    public async Task SaveAsync_SecondRecordForSameContact_SupersedesFirst()
    {
        var first = await SaveAsync();
        var other = await SaveAsync(contact: "+8613800138000");
        var second = await SaveAsync();

        Assert.Equal(AttemptStatus.Superseded, (await _store.AttemptAsync(first.Id, RightHash, MaxAttempts, AmpleBudget, T0)).Status);
        Assert.Equal(AttemptStatus.Verified, (await _store.AttemptAsync(second.Id, RightHash, MaxAttempts, AmpleBudget, T0)).Status);
        Assert.Equal(AttemptStatus.Verified, (await _store.AttemptAsync(other.Id, RightHash, MaxAttempts, AmpleBudget, T0)).Status);
    }

    [Fact]
    public async Task SaveAsync_HardChargeOverLimit_RateLimitedWithRemainingWindow()
    {
        var cooldown = new RateCharge("cooldown:" + Contact, 1, TimeSpan.FromSeconds(60), Reason: "resend_cooldown");
        await SaveAsync(charges: [cooldown]);

        var outcome = await _store.SaveAsync(NewRecord(), [cooldown], waiveSoftLimits: false, T0.AddSeconds(20));

        Assert.Equal(SaveStatus.RateLimited, outcome.Status);
        Assert.Equal(cooldown, outcome.RefusedBy);
        Assert.Equal(TimeSpan.FromSeconds(40), outcome.RetryAfter);
    }

    [Fact]
    public async Task SaveAsync_Refused_ChangesNothing()
    {
        var daily = new RateCharge("daily:" + Contact, 10, TimeSpan.FromDays(1));
        var cooldown = new RateCharge("cooldown:" + Contact, 1, TimeSpan.FromSeconds(60));
        var live = await SaveAsync(charges: [daily, cooldown]);
        var refused = NewRecord();

        var outcome = await _store.SaveAsync(refused, [daily, cooldown], waiveSoftLimits: false, T0);

        Assert.Equal(SaveStatus.RateLimited, outcome.Status);

        // The daily counter still holds 1: a check-only charge with limit 2 passes (it would refuse at 2).
        var check = await _store.SaveAsync(NewRecord(contact: "probe"), [daily with { Limit = 2, Amount = 0 }], waiveSoftLimits: false, T0);
        Assert.Equal(SaveStatus.Saved, check.Status);
        Assert.Equal(AttemptStatus.NotFound, (await _store.AttemptAsync(refused.Id, RightHash, MaxAttempts, AmpleBudget, T0)).Status);
        Assert.Equal(AttemptStatus.Verified, (await _store.AttemptAsync(live.Id, RightHash, MaxAttempts, AmpleBudget, T0)).Status);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task SaveOrChargeAsync_TwoChargesOfOneCounter_ChargeItTwice(bool counterAlreadyOpen, bool charged)
    {
        // A save or charge reads each counter once and then adds in place: a counter named twice must count both.
        var budget = new RateCharge("budget:shared", 5, TimeSpan.FromHours(1));
        if (counterAlreadyOpen)
        {
            await SaveAsync(contact: "+8613800138001", charges: [budget]);
        }

        if (charged)
        {
            await _store.ChargeAsync([budget, budget], T0);
        }
        else
        {
            await SaveAsync(contact: "+8613800138002", charges: [budget, budget]);
        }

        var held = counterAlreadyOpen ? 3 : 2;
        var counters = await _store.ReadCountersAsync([budget], T0);
        Assert.Equal(held, counters[0].Count);
        var last = await _store.SaveAsync(NewRecord(contact: "+8613800138003"), [budget with { Amount = 5 - held }], waiveSoftLimits: false, T0);
        Assert.Equal(SaveStatus.Saved, last.Status);
        var refused = await _store.SaveAsync(NewRecord(contact: "+8613800138004"), [budget], waiveSoftLimits: false, T0);
        Assert.Equal(SaveStatus.RateLimited, refused.Status);
    }

    [Fact]
    public async Task SaveAsync_SoftChargeOverLimit_CaptchaRequired()
    {
        var soft = new RateCharge("device:abc", 1, TimeSpan.FromMinutes(5), Kind: RateLimitKind.Soft, Reason: "device");
        await SaveAsync(charges: [soft]);

        var outcome = await _store.SaveAsync(NewRecord(), [soft], waiveSoftLimits: false, T0.AddMinutes(1));

        Assert.Equal(SaveStatus.CaptchaRequired, outcome.Status);
        Assert.Equal(soft, outcome.RefusedBy);
        Assert.Equal(TimeSpan.FromMinutes(4), outcome.RetryAfter);
    }

    [Fact]
    public async Task SaveAsync_SoftChargeOverLimitWaived_Saved()
    {
        var soft = new RateCharge("device:abc", 1, TimeSpan.FromMinutes(5), Kind: RateLimitKind.Soft);
        await SaveAsync(charges: [soft]);
        var record = NewRecord();

        var outcome = await _store.SaveAsync(record, [soft], waiveSoftLimits: true, T0);

        Assert.Equal(SaveStatus.Saved, outcome.Status);
        Assert.Equal(AttemptStatus.Verified, (await _store.AttemptAsync(record.Id, RightHash, MaxAttempts, AmpleBudget, T0)).Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SaveAsync_HardAndSoftBothFull_ReportsHard(bool waiveSoftLimits)
    {
        var soft = new RateCharge("ip:10.0.0.1", 1, TimeSpan.FromMinutes(5), Kind: RateLimitKind.Soft);
        var hard = new RateCharge("cooldown:" + Contact, 1, TimeSpan.FromSeconds(60));
        await SaveAsync(charges: [soft, hard]);

        // The soft charge comes first in the list, yet the hard refusal is reported: a captcha cannot help.
        var outcome = await _store.SaveAsync(NewRecord(), [soft, hard], waiveSoftLimits, T0);

        Assert.Equal(SaveStatus.RateLimited, outcome.Status);
        Assert.Equal(hard, outcome.RefusedBy);
    }

    [Fact]
    public async Task SaveAsync_CheckOnlyCharge_NeverIncrements()
    {
        var checkOnly = new RateCharge("failures:" + Contact, 1, TimeSpan.FromDays(1), Amount: 0);

        for (var i = 0; i < 5; i++)
        {
            var outcome = await _store.SaveAsync(NewRecord(), [checkOnly], waiveSoftLimits: false, T0.AddMinutes(i));
            Assert.Equal(SaveStatus.Saved, outcome.Status);
        }
    }

    [Fact]
    public async Task SaveAsync_CheckOnlyChargeWhenFull_RateLimited()
    {
        var failures = new RateCharge("failures:" + Contact, 2, TimeSpan.FromDays(1), Reason: "failure_budget");
        var record = await SaveAsync();
        await _store.AttemptAsync(record.Id, WrongHash, MaxAttempts, failures, T0);
        await _store.AttemptAsync(record.Id, WrongHash, MaxAttempts, failures, T0.AddMinutes(1));

        var outcome = await _store.SaveAsync(NewRecord(), [failures with { Amount = 0 }], waiveSoftLimits: false, T0.AddHours(2));

        Assert.Equal(SaveStatus.RateLimited, outcome.Status);
        Assert.Equal("failure_budget", outcome.RefusedBy?.Reason);
        Assert.Equal(TimeSpan.FromHours(22), outcome.RetryAfter);
    }

    [Fact]
    public async Task SaveAsync_AfterWindowPasses_CountsAgain()
    {
        var cooldown = new RateCharge("cooldown:" + Contact, 1, TimeSpan.FromSeconds(60));
        await SaveAsync(charges: [cooldown]);

        var before = await _store.SaveAsync(NewRecord(), [cooldown], waiveSoftLimits: false, T0.AddSeconds(60).AddTicks(-1));
        var after = await _store.SaveAsync(NewRecord(), [cooldown], waiveSoftLimits: false, T0.AddSeconds(60));
        var again = await _store.SaveAsync(NewRecord(), [cooldown], waiveSoftLimits: false, T0.AddSeconds(61));

        Assert.Equal(SaveStatus.RateLimited, before.Status);
        Assert.Equal(SaveStatus.Saved, after.Status);
        Assert.Equal(SaveStatus.RateLimited, again.Status);
    }

    [Fact]
    public async Task ReleaseAsync_SavedRecord_DeletesRecordAndRefundsCharges()
    {
        RateCharge[] charges =
        [
            new("failures:" + Contact, 10, TimeSpan.FromDays(1), Amount: 0),
            new("daily:" + Contact, 1, TimeSpan.FromDays(1)),
            new("cooldown:" + Contact, 1, TimeSpan.FromSeconds(60)),
        ];
        var released = await SaveAsync(charges: charges);

        await _store.ReleaseAsync(released, charges, T0.AddSeconds(1));

        Assert.Equal(AttemptStatus.NotFound, (await _store.AttemptAsync(released.Id, RightHash, MaxAttempts, AmpleBudget, T0.AddSeconds(1))).Status);
        var retry = NewRecord();
        Assert.Equal(SaveStatus.Saved, (await _store.SaveAsync(retry, charges, waiveSoftLimits: false, T0.AddSeconds(1))).Status);
        Assert.Equal(AttemptStatus.Verified, (await _store.AttemptAsync(retry.Id, RightHash, MaxAttempts, AmpleBudget, T0.AddSeconds(1))).Status);
    }
}
