namespace Verification.Testing.Stores;

/// <content>The rules of rate-limit charges on a save, and of releases.</content>
public abstract partial class CodeStoreConformanceTests
{
    /// <summary>A full hard limit refuses with the window's remaining time, and nothing changes.</summary>
    [Fact]
    public async Task Save_HardLimitFull_RateLimitedAndNothingChanged()
    {
        var store = CreateStore();
        var cooldown = new RateCharge("cooldown:" + Contact, 1, TimeSpan.FromSeconds(60), Reason: "cooldown");
        var other = new RateCharge("daily:" + Contact, 2, TimeSpan.FromDays(1));
        var first = await SaveAsync(store, charges: [other, cooldown]);

        var refused = await store.SaveAsync(NewRecord(T0.AddSeconds(20)), [other, cooldown], false, T0.AddSeconds(20));

        Assert.Equal(SaveStatus.RateLimited, refused.Status);
        Assert.Equal(cooldown, refused.RefusedBy);
        Assert.Equal(TimeSpan.FromSeconds(40), refused.RetryAfter);

        // The refused save neither superseded the live code nor charged "other": one more save fits after the cooldown.
        Assert.Equal(AttemptStatus.Mismatch, (await store.AttemptAsync(first.Id, WrongHash, MaxAttempts, AmpleBudget, T0.AddSeconds(21))).Status);
        Assert.Equal(SaveStatus.Saved, (await store.SaveAsync(NewRecord(T0.AddSeconds(60)), [other, cooldown], false, T0.AddSeconds(60))).Status);
        var full = await store.SaveAsync(NewRecord(T0.AddSeconds(120)), [other, cooldown], false, T0.AddSeconds(120));
        Assert.Equal((SaveStatus.RateLimited, (RateCharge?)other), (full.Status, full.RefusedBy));
    }

    /// <summary>A window is fixed: it starts at its first charge and resets whole when it ends (not sliding).</summary>
    [Fact]
    public async Task Save_Window_FixedFromFirstChargeThenReset()
    {
        var store = CreateStore();
        var charge = new RateCharge("minute:" + Contact, 2, TimeSpan.FromSeconds(60));

        Assert.Equal(SaveStatus.Saved, (await SaveChargedAsync(store, charge, T0)).Status);
        Assert.Equal(SaveStatus.Saved, (await SaveChargedAsync(store, charge, T0.AddSeconds(50))).Status);
        var refused = await SaveChargedAsync(store, charge, T0.AddSeconds(59));
        var reset1 = await SaveChargedAsync(store, charge, T0.AddSeconds(60));
        var reset2 = await SaveChargedAsync(store, charge, T0.AddSeconds(61));
        var refusedAgain = await SaveChargedAsync(store, charge, T0.AddSeconds(62));

        Assert.Equal((SaveStatus.RateLimited, TimeSpan.FromSeconds(1)), (refused.Status, refused.RetryAfter));
        Assert.Equal(SaveStatus.Saved, reset1.Status);
        Assert.Equal(SaveStatus.Saved, reset2.Status);
        Assert.Equal((SaveStatus.RateLimited, TimeSpan.FromSeconds(58)), (refusedAgain.Status, refusedAgain.RetryAfter));
    }

    /// <summary>Amounts above one are added whole and refused when they would overflow the limit.</summary>
    [Fact]
    public async Task Save_AmountAboveOne_CountsWhole()
    {
        var store = CreateStore();
        var charge = new RateCharge("budget:global", 5, TimeSpan.FromHours(1), Amount: 3);

        Assert.Equal(SaveStatus.Saved, (await SaveChargedAsync(store, charge, T0)).Status);
        Assert.Equal(SaveStatus.RateLimited, (await SaveChargedAsync(store, charge, T0)).Status);
        Assert.Equal(SaveStatus.Saved, (await SaveChargedAsync(store, charge with { Amount = 2 }, T0)).Status);
        Assert.Equal(SaveStatus.RateLimited, (await SaveChargedAsync(store, charge with { Amount = 1 }, T0)).Status);
    }

    /// <summary>Hard refusals are reported before soft ones, whatever their order.</summary>
    [Fact]
    public async Task Save_HardAndSoftFull_HardReportedFirst()
    {
        var store = CreateStore();
        var soft = new RateCharge("ip:1.2.3.4", 1, TimeSpan.FromHours(1), Kind: RateLimitKind.Soft);
        var hard = new RateCharge("daily:" + Contact, 1, TimeSpan.FromDays(1));
        await SaveAsync(store, charges: [soft, hard]);

        var outcome = await store.SaveAsync(NewRecord(T0), [soft, hard], waiveSoftLimits: false, T0);
        var waived = await store.SaveAsync(NewRecord(T0), [soft, hard], waiveSoftLimits: true, T0);

        Assert.Equal((SaveStatus.RateLimited, (RateCharge?)hard), (outcome.Status, outcome.RefusedBy));
        Assert.Equal((SaveStatus.RateLimited, (RateCharge?)hard), (waived.Status, waived.RefusedBy));
    }

