namespace Verification.Conformance;

/// <summary>
/// Every <see cref="ICodeStore"/> rule, as xunit tests. A store implementation derives a test class from this one and
/// implements <see cref="CreateStore"/>; the same rules then run against it (the in-memory store, Redis single node
/// and Redis Cluster run them in this repository).
/// </summary>
/// <remarks>
/// Times are on a fixed timeline (<see cref="T0"/>) passed to the store, never the wall clock: a store must take time
/// from its caller. Each test calls <see cref="CreateStore"/> once and must own everything it writes, so a shared
/// server needs a fresh key prefix per store.
/// </remarks>
public abstract class CodeStoreConformanceTests
{
    /// <summary>The start of every test's timeline (whole seconds, so millisecond stores are exact).</summary>
    protected static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private const string Contact = "+8615588665555";
    private const int MaxAttempts = 5;
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private static readonly byte[] RightHash = Hash(1);
    private static readonly byte[] WrongHash = Hash(2);
    private static readonly RateCharge AmpleBudget = new("failures:" + Contact, 1_000_000, TimeSpan.FromDays(1));

    /// <summary>How many callers race in the concurrency tests.</summary>
    protected virtual int Concurrency => 50;

    /// <summary>Creates an empty store, owned by one test.</summary>
    /// <returns>The store under test.</returns>
    protected abstract ICodeStore CreateStore();

    /// <summary>
    /// Asserts that nothing the test wrote outlives <paramref name="now"/> + <paramref name="longest"/>: by default by
    /// looking (records, marks and values are gone at that time); stores that can see their own memory should also
    /// check it is reclaimed (for example, that every key has a time to live).
    /// </summary>
    /// <param name="store">The store the test used.</param>
    /// <param name="now">When the test's last write happened.</param>
    /// <param name="longest">The longest lifetime the test gave anything.</param>
    /// <returns>A task.</returns>
    protected virtual Task AssertEverythingExpiresAsync(ICodeStore store, DateTimeOffset now, TimeSpan longest) => Task.CompletedTask;

    /// <summary>A right attempt verifies once; the record is kept as used until it expires.</summary>
    [Fact]
    public async Task Attempt_RightHash_VerifiedThenUsed()
    {
        var store = CreateStore();
        var record = await SaveAsync(store);

        var first = await store.AttemptAsync(record.Id, RightHash, MaxAttempts, AmpleBudget, T0);
        var second = await store.AttemptAsync(record.Id, RightHash, MaxAttempts, AmpleBudget, T0);

        Assert.Equal(AttemptStatus.Verified, first.Status);
        Assert.Equal(AttemptStatus.Used, second.Status);
    }

    /// <summary>Wrong attempts count down; the one reaching the limit burns the record.</summary>
    [Fact]
    public async Task Attempt_WrongHashes_CountDownThenExhaust()
    {
        var store = CreateStore();
        var record = await SaveAsync(store);

        var outcomes = new List<(AttemptStatus, int)>();
        for (var i = 0; i < MaxAttempts; i++)
        {
            var o = await store.AttemptAsync(record.Id, WrongHash, MaxAttempts, AmpleBudget, T0);
            outcomes.Add((o.Status, o.AttemptsRemaining));
        }

        Assert.Equal(
            [(AttemptStatus.Mismatch, 4), (AttemptStatus.Mismatch, 3), (AttemptStatus.Mismatch, 2), (AttemptStatus.Mismatch, 1), (AttemptStatus.Exhausted, 0)],
            outcomes);
        Assert.Equal(AttemptStatus.Burned, (await store.AttemptAsync(record.Id, RightHash, MaxAttempts, AmpleBudget, T0)).Status);
    }

    /// <summary>The code verifies until the instant before its expiry.</summary>
    [Fact]
    public async Task Attempt_RightHashJustBeforeExpiry_Verified()
    {
        var store = CreateStore();
        var record = await SaveAsync(store);

        var outcome = await store.AttemptAsync(record.Id, RightHash, MaxAttempts, AmpleBudget, record.ExpiresAt.AddMilliseconds(-1));

        Assert.Equal(AttemptStatus.Verified, outcome.Status);
    }

