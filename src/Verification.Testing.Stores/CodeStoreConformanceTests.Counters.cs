namespace Verification.Testing.Stores;

/// <summary>Counters read and charged outside a save, and the record a failed resend gives back.</summary>
public abstract partial class CodeStoreConformanceTests
{
    /// <summary>A read sees what saves and charges counted, with the time left in the window, and writes nothing.</summary>
    [Fact]
    public async Task ReadCounters_AfterSavesAndCharges_CountsAndTimeLeftNothingWritten()
    {
        var store = CreateStore();
        var daily = new RateCharge("daily:" + Contact, 10, TimeSpan.FromHours(1));
        var lookups = new RateCharge("lookup-ip:203.0.113.7", 5, TimeSpan.FromMinutes(10), Amount: 2, Kind: RateLimitKind.Soft);
        await SaveAsync(store, charges: [daily]);
        await store.ChargeAsync([lookups, daily], T0.AddMinutes(5));

        var never = new RateCharge("never:charged", 1, TimeSpan.FromHours(1));
        var read = await store.ReadCountersAsync([daily, lookups, never], T0.AddMinutes(6));
        var again = await store.ReadCountersAsync([daily, lookups, never], T0.AddMinutes(6));

        Assert.Equal(
            [new RateCounter(2, TimeSpan.FromMinutes(54)), new RateCounter(2, TimeSpan.FromMinutes(9)), new RateCounter(0, TimeSpan.Zero)],
            read);
        Assert.Equal(read, again);
    }

    /// <summary>A charge names its counter by its joined key: split into prefix and subject anywhere, it is one counter.</summary>
    [Fact]
    public async Task Charge_KeySplitIntoParts_SameCounterAsTheWholeKey()
    {
        var store = CreateStore();
        var whole = new RateCharge("daily:" + Contact, 3, TimeSpan.FromHours(1));
        var split = RateCharge.FromParts("daily:", Contact.AsMemory(), 3, TimeSpan.FromHours(1), 1, RateLimitKind.Hard, null);
        var elsewhere = RateCharge.FromParts("daily:" + Contact[..4], ("xx" + Contact[4..]).AsMemory(2, Contact.Length - 4), 3, TimeSpan.FromHours(1), 1, RateLimitKind.Hard, null);

        await store.ChargeAsync([whole, split], T0);
        var saved = await SaveChargedAsync(store, elsewhere, T0.AddMinutes(1));
        var full = await SaveChargedAsync(store, split, T0.AddMinutes(2));

        Assert.Equal(SaveStatus.Saved, saved.Status);
        Assert.Equal(SaveStatus.RateLimited, full.Status);
        Assert.Equal(new RateCounter(3, TimeSpan.FromMinutes(58)), (await store.ReadCountersAsync([whole], T0.AddMinutes(2)))[0]);
        Assert.Equal(new RateCounter(3, TimeSpan.FromMinutes(58)), (await store.ReadCountersAsync([elsewhere], T0.AddMinutes(2)))[0]);
    }

    /// <summary>A charge checks no limit but counts against the limits saves check; its window ends like a save's.</summary>
    [Fact]
    public async Task Charge_PastTheLimit_CountsAndLaterSavesAreRefusedUntilTheWindowEnds()
    {
        var store = CreateStore();
        var window = new RateCharge("lookup-device:d1", 2, TimeSpan.FromMinutes(10), Kind: RateLimitKind.Soft);

        await store.ChargeAsync([window, window, window], T0);

        Assert.Equal(new RateCounter(3, TimeSpan.FromMinutes(10)), (await store.ReadCountersAsync([window], T0))[0]);
        Assert.Equal(SaveStatus.CaptchaRequired, (await SaveChargedAsync(store, window, T0.AddMinutes(1))).Status);
        Assert.Equal(new RateCounter(0, TimeSpan.Zero), (await store.ReadCountersAsync([window], T0.AddMinutes(10)))[0]);
        Assert.Equal(SaveStatus.Saved, (await SaveChargedAsync(store, window, T0.AddMinutes(10))).Status);
    }

    /// <summary>
    /// Supersede only on success: releasing a resend (its delivery failed) gives the record it superseded back, pending
    /// and live, with its attempts; a later resend then supersedes that record again.
    /// </summary>
    [Fact]
    public async Task Release_OfAResend_GivesThePreviousRecordBack()
    {
        var store = CreateStore();
        var first = await SaveAsync(store);
        Assert.Equal(AttemptStatus.Mismatch, (await store.AttemptAsync(first.Id, WrongHash, MaxAttempts, AmpleBudget, T0)).Status);
        var resend = await SaveAsync(store, at: T0.AddSeconds(61));

        await store.ReleaseAsync(resend, [], T0.AddSeconds(62));

        var wrong = await store.AttemptAsync(first.Id, WrongHash, MaxAttempts, AmpleBudget, T0.AddSeconds(63));
        Assert.Equal((AttemptStatus.Mismatch, MaxAttempts - 2), (wrong.Status, wrong.AttemptsRemaining));
        await SaveAsync(store, at: T0.AddSeconds(64));
        Assert.Equal(AttemptStatus.Superseded, (await store.AttemptAsync(first.Id, RightHash, MaxAttempts, AmpleBudget, T0.AddSeconds(65))).Status);
    }

    /// <summary>A released resend gives nothing back when a later send replaced it, or when the previous record expired.</summary>
    [Fact]
    public async Task Release_OfAResendAlreadyReplacedOrWithExpiredPrevious_GivesNothingBack()
    {
        var store = CreateStore();
        var first = await SaveAsync(store);
        var second = await SaveAsync(store, at: T0.AddSeconds(10));
        var third = await SaveAsync(store, at: T0.AddSeconds(20));

        await store.ReleaseAsync(second, [], T0.AddSeconds(30));

        Assert.Equal(AttemptStatus.Superseded, (await store.AttemptAsync(first.Id, RightHash, MaxAttempts, AmpleBudget, T0.AddSeconds(31))).Status);
        Assert.Equal(AttemptStatus.Verified, (await store.AttemptAsync(third.Id, RightHash, MaxAttempts, AmpleBudget, T0.AddSeconds(31))).Status);

        var other = CreateStore();
        var old = await SaveAsync(other);
        var late = await SaveAsync(other, at: T0 + Lifetime - TimeSpan.FromSeconds(1));
        await other.ReleaseAsync(late, [], T0 + Lifetime + TimeSpan.FromSeconds(1));
        Assert.NotEqual(AttemptStatus.Verified, (await other.AttemptAsync(old.Id, RightHash, MaxAttempts, AmpleBudget, T0 + Lifetime + TimeSpan.FromSeconds(2))).Status);
    }
}
