namespace Verification.Testing.Stores;

/// <content>The rules under concurrency, and the expiry of everything a flow writes.</content>
public abstract partial class CodeStoreConformanceTests
{

    /// <summary>Of many concurrent right attempts exactly one verifies; the rest see the record used.</summary>
    [Fact]
    public async Task Attempt_ConcurrentRight_ExactlyOneVerified()
    {
        var store = CreateStore();
        var record = await SaveAsync(store);

        var outcomes = await RaceAsync(_ => store.AttemptAsync(record.Id, RightHash, MaxAttempts, AmpleBudget, T0).AsTask());

        Assert.Equal(1, outcomes.Count(o => o.Status == AttemptStatus.Verified));
        Assert.All(outcomes.Where(o => o.Status != AttemptStatus.Verified), o => Assert.Equal(AttemptStatus.Used, o.Status));
    }

    /// <summary>Concurrent wrong attempts are counted exactly: the limit's worth of them, then burned.</summary>
    [Fact]
    public async Task Attempt_ConcurrentWrong_ExactCounts()
    {
        var store = CreateStore();
        var budget = new RateCharge("failures:" + Contact, 1_000, TimeSpan.FromHours(1));
        var record = await SaveAsync(store);

        var outcomes = await RaceAsync(_ => store.AttemptAsync(record.Id, WrongHash, MaxAttempts, budget, T0).AsTask());

        Assert.Equal(MaxAttempts - 1, outcomes.Count(o => o.Status == AttemptStatus.Mismatch));
        Assert.Equal(1, outcomes.Count(o => o.Status == AttemptStatus.Exhausted));
        Assert.Equal(Concurrency - MaxAttempts, outcomes.Count(o => o.Status == AttemptStatus.Burned));
        Assert.Equal(Enumerable.Range(1, MaxAttempts - 1).Reverse(), outcomes.Where(o => o.Status == AttemptStatus.Mismatch).Select(o => o.AttemptsRemaining).OrderDescending());

        // Exactly MaxAttempts failures were charged: a check against limit MaxAttempts + 1 has room for one more.
        var probe = budget with { Limit = MaxAttempts + 1, Amount = 0 };
        var other = await SaveAsync(store, contact: "other@example.com");
        Assert.Equal(AttemptStatus.Verified, (await store.AttemptAsync(other.Id, RightHash, MaxAttempts, probe, T0)).Status);
        Assert.Equal(AttemptStatus.RateLimited, (await store.AttemptAsync(other.Id, RightHash, MaxAttempts, probe with { Limit = MaxAttempts }, T0)).Status);
    }

    /// <summary>Concurrent saves against one limit: exactly the limit's worth are saved.</summary>
    [Fact]
    public async Task Save_Concurrent_ExactlyLimitSaved()
    {
        var store = CreateStore();
        var daily = new RateCharge("budget:global", 7, TimeSpan.FromDays(1));

        var outcomes = await RaceAsync(i => store.SaveAsync(NewRecord(T0, "c" + i + "@example.com"), [daily], false, T0).AsTask());

        Assert.Equal(7, outcomes.Count(o => o.Status == SaveStatus.Saved));
        Assert.All(outcomes.Where(o => o.Status != SaveStatus.Saved), o => Assert.Equal(SaveStatus.RateLimited, o.Status));
    }

    /// <summary>Of many concurrent uses of one mark exactly one is first.</summary>
    [Fact]
    public async Task TryUseOnce_Concurrent_ExactlyOneTrue()
    {
        var store = CreateStore();

        var results = await RaceAsync(_ => store.TryUseOnceAsync("redeemed:race", T0.AddMinutes(5), T0).AsTask());

        Assert.Single(results, r => r);
    }

    /// <summary>Of many concurrent adds one value wins and every caller gets it.</summary>
    [Fact]
    public async Task GetOrAddValue_Concurrent_OneValueWins()
    {
        var store = CreateStore();

        var results = await RaceAsync(i => store.GetOrAddValueAsync("idem:race", "v" + i, T0.AddMinutes(5), T0).AsTask());

        Assert.Single(results.Distinct());
        Assert.Equal(results[0], await store.GetValueAsync("idem:race", T0));
    }

    /// <summary>After a full flow (sends, attempts, releases, marks, values), nothing outlives its lifetime.</summary>
    [Fact]
    public async Task Flow_Everything_Expires()
    {
        var store = CreateStore();
        var charges = new[]
        {
            new RateCharge("cooldown:" + Contact, 1, TimeSpan.FromSeconds(60)),
            new RateCharge("daily:" + Contact, 10, TimeSpan.FromDays(1)),
            new RateCharge("ip:1.2.3.4", 10, TimeSpan.FromHours(1), Kind: RateLimitKind.Soft),
            new RateCharge("failures:" + Contact, 10, TimeSpan.FromHours(1), Amount: 0),
        };
        var budget = new RateCharge("failures:" + Contact, 10, TimeSpan.FromHours(1));
        var a = await SaveAsync(store, charges: charges);
        await store.AttemptAsync(a.Id, WrongHash, MaxAttempts, budget, T0);
        var b = await SaveAsync(store, charges: charges, at: T0.AddSeconds(60));
        await store.AttemptAsync(b.Id, RightHash, MaxAttempts, budget, T0.AddSeconds(61));
        var c = await SaveAsync(store, charges: charges, at: T0.AddSeconds(120));
        await store.ReleaseAsync(c, charges, T0.AddSeconds(121));
        await store.TryUseOnceAsync("redeemed:x", T0.AddMinutes(20), T0.AddSeconds(121));
        await store.GetOrAddValueAsync("idem:x", "v", T0.AddSeconds(180), T0.AddSeconds(121));
        var last = T0.AddSeconds(121);
        var longest = TimeSpan.FromDays(1);

        var after = last + longest;
        Assert.Contains((await store.AttemptAsync(a.Id, RightHash, MaxAttempts, new RateCharge("f2", AmpleBudget.Limit, AmpleBudget.Window), after)).Status, new[] { AttemptStatus.NotFound, AttemptStatus.Expired });
        Assert.True(await store.TryUseOnceAsync("redeemed:x", after.AddMinutes(1), after));
        Assert.Null(await store.GetValueAsync("idem:x", after));
        Assert.Equal(SaveStatus.Saved, (await store.SaveAsync(NewRecord(after), charges, false, after)).Status);

        await AssertEverythingExpiresAsync(store, after, longest);
    }
}
