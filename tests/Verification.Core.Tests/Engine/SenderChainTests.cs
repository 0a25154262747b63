using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Verification.Tests;

/// <summary>The senders of one channel: failover, refusals for good, release and refund.</summary>
public sealed class SenderChainTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly RateCharge Cooldown = new("cooldown:+8615588665555", 1, TimeSpan.FromMinutes(1));

    private readonly FakeTimeProvider _time = new(Now);
    private readonly ObservableStore _store = new();
    private readonly OneTimeSecrets _secrets;

    public SenderChainTests()
    {
        var keys = KeyMaterial.Load(ServiceHarness.CreateOptions());
        _secrets = new OneTimeSecrets(keys.Tokens, keys.Hasher, _store, new StoreGuard(NullLogger.Instance), _time);
    }

    [Fact]
    public async Task Deliver_FirstSenderFailsTransiently_SecondDelivers()
    {
        var first = new ScriptedSender("first").ThenThrow(new DeliveryException(DeliveryFailureKind.Transient, "busy"));
        var second = new ScriptedSender("second");
        var (secret, chain) = await SavedAsync(first, second);

        var error = await chain.DeliverAsync(Message(), default, secret, [Cooldown], default);

        Assert.Null(error);
        Assert.Equal((1, 1), (first.Calls, second.Delivered.Count));
        Assert.Empty(_store.Releases);
    }

    [Theory]
    [InlineData(DeliveryFailureKind.Permanent, VerificationErrorCodes.Unavailable)]
    [InlineData(DeliveryFailureKind.InvalidRecipient, VerificationErrorCodes.InvalidPhoneNumber)]
    public async Task Deliver_RefusalForGood_NoFailoverAndReleased(DeliveryFailureKind kind, string code)
    {
        var first = new ScriptedSender("first").ThenThrow(new DeliveryException(kind, "no"));
        var second = new ScriptedSender("second");
        var (secret, chain) = await SavedAsync(first, second);

        var error = await chain.DeliverAsync(Message(), default, secret, [Cooldown], default);

        Assert.Equal(code, error?.Code);
        Assert.Equal(0, second.Calls);
        Assert.Equal(secret.Id, Assert.Single(_store.Releases).Id);
    }

    [Fact]
    public async Task Deliver_EverySenderFails_ReleasedAndRefunded()
    {
        var (secret, chain) = await SavedAsync(
            new ScriptedSender("a").ThenThrow(new DeliveryException(DeliveryFailureKind.Transient, "x")),
            new ScriptedSender("b").ThenThrow(new HttpRequestException()));

        var error = await chain.DeliverAsync(Message(), default, secret, [Cooldown], default);
        var resend = await _store.SaveAsync(_secrets.Issue("1", "+8615588665555", Now.AddMinutes(5)).Record, [Cooldown], false, Now);

        Assert.Equal(VerificationErrorReasons.DeliveryFailed, error?.Reason);
        Assert.Equal(SaveStatus.Saved, resend.Status);
    }

    [Fact]
    public async Task Deliver_CallerCancels_ReleasedAndCancellationPropagates()
    {
        var sender = new ScriptedSender("hang").ThenHang();
        var (secret, chain) = await SavedAsync(sender);
        using var cancel = new CancellationTokenSource();

        var delivery = chain.DeliverAsync(Message(), default, secret, [Cooldown], cancel.Token).AsTask();
        await sender.Entered.Task;
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => delivery);
        Assert.Single(_store.Releases);
    }

    [Fact]
    public void IsEnabled_OnlyWithASender()
    {
        Assert.False(Chain().IsEnabled);
        Assert.True(Chain(new ScriptedSender("a")).IsEnabled);
    }

    private async Task<(PendingSecret Secret, SenderChain Chain)> SavedAsync(params ScriptedSender[] senders)
    {
        var secret = _secrets.Issue("123456", "+8615588665555", Now.AddMinutes(5));
        await _secrets.SaveAsync(secret, [Cooldown], false, Now, "test", StoreGuard.TryLater, default);
        return (secret, Chain(senders));
    }

    private SenderChain Chain(params ScriptedSender[] senders) =>
        new(VerificationChannel.Sms, SenderChain.Of(senders.Cast<ISmsSender>()), new DeliveryOptions { RetryDelay = TimeSpan.Zero }, _secrets, new VerificationMetrics(null), _time, NullLogger.Instance);

    private static VerificationMessage Message() => new()
    {
        Channel = VerificationChannel.Sms,
        To = "+8615588665555",
        Body = "123456",
        Code = "123456",
        Lifetime = TimeSpan.FromMinutes(5),
        Culture = System.Globalization.CultureInfo.InvariantCulture,
    };
}
