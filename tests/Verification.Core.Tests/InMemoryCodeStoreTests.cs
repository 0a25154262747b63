namespace Verification.Tests;

/// <summary>The <see cref="ICodeStore"/> rules, run directly against <see cref="InMemoryCodeStore"/>.</summary>
public sealed class InMemoryCodeStoreTests
{
    private const string Contact = "+8615588665555";
    private const int MaxAttempts = 5;

    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private static readonly byte[] RightHash = Hash(1);
    private static readonly byte[] WrongHash = Hash(2);

    /// <summary>A failure budget that never refuses, for tests about something else.</summary>
    private static readonly RateCharge AmpleBudget = new("failures:" + Contact, 1_000_000, TimeSpan.FromDays(1));

    private readonly InMemoryCodeStore _store = new();

    [Fact]
    public async Task AttemptAsync_RightHash_VerifiedThenUsed()
    {
        var record = await SaveAsync();

        var first = await _store.AttemptAsync(record.Id, RightHash, MaxAttempts, AmpleBudget, T0);
        var second = await _store.AttemptAsync(record.Id, RightHash, MaxAttempts, AmpleBudget, T0);

        Assert.Equal(AttemptStatus.Verified, first.Status);
        Assert.Equal(AttemptStatus.Used, second.Status);
    }

    [Fact]
    public async Task AttemptAsync_WrongHashes_CountDownThenExhaust()
    {
        var record = await SaveAsync();

        var outcomes = new List<AttemptOutcome>();
        for (var i = 0; i < MaxAttempts; i++)
        {
            outcomes.Add(await _store.AttemptAsync(record.Id, WrongHash, MaxAttempts, AmpleBudget, T0));
        }

        Assert.Equal(
            [(AttemptStatus.Mismatch, 4), (AttemptStatus.Mismatch, 3), (AttemptStatus.Mismatch, 2), (AttemptStatus.Mismatch, 1), (AttemptStatus.Exhausted, 0)],
            outcomes.Select(o => (o.Status, o.AttemptsRemaining)));
    }

    [Fact]
    public async Task AttemptAsync_RightHashAfterExhausted_Burned()
    {
        var record = await SaveAsync();
        for (var i = 0; i < MaxAttempts; i++)
        {
            await _store.AttemptAsync(record.Id, WrongHash, MaxAttempts, AmpleBudget, T0);
        }

        var outcome = await _store.AttemptAsync(record.Id, RightHash, MaxAttempts, AmpleBudget, T0);

        Assert.Equal(AttemptStatus.Burned, outcome.Status);
    }

    [Fact]
    public async Task AttemptAsync_RightHashJustBeforeExpiry_Verified()
    {
        var record = await SaveAsync();

        var outcome = await _store.AttemptAsync(record.Id, RightHash, MaxAttempts, AmpleBudget, record.ExpiresAt.AddTicks(-1));

        Assert.Equal(AttemptStatus.Verified, outcome.Status);
    }

