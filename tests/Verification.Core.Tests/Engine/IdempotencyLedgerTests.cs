using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Verification.Tests;

/// <summary>The Idempotency-Key protocol: its typed record and its ledger over a store.</summary>
public sealed class IdempotencyLedgerTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly VerificationIdClaims Claims = new(Guid.NewGuid(), "nonce", "+8615588665555", VerificationUsage.SignIn, Now.AddMinutes(10));
    private static readonly IdempotencyRecord Record = new("+8615588665555", VerificationTarget.User, Claims, true);

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
    [InlineData("c\n1\n\n0123456789abcdef0123456789abcdef\nn\n+86\nnot-a-number\n1")]
    [InlineData("c\n1\n\n0123456789abcdef0123456789abcdef\nn\n+86\n99999999999999999\n1")]
    [InlineData("c\n9\n\n0123456789abcdef0123456789abcdef\nn\n+86\n100\n1")]
    [InlineData("c\n1\n77\n0123456789abcdef0123456789abcdef\nn\n+86\n100\n1")]
    [InlineData("c\n1\n\nnot-a-guid\nn\n+86\n100\n1")]
    public void Record_Decode_ForeignValue_False(string stored)
    {
        Assert.False(IdempotencyRecord.TryDecode(stored, out _));
    }

    [Fact]
    public void Record_ReplayFor_SameRequest_ClaimsSignedAgainAndSecondsLeft()
    {
        VerificationIdClaims? signed = null;

        var answer = Record.ReplayFor("+8615588665555", VerificationTarget.User, VerificationUsage.SignIn, Now.AddSeconds(30.5), c => { signed = c; return "vid"; });

        Assert.Equal(new VerificationResponse("vid", 570, true), answer.Value);
        Assert.Equal(Claims, signed);
    }

    [Theory]
    [InlineData("+8615588660000", VerificationTarget.User, VerificationUsage.SignIn)]
    [InlineData("+8615588665555", VerificationTarget.Any, VerificationUsage.SignIn)]
    [InlineData("+8615588665555", VerificationTarget.User, VerificationUsage.PasswordReset)]
    [InlineData("+8615588665555", VerificationTarget.User, null)]
    public void Record_ReplayFor_OtherContactTargetOrUsage_IdempotencyKeyReusedNothingSigned(string contact, VerificationTarget target, VerificationUsage? usage)
    {
        var answer = Record.ReplayFor(contact, target, usage, Now, _ => throw new InvalidOperationException("signed"));

        Assert.Equal((VerificationErrorCodes.IdempotencyKeyReused, 4013, "idempotency_key"), (answer.Error?.Code, answer.Error?.Number, answer.Error?.Field));
    }

    [Fact]
    public void KeyOf_NoCooldown_KeysIgnored()
    {
        var context = new VerificationContext { IdempotencyKey = "k" };

        Assert.NotNull(Ledger(TimeSpan.FromMinutes(1)).KeyOf(context, "+8615588665555"));
        Assert.Null(Ledger(TimeSpan.Zero).KeyOf(context, "+8615588665555"));
        Assert.Null(Ledger(TimeSpan.FromMinutes(1)).KeyOf(new VerificationContext { IdempotencyKey = "" }, "+8615588665555"));
    }

    [Fact]
    public void KeyOf_ScopedByClientAndContact()
    {
        var ledger = Ledger(TimeSpan.FromMinutes(1));
        var device = new VerificationContext { IdempotencyKey = "k", DeviceId = "d1", ClientIp = System.Net.IPAddress.Parse("203.0.113.7") };
        string?[] keys =
        [
            ledger.KeyOf(device, "+8615588665555"),
            ledger.KeyOf(device with { DeviceId = "d2" }, "+8615588665555"),
            ledger.KeyOf(device with { DeviceId = null }, "+8615588665555"),
            ledger.KeyOf(device with { DeviceId = null, ClientIp = System.Net.IPAddress.Parse("203.0.113.8") }, "+8615588665555"),
            ledger.KeyOf(device, "+8615588660000"),
        ];

        Assert.Equal(keys.Length, keys.Distinct().Count());
        Assert.Equal(keys[0], ledger.KeyOf(device with { ClientIp = System.Net.IPAddress.Parse("198.51.100.1") }, "+8615588665555"));
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

        var second = await ledger.ReserveAsync("idempotency:k", Record with { IsUser = false }, default);
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
