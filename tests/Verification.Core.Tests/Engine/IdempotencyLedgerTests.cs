using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Verification.Tests;

/// <summary>The Idempotency-Key protocol: its typed record and its ledger over a store.</summary>
public sealed class IdempotencyLedgerTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly IdempotencyRecord Record = new("+8615588665555", "vid", Now.AddMinutes(10), true);

    private readonly FakeTimeProvider _time = new(Now);
    private readonly ObservableStore _store = new();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    [InlineData(null)]
    public void Record_EncodeThenDecode_SameRecord(bool? isUser)
    {
        var record = Record with { IsUser = isUser };

        Assert.True(IdempotencyRecord.TryDecode(record.Encode(), out var decoded));
        Assert.Equal(record, decoded);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a\nb\nc")]
    [InlineData("a\nb\n-5\n1")]
    [InlineData("a\nb\nnot-a-number\n1")]
    [InlineData("a\nb\n99999999999999999\n1")]
    public void Record_Decode_ForeignValue_False(string stored)
    {
        Assert.False(IdempotencyRecord.TryDecode(stored, out _));
    }

    [Fact]
    public void Record_ReplayFor_SameContact_SameIdAndSecondsLeft()
    {
        var answer = Record.ReplayFor("+8615588665555", Now.AddSeconds(30.5));

        Assert.Equal(new VerificationResponse("vid", 570, true), answer.Value);
    }

    [Fact]
    public void Record_ReplayFor_OtherContact_IdempotencyKeyReused()
    {
        var answer = Record.ReplayFor("+8615588660000", Now);

        Assert.Equal(("idempotency_key", VerificationErrorReasons.IdempotencyKeyReused), (answer.Error?.Field, answer.Error?.Reason));
    }

    [Fact]
    public void KeyOf_NoCooldown_KeysIgnored()
    {
        var context = new VerificationContext { IdempotencyKey = "k" };

        Assert.Equal("idempotency:k", Ledger(TimeSpan.FromMinutes(1)).KeyOf(context));
        Assert.Null(Ledger(TimeSpan.Zero).KeyOf(context));
        Assert.Null(Ledger(TimeSpan.FromMinutes(1)).KeyOf(new VerificationContext { IdempotencyKey = "" }));
    }

    [Fact]
    public async Task Reserve_FreeKey_HeldThenFoundThenWithdrawn()
    {
        var ledger = Ledger(TimeSpan.FromMinutes(1));

        var reserved = await ledger.ReserveAsync("idempotency:k", Record, default);
        var found = await ledger.FindAsync("idempotency:k", default);
        await ledger.WithdrawAsync(reserved.Value);
        var afterWithdrawal = await ledger.FindAsync("idempotency:k", default);

        Assert.True(reserved.Value.IsHeld);
        Assert.Equal(Record, found.Value);
        Assert.Null(afterWithdrawal.Value);
    }

    [Fact]
    public async Task Reserve_TakenKey_ExistingRecordNotHeld()
    {
        var ledger = Ledger(TimeSpan.FromMinutes(1));
        await ledger.ReserveAsync("idempotency:k", Record, default);

        var second = await ledger.ReserveAsync("idempotency:k", Record with { VerificationId = "other" }, default);
        await ledger.WithdrawAsync(second.Value);

        Assert.False(second.Value.IsHeld);
        Assert.Equal(Record, second.Value.Existing);
        Assert.Equal(Record, (await ledger.FindAsync("idempotency:k", default)).Value);
    }

    [Fact]
    public async Task Reserve_KeyLivesForTheCooldown()
    {
        var ledger = Ledger(TimeSpan.FromMinutes(1));
        await ledger.ReserveAsync("idempotency:k", Record, default);

        _time.Advance(TimeSpan.FromSeconds(59));
        var before = await ledger.FindAsync("idempotency:k", default);
        _time.Advance(TimeSpan.FromSeconds(1));
        var after = await ledger.FindAsync("idempotency:k", default);

        Assert.NotNull(before.Value);
        Assert.Null(after.Value);
    }

    [Fact]
    public async Task Find_UnreadableValue_TreatedAsNew_ButReserveUnavailable()
    {
        await _store.GetOrAddValueAsync("idempotency:k", "garbage", Now.AddMinutes(1), Now);
        var ledger = Ledger(TimeSpan.FromMinutes(1));

        var found = await ledger.FindAsync("idempotency:k", default);
        var reserved = await ledger.ReserveAsync("idempotency:k", Record, default);

        Assert.Equal((null, null), (found.Value, found.Error));
        Assert.Equal(VerificationErrorReasons.StoreUnavailable, reserved.Error?.Reason);
    }

    [Fact]
    public async Task StoreDown_FindAndReserveUnavailable_WithdrawDoesNotThrow()
    {
        var ledger = Ledger(TimeSpan.FromMinutes(1));
        var reserved = await ledger.ReserveAsync("idempotency:k", Record, default);
        _store.Down = true;

        var found = await ledger.FindAsync("idempotency:k", default);
        var again = await ledger.ReserveAsync("idempotency:k", Record, default);
        await ledger.WithdrawAsync(reserved.Value);

        Assert.Equal(VerificationErrorCodes.Unavailable, found.Error?.Code);
        Assert.Equal(StoreGuard.NothingSent, again.Error?.Description);
    }

    private IdempotencyLedger Ledger(TimeSpan lifetime) => new(_store, new StoreGuard(NullLogger.Instance), _time, lifetime);
}
