namespace Verification.Tests;

public sealed partial class InMemoryCodeStoreTests
{
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
}
