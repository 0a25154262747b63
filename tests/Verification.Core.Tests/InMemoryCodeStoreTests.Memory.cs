namespace Verification.Tests;

public sealed partial class InMemoryCodeStoreTests
{
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

    /// <summary>Phone numbers are held packed into a number, other contact keys as strings: no two keys may share a live record.</summary>
    [Fact]
    public async Task FindLiveRecordAsync_NumbersAndOtherKeysThatLookAlike_EachItsOwnLiveRecord()
    {
        string[] contacts =
        [
            "+8615588665555", "+861558866555", "+86155886655550", "+08615588665555", "8615588665555", "+86 15588665555",
            "+123456789012345678", "+1234567890123456789", "+12345678901234567890", "+1", "+", "alice@example.com",
        ];
        var ids = new List<Guid>();
        foreach (var contact in contacts)
        {
            var record = NewRecord(contact: contact);
            Assert.Equal(SaveStatus.Saved, (await _store.SaveAsync(record, [], waiveSoftLimits: false, T0)).Status);
            ids.Add(record.Id);
        }

        var live = new List<Guid?>();
        foreach (var contact in contacts)
        {
            live.Add(await _store.FindLiveRecordAsync(contact, T0));
        }

        Assert.Equal(ids.Cast<Guid?>(), live);
        Assert.Null(await _store.FindLiveRecordAsync("+8615588665556", T0));
    }

    /// <summary>The keyed hash is held as a digest; hashes that differ anywhere, structured or not, still do not match.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(31)]
    public async Task AttemptAsync_HashDifferingInOneByteOrInAMirroredPair_Mismatch(int index)
    {
        var record = NewRecord();
        await _store.SaveAsync(record, [], waiveSoftLimits: false, T0);
        var oneByte = (byte[])RightHash.Clone();
        oneByte[index] ^= 0x5a;
        var pair = (byte[])oneByte.Clone();
        pair[(index + 16) % 32] ^= 0x5a;

        Assert.Equal(AttemptStatus.Mismatch, (await _store.AttemptAsync(record.Id, oneByte, MaxAttempts, AmpleBudget, T0)).Status);
        Assert.Equal(AttemptStatus.Mismatch, (await _store.AttemptAsync(record.Id, pair, MaxAttempts, AmpleBudget, T0)).Status);
        Assert.Equal(AttemptStatus.Mismatch, (await _store.AttemptAsync(record.Id, RightHash[..16], MaxAttempts, AmpleBudget, T0)).Status);
        Assert.Equal(AttemptStatus.Verified, (await _store.AttemptAsync(record.Id, RightHash, MaxAttempts, AmpleBudget, T0)).Status);
    }
}