    // The contract allows either answer: Expired while the store still holds the record, NotFound once it has
    // forgotten it ("forgotten after expiry"). The in-memory store forgets at the expiry instant; the engine maps
    // both to reason "expired". What must never happen is a Verified.
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3600)]
    public async Task AttemptAsync_RightHashAtOrAfterExpiry_RefusedAsExpired(int secondsAfterExpiry)
    {
        var record = await SaveAsync();

        var outcome = await _store.AttemptAsync(record.Id, RightHash, MaxAttempts, AmpleBudget, record.ExpiresAt.AddSeconds(secondsAfterExpiry));

        Assert.Contains(outcome.Status, new[] { AttemptStatus.Expired, AttemptStatus.NotFound });
    }

    [Fact]
    public async Task AttemptAsync_UnknownId_NotFound()
    {
        await SaveAsync();

        var outcome = await _store.AttemptAsync(Guid.NewGuid(), RightHash, MaxAttempts, AmpleBudget, T0);

        Assert.Equal(AttemptStatus.NotFound, outcome.Status);
    }

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

    [Fact]
    public async Task TryUseOnceAsync_SameKey_TrueOnceThenFalseUntilExpiry()
    {
        var expiresAt = T0.AddMinutes(5);

        Assert.True(await _store.TryUseOnceAsync("redeemed:a", expiresAt, T0));
        Assert.False(await _store.TryUseOnceAsync("redeemed:a", expiresAt, T0));
        Assert.False(await _store.TryUseOnceAsync("redeemed:a", expiresAt, expiresAt.AddTicks(-1)));
        Assert.True(await _store.TryUseOnceAsync("redeemed:b", expiresAt, T0));
        Assert.True(await _store.TryUseOnceAsync("redeemed:a", expiresAt, expiresAt));
    }

    [Fact]
    public async Task TryUseOnceAsync_AlreadyExpiredMark_StillRefusesARacingSecondUse()
    {
        Assert.True(await _store.TryUseOnceAsync("captcha:x", T0.AddSeconds(-5), T0));

        Assert.False(await _store.TryUseOnceAsync("captcha:x", T0.AddSeconds(-5), T0));
    }

    [Fact]
    public async Task AttemptAsync_FailureBudgetSpent_RateLimitedWithoutComparing()
    {
        var budget = new RateCharge("failures:" + Contact, 2, TimeSpan.FromMinutes(30));
        var record = await SaveAsync(expiresAt: T0.AddHours(1));
        await _store.AttemptAsync(record.Id, WrongHash, MaxAttempts, budget, T0);
        await _store.AttemptAsync(record.Id, WrongHash, MaxAttempts, budget, T0.AddMinutes(10));

        var refused = await _store.AttemptAsync(record.Id, RightHash, MaxAttempts, budget, T0.AddMinutes(20));
        var refusedWrong = await _store.AttemptAsync(record.Id, WrongHash, MaxAttempts, budget, T0.AddMinutes(20));

        Assert.Equal(AttemptStatus.RateLimited, refused.Status);
        Assert.Equal(TimeSpan.FromMinutes(10), refused.RetryAfter);
        Assert.Equal(AttemptStatus.RateLimited, refusedWrong.Status);

        // Nothing was compared or counted: once the window passes, the record has used 2 of its 5 attempts.
        var wrongAfter = await _store.AttemptAsync(record.Id, WrongHash, MaxAttempts, budget, T0.AddMinutes(30));
        Assert.Equal((AttemptStatus.Mismatch, 2), (wrongAfter.Status, wrongAfter.AttemptsRemaining));
        Assert.Equal(AttemptStatus.Verified, (await _store.AttemptAsync(record.Id, RightHash, MaxAttempts, budget, T0.AddMinutes(31))).Status);
    }

    [Fact]
    public async Task AttemptAsync_100ParallelRightHashes_ExactlyOneVerified()
    {
        var record = await SaveAsync();

        var outcomes = await Concurrently.RunAsync(100, _ => _store.AttemptAsync(record.Id, RightHash, MaxAttempts, AmpleBudget, T0));

        Assert.Single(outcomes, o => o.Status == AttemptStatus.Verified);
        Assert.Equal(99, outcomes.Count(o => o.Status == AttemptStatus.Used));
    }

    [Fact]
    public async Task AttemptAsync_50ParallelWrongHashes_FourMismatchesOneExhaustedRestBurned()
    {
        var budget = new RateCharge("failures:" + Contact, 1000, TimeSpan.FromDays(1));
        var record = await SaveAsync();

        var outcomes = await Concurrently.RunAsync(50, _ => _store.AttemptAsync(record.Id, WrongHash, MaxAttempts, budget, T0));

        Assert.Equal(4, outcomes.Count(o => o.Status == AttemptStatus.Mismatch));
        Assert.Equal(1, outcomes.Count(o => o.Status == AttemptStatus.Exhausted));
        Assert.Equal(45, outcomes.Count(o => o.Status == AttemptStatus.Burned));
        Assert.Equal([1, 2, 3, 4], outcomes.Where(o => o.Status == AttemptStatus.Mismatch).Select(o => o.AttemptsRemaining).Order());

        // The budget was charged exactly 5 times: a check at limit 6 passes, a check at limit 5 refuses.
        Assert.Equal(SaveStatus.Saved, (await _store.SaveAsync(NewRecord(contact: "probe-1"), [budget with { Limit = 6, Amount = 0 }], false, T0)).Status);
        Assert.Equal(SaveStatus.RateLimited, (await _store.SaveAsync(NewRecord(contact: "probe-2"), [budget with { Limit = 5, Amount = 0 }], false, T0)).Status);
    }

    // One call takes microseconds, so 100 tasks on one record overlap little. Here workers sweep the same
    // records in tight loops, which overlaps calls on a 2-core machine enough to expose a missing lock.
    [Fact]
    public async Task AttemptAsync_WorkersRacingOverManyRecords_EachRecordVerifiedExactlyOnce()
    {
        const int count = 5000;
        const int workers = 8;
        var records = new List<CodeRecord>(count);
        for (var i = 0; i < count; i++)
        {
            records.Add(await SaveAsync(contact: "c" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var verified = new int[count];
        await Concurrently.RunAsync(workers, async worker =>
        {
            for (var i = 0; i < count; i++)
            {
                // Workers walk in different orders so that they meet on records from both directions.
                var index = worker % 2 == 0 ? i : count - 1 - i;
                var outcome = await _store.AttemptAsync(records[index].Id, RightHash, MaxAttempts, AmpleBudget, T0);
                if (outcome.Status == AttemptStatus.Verified)
                {
                    Interlocked.Increment(ref verified[index]);
                }
                else
                {
                    Assert.Equal(AttemptStatus.Used, outcome.Status);
                }
            }

            return true;
        });

        Assert.All(verified, v => Assert.Equal(1, v));
    }

    [Fact]
    public async Task AttemptAsync_WorkersRacingWrongHashesOverManyRecords_EachRecordExhaustedExactlyOnce()
    {
        const int count = 3000;
        const int workers = 8;
        var budget = new RateCharge("failures:race", long.MaxValue, TimeSpan.FromDays(1));
        var records = new List<CodeRecord>(count);
        for (var i = 0; i < count; i++)
        {
            records.Add(await SaveAsync(contact: "c" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var mismatches = new int[count];
        var exhausted = new int[count];
        await Concurrently.RunAsync(workers, async worker =>
        {
            for (var i = 0; i < count; i++)
            {
                var index = worker % 2 == 0 ? i : count - 1 - i;
                var outcome = await _store.AttemptAsync(records[index].Id, WrongHash, MaxAttempts, budget, T0);
                switch (outcome.Status)
                {
                    case AttemptStatus.Mismatch:
                        Interlocked.Increment(ref mismatches[index]);
                        break;
                    case AttemptStatus.Exhausted:
                        Interlocked.Increment(ref exhausted[index]);
                        break;
                    default:
                        Assert.Equal(AttemptStatus.Burned, outcome.Status);
                        break;
                }
            }

            return true;
        });

        Assert.All(mismatches, m => Assert.Equal(MaxAttempts - 1, m));
        Assert.All(exhausted, e => Assert.Equal(1, e));

        // count × 5 failures were charged, no more and no fewer.
        var total = (long)count * MaxAttempts;
        Assert.Equal(SaveStatus.Saved, (await _store.SaveAsync(NewRecord(contact: "probe-1"), [budget with { Limit = total + 1, Amount = 0 }], false, T0)).Status);
        Assert.Equal(SaveStatus.RateLimited, (await _store.SaveAsync(NewRecord(contact: "probe-2"), [budget with { Limit = total, Amount = 0 }], false, T0)).Status);
    }

    [Fact]
    public async Task TryUseOnceAsync_100ParallelUsesOfOneKey_ExactlyOneTrue()
    {
        var results = await Concurrently.RunAsync(100, _ => _store.TryUseOnceAsync("redeemed:race", T0.AddMinutes(10), T0));

        Assert.Single(results, r => r);
    }

    [Fact]
    public async Task Count_AfterEverythingExpires_ReclaimsMemory()
    {
        const int records = 10_000;
        for (var i = 0; i < records; i++)
        {
            var contact = "+86155" + i.ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
            var outcome = await _store.SaveAsync(NewRecord(contact: contact), ContactCharges(contact), waiveSoftLimits: false, T0.AddMilliseconds(i));
            Assert.Equal(SaveStatus.Saved, outcome.Status);
        }

        Assert.True(await _store.TryUseOnceAsync("redeemed:x", T0.AddMinutes(10), T0));
        Assert.Equal((records * 3) + 1, _store.Count);

        // One more operation after every expiry and window: everything before it is removed, not merely ignored.
        var later = T0.AddDays(2);
        await _store.SaveAsync(NewRecord(contact: "last", expiresAt: later + Lifetime), ContactCharges("last"), waiveSoftLimits: false, later);

        Assert.Equal(3, _store.Count);
    }

    [Fact]
    public async Task Count_SteadyStreamOfSends_StaysBounded()
    {
        const int perRound = 100;
        var now = T0;
        var peak = 0;
        for (var round = 0; round < 200; round++)
        {
            for (var i = 0; i < perRound; i++)
            {
                var contact = $"+86{round:D5}{i:D6}";
                var outcome = await _store.SaveAsync(NewRecord(contact: contact, expiresAt: now + Lifetime), ContactCharges(contact, TimeSpan.FromHours(1)), waiveSoftLimits: false, now);
                Assert.Equal(SaveStatus.Saved, outcome.Status);
            }

            peak = Math.Max(peak, _store.Count);
            now += Lifetime;
        }

        // Live at any time: one round of records and cooldowns, and the hourly counters of the last 6 rounds of
        // 10 minutes. 20,000 sends would leave 60,000 entries if nothing were reclaimed.
        Assert.Equal((perRound * 2) + (perRound * 6), peak);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(64)]
    public async Task AttemptAsync_HashNot32Bytes_ComparedWhole(int length)
    {
        var hash = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();
        var record = new CodeRecord { Id = Guid.NewGuid(), ContactKey = Contact, CodeHash = hash, ExpiresAt = T0 + Lifetime };
        await _store.SaveAsync(record, [], waiveSoftLimits: false, T0);
        var prefix = hash[..Math.Min(length, 32)];
        var longer = hash.Append((byte)0).ToArray();

        var partial = await _store.AttemptAsync(record.Id, prefix.Length == length ? RightHash : prefix, MaxAttempts, AmpleBudget, T0);
        var extended = await _store.AttemptAsync(record.Id, longer, MaxAttempts, AmpleBudget, T0);
        var right = await _store.AttemptAsync(record.Id, hash, MaxAttempts, AmpleBudget, T0);

        Assert.Equal(AttemptStatus.Mismatch, partial.Status);
        Assert.Equal(AttemptStatus.Mismatch, extended.Status);
        Assert.Equal(AttemptStatus.Verified, right.Status);
    }

    [Fact]
    public async Task SaveAsync_AfterBurstExpired_StoreShrinksAndKeepsWorking()
    {
        // A burst far above the trim threshold, all expired at once: the next operation sweeps and trims the tables.
        var burst = new List<CodeRecord>();
        for (var i = 0; i < 20_000; i++)
        {
            burst.Add(await SaveAsync("+86155" + i.ToString("D8", System.Globalization.CultureInfo.InvariantCulture), ContactCharges("+86155" + i.ToString("D8", System.Globalization.CultureInfo.InvariantCulture))));
        }

        var peakCapacity = _store.Capacity;
        var later = T0 + TimeSpan.FromDays(2);
        var fresh = NewRecord(expiresAt: later + Lifetime);
        var saved = await _store.SaveAsync(fresh, ContactCharges(Contact), waiveSoftLimits: false, later);

        Assert.Equal(SaveStatus.Saved, saved.Status);
        Assert.Equal(3, _store.Count); // the fresh record, its daily and cooldown counters

        // The tables gave the burst's room back (they never shrink by themselves).
        Assert.True(peakCapacity >= 20_000 * 3, $"peak capacity {peakCapacity}");
        Assert.True(_store.Capacity < peakCapacity / 100, $"capacity {_store.Capacity} after the burst expired, {peakCapacity} at its peak");
        Assert.Equal(AttemptStatus.NotFound, (await _store.AttemptAsync(burst[0].Id, RightHash, MaxAttempts, AmpleBudget, later)).Status);
        Assert.Equal(AttemptStatus.Verified, (await _store.AttemptAsync(fresh.Id, RightHash, MaxAttempts, AmpleBudget, later)).Status);
    }

    private static RateCharge[] ContactCharges(string contact, TimeSpan? dailyWindow = null) =>
    [
        new("failures:" + contact, 10, TimeSpan.FromDays(1), Amount: 0),
        new("daily:" + contact, 30, dailyWindow ?? TimeSpan.FromDays(1)),
        new("cooldown:" + contact, 1, TimeSpan.FromSeconds(60)),
    ];

    private static byte[] Hash(byte fill) => Enumerable.Repeat(fill, 32).ToArray();

    private static CodeRecord NewRecord(string contact = Contact, DateTimeOffset? expiresAt = null) => new()
    {
        Id = Guid.NewGuid(),
        ContactKey = contact,
        CodeHash = RightHash,
        ExpiresAt = expiresAt ?? T0 + Lifetime,
    };

    private async Task<CodeRecord> SaveAsync(string contact = Contact, IReadOnlyList<RateCharge>? charges = null, DateTimeOffset? expiresAt = null)
    {
        var record = NewRecord(contact, expiresAt);
        var outcome = await _store.SaveAsync(record, charges ?? [], waiveSoftLimits: false, T0);
        Assert.Equal(SaveStatus.Saved, outcome.Status);
        return record;
    }
}
