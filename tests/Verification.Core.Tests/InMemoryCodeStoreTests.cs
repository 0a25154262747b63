namespace Verification.Tests;

/// <summary>The <see cref="ICodeStore"/> rules, run directly against <see cref="InMemoryCodeStore"/>.</summary>
public sealed partial class InMemoryCodeStoreTests
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
