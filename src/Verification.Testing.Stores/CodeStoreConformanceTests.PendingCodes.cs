namespace Verification.Testing.Stores;

/// <content>The rules of pending codes: attempts, expiry, resends and the failure budget.</content>
public abstract partial class CodeStoreConformanceTests
{
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
}