    /// <summary>At and after its expiry a code never verifies: Expired while held, NotFound once forgotten.</summary>
    /// <param name="secondsAfterExpiry">How long after the expiry the attempt comes.</param>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3600)]
    public async Task Attempt_AtOrAfterExpiry_ExpiredOrNotFound(int secondsAfterExpiry)
    {
        var store = CreateStore();
        var record = await SaveAsync(store);

        var outcome = await store.AttemptAsync(record.Id, RightHash, MaxAttempts, AmpleBudget, record.ExpiresAt.AddSeconds(secondsAfterExpiry));

        Assert.Contains(outcome.Status, new[] { AttemptStatus.Expired, AttemptStatus.NotFound });
    }

    /// <summary>An unknown record id is not found.</summary>
    [Fact]
    public async Task Attempt_UnknownRecord_NotFound()
    {
        var store = CreateStore();

        var outcome = await store.AttemptAsync(Guid.NewGuid(), RightHash, MaxAttempts, AmpleBudget, T0);

        Assert.Equal(AttemptStatus.NotFound, outcome.Status);
    }

    /// <summary>A resend supersedes the contact's live code; the new one verifies.</summary>
    [Fact]
    public async Task Save_Resend_PreviousSuperseded()
    {
        var store = CreateStore();
        var first = await SaveAsync(store);
        var second = await SaveAsync(store, at: T0.AddSeconds(60));

        Assert.Equal(AttemptStatus.Superseded, (await store.AttemptAsync(first.Id, RightHash, MaxAttempts, AmpleBudget, T0.AddSeconds(61))).Status);
        Assert.Equal(AttemptStatus.Verified, (await store.AttemptAsync(second.Id, RightHash, MaxAttempts, AmpleBudget, T0.AddSeconds(61))).Status);
        Assert.Equal(AttemptStatus.Superseded, (await store.AttemptAsync(first.Id, RightHash, MaxAttempts, AmpleBudget, T0.AddSeconds(62))).Status);
    }

    /// <summary>A resend after a verification leaves the used record used, and a burned one burned.</summary>
    [Fact]
    public async Task Save_ResendAfterSettled_SettledStatesKept()
    {
        var store = CreateStore();
        var used = await SaveAsync(store);
        await store.AttemptAsync(used.Id, RightHash, MaxAttempts, AmpleBudget, T0);
        var burned = await SaveAsync(store);
        for (var i = 0; i < MaxAttempts; i++)
        {
            await store.AttemptAsync(burned.Id, WrongHash, MaxAttempts, AmpleBudget, T0);
        }

        await SaveAsync(store);

        Assert.Equal(AttemptStatus.Used, (await store.AttemptAsync(used.Id, RightHash, MaxAttempts, AmpleBudget, T0)).Status);
        Assert.Equal(AttemptStatus.Burned, (await store.AttemptAsync(burned.Id, RightHash, MaxAttempts, AmpleBudget, T0)).Status);
    }

    /// <summary>Contacts are independent: a code for one contact does not supersede another's.</summary>
    [Fact]
    public async Task Save_OtherContact_NotSuperseded()
    {
        var store = CreateStore();
        var first = await SaveAsync(store);
        await SaveAsync(store, contact: "someone@example.com");

        Assert.Equal(AttemptStatus.Verified, (await store.AttemptAsync(first.Id, RightHash, MaxAttempts, AmpleBudget, T0)).Status);
    }