    /// <summary>Among refusals of one kind, the first in charge order is reported.</summary>
    [Fact]
    public async Task Save_SeveralSoftFull_FirstInOrderReported()
    {
        var store = CreateStore();
        var a = new RateCharge("device:d1", 1, TimeSpan.FromHours(1), Kind: RateLimitKind.Soft, Reason: "device");
        var b = new RateCharge("ip:1.2.3.4", 1, TimeSpan.FromMinutes(30), Kind: RateLimitKind.Soft, Reason: "ip");
        await SaveAsync(store, charges: [a, b]);

        var ab = await store.SaveAsync(NewRecord(T0), [a, b], false, T0);
        var ba = await store.SaveAsync(NewRecord(T0), [b, a], false, T0);

        Assert.Equal((SaveStatus.CaptchaRequired, (RateCharge?)a, TimeSpan.FromHours(1)), (ab.Status, ab.RefusedBy, ab.RetryAfter));
        Assert.Equal((SaveStatus.CaptchaRequired, (RateCharge?)b, TimeSpan.FromMinutes(30)), (ba.Status, ba.RefusedBy, ba.RetryAfter));
    }

    /// <summary>A valid captcha waives soft limits: the save goes through and still charges them.</summary>
    [Fact]
    public async Task Save_SoftFullButWaived_SavedAndCharged()
    {
        var store = CreateStore();
        var soft = new RateCharge("ip:1.2.3.4", 1, TimeSpan.FromHours(1), Kind: RateLimitKind.Soft);
        var probe = soft with { Limit = 2, Amount = 0 };
        await SaveAsync(store, charges: [soft]);

        var waived = await store.SaveAsync(NewRecord(T0), [soft], waiveSoftLimits: true, T0);
        var check = await store.SaveAsync(NewRecord(T0), [probe], waiveSoftLimits: false, T0);

        Assert.Equal(SaveStatus.Saved, waived.Status);
        Assert.Equal(SaveStatus.CaptchaRequired, check.Status);
    }

    /// <summary>A check-only charge (amount 0) refuses when its counter is full and never adds to it.</summary>
    [Fact]
    public async Task Save_CheckOnlyCharge_RefusesWhenFullNeverCounts()
    {
        var store = CreateStore();
        var counted = new RateCharge("failures:" + Contact, 2, TimeSpan.FromHours(1));
        var checkOnly = counted with { Amount = 0 };

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(SaveStatus.Saved, (await SaveChargedAsync(store, checkOnly, T0)).Status);
        }

        await SaveChargedAsync(store, counted, T0);
        Assert.Equal(SaveStatus.Saved, (await SaveChargedAsync(store, checkOnly, T0)).Status);
        await SaveChargedAsync(store, counted, T0);
        var refused = await SaveChargedAsync(store, checkOnly, T0.AddMinutes(10));

        Assert.Equal((SaveStatus.RateLimited, TimeSpan.FromMinutes(50)), (refused.Status, refused.RetryAfter));
    }

    /// <summary>Release deletes the record and refunds the charges, so the person may ask again at once.</summary>
    [Fact]
    public async Task Release_DeletesRecordAndRefunds()
    {
        var store = CreateStore();
        var cooldown = new RateCharge("cooldown:" + Contact, 1, TimeSpan.FromSeconds(60));
        var record = await SaveAsync(store, charges: [cooldown]);

        await store.ReleaseAsync(record, [cooldown], T0.AddSeconds(1));

        Assert.Equal(AttemptStatus.NotFound, (await store.AttemptAsync(record.Id, RightHash, MaxAttempts, AmpleBudget, T0.AddSeconds(1))).Status);
        Assert.Equal(SaveStatus.Saved, (await store.SaveAsync(NewRecord(T0.AddSeconds(2)), [cooldown], false, T0.AddSeconds(2))).Status);
        Assert.Equal(SaveStatus.RateLimited, (await store.SaveAsync(NewRecord(T0.AddSeconds(3)), [cooldown], false, T0.AddSeconds(3))).Status);
    }

    /// <summary>Refunds never go below zero, and a released old record leaves the newer live one alone.</summary>
    [Fact]
    public async Task Release_RefundNotBelowZero_NewerRecordKept()
    {
        var store = CreateStore();
        var daily = new RateCharge("daily:" + Contact, 2, TimeSpan.FromDays(1));
        var old = await SaveAsync(store, charges: [daily]);
        var live = await SaveAsync(store, charges: []);

        await store.ReleaseAsync(old, [daily with { Amount = 5 }], T0);

        Assert.Equal(AttemptStatus.Verified, (await store.AttemptAsync(live.Id, RightHash, MaxAttempts, AmpleBudget, T0)).Status);
        Assert.Equal(SaveStatus.Saved, (await SaveChargedAsync(store, daily, T0)).Status);
        Assert.Equal(SaveStatus.Saved, (await SaveChargedAsync(store, daily, T0)).Status);
        Assert.Equal(SaveStatus.RateLimited, (await SaveChargedAsync(store, daily, T0)).Status);
    }

    /// <summary>A release after the charge's window ended changes nothing: no negative count, no new window.</summary>
    [Fact]
    public async Task Release_AfterWindowEnded_NoEffect()
    {
        var store = CreateStore();
        var minute = new RateCharge("minute:" + Contact, 1, TimeSpan.FromSeconds(60));
        var record = await SaveAsync(store, charges: [minute]);

        await store.ReleaseAsync(record, [minute], T0.AddSeconds(61));

        Assert.Equal(SaveStatus.Saved, (await SaveChargedAsync(store, minute, T0.AddSeconds(62))).Status);
        Assert.Equal(SaveStatus.RateLimited, (await SaveChargedAsync(store, minute, T0.AddSeconds(63))).Status);
    }
}
