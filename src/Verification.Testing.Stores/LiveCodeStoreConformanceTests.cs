namespace Verification.Testing.Stores;

/// <summary>
/// Every <see cref="ICodeStore"/> rule (<see cref="CodeStoreConformanceTests"/>) and those of
/// <see cref="ILiveCodeStore"/>, which checks by contact (<see cref="IVerificationService.CheckCodeAsync"/>) need.
/// Derive from this class instead of <see cref="CodeStoreConformanceTests"/> when the store implements
/// <see cref="ILiveCodeStore"/> too.
/// </summary>
public abstract class LiveCodeStoreConformanceTests : CodeStoreConformanceTests
{
    private const string Phone = "+8615588665555";

    /// <summary>A contact's live record is the newest pending one; a resend moves it, another contact has its own.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task FindLiveRecord_NewestPendingRecordOfTheContact()
    {
        var codes = CreateStore();
        var store = Live(codes);
        var first = await SaveAsync(codes);
        Assert.Equal(first.Id, await store.FindLiveRecordAsync(Phone, T0));

        var second = await SaveAsync(codes, at: T0.AddSeconds(60));
        var other = await SaveAsync(codes, at: T0.AddSeconds(60), contact: "someone@example.com");

        Assert.Equal(second.Id, await store.FindLiveRecordAsync(Phone, T0.AddSeconds(61)));
        Assert.Equal(other.Id, await store.FindLiveRecordAsync("someone@example.com", T0.AddSeconds(61)));
        Assert.Null(await store.FindLiveRecordAsync("+8615588660000", T0.AddSeconds(61)));
    }

    /// <summary>A record that was verified, burned, released or expired is no contact's live record.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task FindLiveRecord_SettledOrExpired_None()
    {
        var codes = CreateStore();
        var store = Live(codes);
        var used = await SaveAsync(codes, contact: "used@example.com");
        await codes.AttemptAsync(used.Id, NewRecordHash, 5, Budget("used@example.com"), T0);
        var burned = await SaveAsync(codes, contact: "burned@example.com");
        await ExhaustAsync(codes, burned.Id, "burned@example.com");
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
    /// <returns>A task.</returns>
    [Fact]
    public async Task FindLiveRecord_AfterMismatches_LiveUntilExhausted()
    {
        var codes = CreateStore();
        var store = Live(codes);
        var record = await SaveAsync(codes);

        Assert.Equal(AttemptStatus.Mismatch, (await codes.AttemptAsync(record.Id, new byte[32], 5, Budget(Phone), T0)).Status);
        Assert.Equal(record.Id, await store.FindLiveRecordAsync(Phone, T0));
        await ExhaustAsync(codes, record.Id, Phone);

        Assert.Null(await store.FindLiveRecordAsync(Phone, T0));
    }

    private static ReadOnlyMemory<byte> NewRecordHash => NewRecord(T0).CodeHash;

    private static RateCharge Budget(string contact) => new("failures:" + contact, 1_000_000, TimeSpan.FromDays(1));

    private static async Task ExhaustAsync(ICodeStore codes, Guid id, string contact)
    {
        AttemptOutcome outcome;
        do
        {
            outcome = await codes.AttemptAsync(id, new byte[32], 5, Budget(contact), T0);
        }
        while (outcome.Status == AttemptStatus.Mismatch);

        Assert.Equal(AttemptStatus.Exhausted, outcome.Status);
    }

    private static ILiveCodeStore Live(ICodeStore store) =>
        store as ILiveCodeStore ?? throw new Xunit.Sdk.XunitException($"{store.GetType().Name} does not implement {nameof(ILiveCodeStore)}; derive its tests from {nameof(CodeStoreConformanceTests)} instead.");
}