    /// <summary>A spent failure budget refuses before comparing, with the window's end; a right code still waits.</summary>
    [Fact]
    public async Task Attempt_FailureBudgetSpent_RateLimitedWithoutComparing()
    {
        var store = CreateStore();
        var budget = new RateCharge("failures:" + Contact, 2, TimeSpan.FromMinutes(5));
        var record = await SaveAsync(store);
        await store.AttemptAsync(record.Id, WrongHash, MaxAttempts, budget, T0);
        await store.AttemptAsync(record.Id, WrongHash, MaxAttempts, budget, T0.AddMinutes(1));

        var refused = await store.AttemptAsync(record.Id, RightHash, MaxAttempts, budget, T0.AddMinutes(2));
        var stillRefused = await store.AttemptAsync(record.Id, RightHash, MaxAttempts, budget, T0.AddMinutes(5).AddMilliseconds(-1));
        var afterWindow = await store.AttemptAsync(record.Id, RightHash, MaxAttempts, budget, T0.AddMinutes(5));

        Assert.Equal((AttemptStatus.RateLimited, TimeSpan.FromMinutes(3)), (refused.Status, refused.RetryAfter));
        Assert.Equal((AttemptStatus.RateLimited, TimeSpan.FromMilliseconds(1)), (stillRefused.Status, stillRefused.RetryAfter));
        Assert.Equal(AttemptStatus.Verified, afterWindow.Status);
    }

    /// <summary>The failure budget counts mismatches across records of the contact; right codes cost nothing.</summary>
    [Fact]
    public async Task Attempt_FailureBudget_ChargedOnMismatchOnly()
    {
        var store = CreateStore();
        var budget = new RateCharge("failures:" + Contact, 3, TimeSpan.FromHours(1));
        var a = await SaveAsync(store);
        await store.AttemptAsync(a.Id, WrongHash, MaxAttempts, budget, T0);
        await store.AttemptAsync(a.Id, RightHash, MaxAttempts, budget, T0);
        var b = await SaveAsync(store);
        await store.AttemptAsync(b.Id, WrongHash, MaxAttempts, budget, T0);
        var third = await store.AttemptAsync(b.Id, WrongHash, MaxAttempts, budget, T0);
        var fourth = await store.AttemptAsync(b.Id, RightHash, MaxAttempts, budget, T0);

        Assert.Equal(AttemptStatus.Mismatch, third.Status);
        Assert.Equal(AttemptStatus.RateLimited, fourth.Status);
        Assert.Equal(TimeSpan.FromHours(1), fourth.RetryAfter);
    }

    /// <summary>A check-only failure charge (amount 0) refuses when full but never counts.</summary>
    [Fact]
    public async Task Attempt_CheckOnlyFailureCharge_NeverCounts()
    {
        var store = CreateStore();
        var checkOnly = new RateCharge("failures:" + Contact, 1, TimeSpan.FromHours(1), Amount: 0);
        var record = await SaveAsync(store);

        for (var i = 0; i < MaxAttempts - 1; i++)
        {
            Assert.Equal(AttemptStatus.Mismatch, (await store.AttemptAsync(record.Id, WrongHash, MaxAttempts, checkOnly, T0)).Status);
        }

        Assert.Equal(AttemptStatus.Verified, (await store.AttemptAsync(record.Id, RightHash, MaxAttempts, checkOnly, T0)).Status);
    }

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

    /// <summary>A mark is used once until it expires, then may be used again.</summary>
    [Fact]
    public async Task TryUseOnce_FirstOnlyUntilExpiry()
    {
        var store = CreateStore();
        var expires = T0.AddMinutes(5);

        Assert.True(await store.TryUseOnceAsync("redeemed:a", expires, T0));
        Assert.False(await store.TryUseOnceAsync("redeemed:a", expires, T0.AddMinutes(1)));
        Assert.True(await store.TryUseOnceAsync("redeemed:b", expires, T0.AddMinutes(1)));
        Assert.False(await store.TryUseOnceAsync("redeemed:a", expires, expires.AddMilliseconds(-1)));
        Assert.True(await store.TryUseOnceAsync("redeemed:a", expires.AddHours(1), expires));
    }

    /// <summary>A mark whose guarded thing already expired is still kept a moment, so racing uses see each other.</summary>
    [Fact]
    public async Task TryUseOnce_AlreadyExpired_StillOnce()
    {
        var store = CreateStore();

        Assert.True(await store.TryUseOnceAsync("redeemed:late", T0.AddSeconds(-5), T0));
        Assert.False(await store.TryUseOnceAsync("redeemed:late", T0.AddSeconds(-5), T0));
    }

    /// <summary>A value is stored once; later adds return it; it is forgotten at its expiry.</summary>
    [Fact]
    public async Task GetOrAddValue_KeepsFirstUntilExpiry()
    {
        var store = CreateStore();
        var expires = T0.AddMinutes(1);

        Assert.Null(await store.GetValueAsync("idem:k", T0));
        Assert.Equal("first", await store.GetOrAddValueAsync("idem:k", "first", expires, T0));
        Assert.Equal("first", await store.GetOrAddValueAsync("idem:k", "second", expires, T0.AddSeconds(30)));
        Assert.Equal("first", await store.GetValueAsync("idem:k", T0.AddSeconds(59)));
        Assert.Null(await store.GetValueAsync("idem:k", expires));
        Assert.Equal("third", await store.GetOrAddValueAsync("idem:k", "third", expires.AddMinutes(1), expires));
        Assert.Equal("third", await store.GetValueAsync("idem:k", expires));
    }

    /// <summary>RemoveValue deletes only the value it names (compare and delete); the key is free again at once.</summary>
    [Fact]
    public async Task RemoveValue_OnlyTheExpectedValue_FreesTheKey()
    {
        var store = CreateStore();
        var expires = T0.AddMinutes(1);
        await store.GetOrAddValueAsync("idem:r", "mine", expires, T0);

        await store.RemoveValueAsync("idem:r", "someone-else", T0);
        Assert.Equal("mine", await store.GetValueAsync("idem:r", T0));

        await store.RemoveValueAsync("idem:r", "mine", T0);
        Assert.Null(await store.GetValueAsync("idem:r", T0));
        Assert.Equal("next", await store.GetOrAddValueAsync("idem:r", "next", expires, T0));
        await store.RemoveValueAsync("idem:never", "x", T0);
        Assert.Null(await store.GetValueAsync("idem:never", T0));
    }

    /// <summary>Values keep any text, unicode and JSON included.</summary>
    [Fact]
    public async Task GetOrAddValue_ArbitraryText_RoundTrips()
    {
        var store = CreateStore();
        const string value = "{\"verification_id\":\"ä→\\u0000 验证\"}";

        await store.GetOrAddValueAsync("idem:json", value, T0.AddMinutes(1), T0);

        Assert.Equal(value, await store.GetValueAsync("idem:json", T0));
    }

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
        Assert.Contains((await store.AttemptAsync(a.Id, RightHash, MaxAttempts, AmpleBudget with { Key = "f2" }, after)).Status, new[] { AttemptStatus.NotFound, AttemptStatus.Expired });
        Assert.True(await store.TryUseOnceAsync("redeemed:x", after.AddMinutes(1), after));
        Assert.Null(await store.GetValueAsync("idem:x", after));
        Assert.Equal(SaveStatus.Saved, (await store.SaveAsync(NewRecord(after), charges, false, after)).Status);

        await AssertEverythingExpiresAsync(store, after, longest);
    }

    /// <summary>A contact's live record is the newest pending one; a resend moves it, another contact has its own.</summary>
    [Fact]
    public async Task FindLiveRecord_NewestPendingRecordOfTheContact()
    {
        var codes = CreateStore();
        var store = Live(codes);
        var first = await SaveAsync(codes);
        Assert.Equal(first.Id, await store.FindLiveRecordAsync(Contact, T0));

        var second = await SaveAsync(codes, at: T0.AddSeconds(60));
        var other = await SaveAsync(codes, at: T0.AddSeconds(60), contact: "someone@example.com");

        Assert.Equal(second.Id, await store.FindLiveRecordAsync(Contact, T0.AddSeconds(61)));
        Assert.Equal(other.Id, await store.FindLiveRecordAsync("someone@example.com", T0.AddSeconds(61)));
        Assert.Null(await store.FindLiveRecordAsync("+8615588660000", T0.AddSeconds(61)));
    }

    /// <summary>A record that was verified, burned, released or expired is no contact's live record.</summary>
    [Fact]
    public async Task FindLiveRecord_SettledOrExpired_None()
    {
        var codes = CreateStore();
        var store = Live(codes);
        var used = await SaveAsync(codes, contact: "used@example.com");
        await codes.AttemptAsync(used.Id, RightHash, MaxAttempts, AmpleBudget, T0);
        var burned = await SaveAsync(codes, contact: "burned@example.com");
        for (var i = 0; i < MaxAttempts; i++)
        {
            await codes.AttemptAsync(burned.Id, WrongHash, MaxAttempts, AmpleBudget, T0);
        }

        var released = await SaveAsync(codes, contact: "released@example.com");
        await codes.ReleaseAsync(released, [], T0);
        var expiring = await SaveAsync(codes, contact: "expiring@example.com");

        Assert.Null(await store.FindLiveRecordAsync("used@example.com", T0));
        Assert.Null(await store.FindLiveRecordAsync("burned@example.com", T0));
        Assert.Null(await store.FindLiveRecordAsync("released@example.com", T0));
        Assert.Equal(expiring.Id, await store.FindLiveRecordAsync("expiring@example.com", expiring.ExpiresAt.AddSeconds(-1)));
        Assert.Null(await store.FindLiveRecordAsync("expiring@example.com", expiring.ExpiresAt));
    }

    /// <summary>A mismatch leaves the record live; the attempt that exhausts it does not.</summary>
    [Fact]
    public async Task FindLiveRecord_AfterMismatches_LiveUntilExhausted()
    {
        var codes = CreateStore();
        var store = Live(codes);
        var record = await SaveAsync(codes);

        await codes.AttemptAsync(record.Id, WrongHash, MaxAttempts, AmpleBudget, T0);
        Assert.Equal(record.Id, await store.FindLiveRecordAsync(Contact, T0));
        for (var i = 1; i < MaxAttempts; i++)
        {
            await codes.AttemptAsync(record.Id, WrongHash, MaxAttempts, AmpleBudget, T0);
        }

        Assert.Null(await store.FindLiveRecordAsync(Contact, T0));
    }

    /// <summary>Saves a record for <paramref name="contact"/> whose code hashes to the "right" hash.</summary>
    /// <param name="store">The store.</param>
    /// <param name="charges">The charges; none by default.</param>
    /// <param name="at">The time; <see cref="T0"/> by default.</param>
    /// <param name="contact">The contact.</param>
    /// <returns>The saved record.</returns>
    protected static async Task<CodeRecord> SaveAsync(ICodeStore store, RateCharge[]? charges = null, DateTimeOffset? at = null, string contact = Contact)
    {
        var now = at ?? T0;
        var record = NewRecord(now, contact);
        var outcome = await store.SaveAsync(record, charges ?? [], false, now);
        Assert.Equal(SaveStatus.Saved, outcome.Status);
        return record;
    }

    /// <summary>A new record expiring one lifetime after <paramref name="now"/>.</summary>
    /// <param name="now">The time of the save.</param>
    /// <param name="contact">The contact.</param>
    /// <returns>The record.</returns>
    protected static CodeRecord NewRecord(DateTimeOffset now, string contact = Contact) => new()
    {
        Id = Guid.NewGuid(),
        ContactKey = contact,
        CodeHash = RightHash,
        ExpiresAt = now + Lifetime,
    };

    private static ValueTask<SaveOutcome> SaveChargedAsync(ICodeStore store, RateCharge charge, DateTimeOffset now) =>
        store.SaveAsync(NewRecord(now, "x" + Guid.NewGuid().ToString("N") + "@example.com"), [charge], false, now);

    private static ILiveCodeStore Live(ICodeStore store) =>
        store as ILiveCodeStore ?? throw new Xunit.Sdk.XunitException($"{store.GetType().Name} does not implement {nameof(ILiveCodeStore)}, which checks by contact need.");

    private async Task<T[]> RaceAsync<T>(Func<int, Task<T>> call)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, Concurrency).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await call(i);
        })).ToArray();
        start.SetResult();
        return await Task.WhenAll(tasks);
    }

    private static byte[] Hash(byte seed)
    {
        var hash = new byte[32];
        Array.Fill(hash, seed);
        hash[31] = 0; // a NUL byte: stores must keep hashes as bytes, not C strings
        return hash;
    }
}
