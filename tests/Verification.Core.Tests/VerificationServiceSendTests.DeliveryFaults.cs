using NSubstitute.ExceptionExtensions;

namespace Verification.Tests;

public sealed partial class VerificationServiceSendTests
{
    // ---- Delivery faults ------------------------------------------------------------------------------------

    [Fact]
    public async Task SendAsync_SenderThrows_UnavailableDeliveryFailed()
    {
        var sender = new ScriptedSender("broken").ThenThrow(new InvalidOperationException("socket closed"));
        var h = new ServiceHarness(smsSenders: [sender]);

        var error = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)),
            VerificationErrorCodes.Unavailable,
            VerificationErrorReasons.DeliveryFailed);
    }

    [Fact]
    public async Task SendAsync_SenderThrows_RefundsCooldownAndDeletesRecord()
    {
        var sender = new ScriptedSender("flaky").ThenThrow(new DeliveryException(DeliveryFailureKind.Unknown, "gateway timeout"));
        var h = new ServiceHarness(smsSenders: [sender]);

        ResultAssert.Failed(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)), VerificationErrorCodes.Unavailable, VerificationErrorReasons.DeliveryFailed);

        // The record of the failed send is gone from the store, not merely unreachable.
        var failed = Assert.Single(h.Store.Saves).Record;
        Assert.Equal(failed.Id, Assert.Single(h.Store.Releases).Id);
        var attempt = await h.Store.Inner.AttemptAsync(failed.Id, failed.CodeHash, 5, new RateCharge("probe", 100, TimeSpan.FromMinutes(1)), h.Time.GetUtcNow());
        Assert.Equal(AttemptStatus.NotFound, attempt.Status);

        // The cooldown (and the daily count) were refunded: an immediate retry goes through, and the code works.
        var response = ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));
        var delivered = Assert.Single(sender.Delivered);
        ResultAssert.Succeeded(await h.Service.VerifyAsync(new VerifyRequest(response.VerificationId, delivered.Code)));
    }

    [Fact]
    public async Task SendAsync_InvalidRecipient_InvalidPhoneNumberWithoutFailover()
    {
        var first = new ScriptedSender("first").ThenThrow(new DeliveryException(DeliveryFailureKind.InvalidRecipient, "unknown subscriber"));
        var second = new ScriptedSender("second");
        var h = new ServiceHarness(smsSenders: [first, second]);

        var error = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)),
            VerificationErrorCodes.InvalidPhoneNumber);

        Assert.Equal("phone_number", error.Field);
        Assert.Equal(1, first.Calls);
        Assert.Equal(0, second.Calls);
    }

    [Fact]
    public async Task SendAsync_PermanentFailure_UnavailableWithoutFailover()
    {
        var first = new ScriptedSender("first").ThenThrow(new DeliveryException(DeliveryFailureKind.Permanent, "account suspended"));
        var second = new ScriptedSender("second");
        var h = new ServiceHarness(emailSenders: [first, second]);

        ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(Email: ServiceHarness.Email)),
            VerificationErrorCodes.Unavailable,
            VerificationErrorReasons.DeliveryFailed);

        Assert.Equal(0, second.Calls);
    }

    [Theory]
    [InlineData(DeliveryFailureKind.Transient)]
    [InlineData(DeliveryFailureKind.NotProcessed)]
    [InlineData(DeliveryFailureKind.Unknown)]
    public async Task SendAsync_RetryableFailureOnFirstSender_FailsOverToSecond(DeliveryFailureKind kind)
    {
        var first = new ScriptedSender("first").ThenThrow(new DeliveryException(kind, "503 from provider"));
        var second = new ScriptedSender("second");

        // Without retries: NotProcessed would otherwise be retried on the first sender (DeliveryResilienceTests).
        var h = new ServiceHarness(o => o.Delivery.MaxRetries = 0, smsSenders: [first, second]);

        var response = ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));

        Assert.Equal(1, first.Calls);
        var delivered = Assert.Single(second.Delivered);
        Assert.Equal(ServiceHarness.PhoneE164, delivered.To);
        ResultAssert.Succeeded(await h.Service.VerifyAsync(new VerifyRequest(response.VerificationId, delivered.Code)));
    }

    [Fact]
    public async Task SendAsync_SenderHangsPastTimeout_Unavailable()
    {
        var sender = new ScriptedSender("hanging").ThenHang();
        var h = new ServiceHarness(o => o.Delivery.Timeout = TimeSpan.FromSeconds(5), smsSenders: [sender]);

        var pending = h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)).AsTask();
        await sender.Entered.Task;
        Assert.False(pending.IsCompleted);
        h.Time.Advance(TimeSpan.FromSeconds(5));
        var result = await pending;

        ResultAssert.Failed(result, VerificationErrorCodes.Unavailable, VerificationErrorReasons.DeliveryFailed);
        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));
    }

    [Fact]
    public async Task SendAsync_SenderIgnoringCancellation_StillTimesOutAndFailsOver()
    {
        var first = new ScriptedSender("deaf").ThenIgnoreCancellation();
        var second = new ScriptedSender("second");
        var h = new ServiceHarness(o => o.Delivery.Timeout = TimeSpan.FromSeconds(5), smsSenders: [first, second]);

        var pending = h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)).AsTask();
        await first.Entered.Task;
        h.Time.Advance(TimeSpan.FromSeconds(5));
        var result = await pending.WaitAsync(TimeSpan.FromSeconds(30));

        ResultAssert.Succeeded(result);
        Assert.Single(second.Delivered);
    }

    [Fact]
    public async Task SendAsync_FirstSenderHangsPastTimeout_FailsOverToSecond()
    {
        var first = new ScriptedSender("hanging").ThenHang();
        var second = new ScriptedSender("second");
        var h = new ServiceHarness(emailSenders: [first, second]);

        var pending = h.Service.SendAsync(new VerificationRequest(Email: ServiceHarness.Email)).AsTask();
        await first.Entered.Task;
        h.Time.Advance(h.Options.Delivery.Timeout);
        var result = await pending;

        ResultAssert.Succeeded(result);
        Assert.Single(second.Delivered);
    }

    [Fact]
    public async Task SendAsync_CallerCancelsDuringDelivery_ThrowsAndRefundsCooldown()
    {
        using var cts = new CancellationTokenSource();
        var sender = new ScriptedSender("cancelled").Then((_, ct) =>
        {
            cts.Cancel();
            ct.ThrowIfCancellationRequested();
            return ValueTask.CompletedTask;
        });
        var h = new ServiceHarness(smsSenders: [sender]);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone), cancellationToken: cts.Token).AsTask());

        Assert.Single(h.Store.Releases);
        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));
    }

    [Fact]
    public async Task SendAsync_CallerCancelsWhileSenderHangs_ThrowsAndRefundsCooldown()
    {
        using var cts = new CancellationTokenSource();
        var first = new ScriptedSender("hanging").ThenHang();
        var second = new ScriptedSender("second");
        var h = new ServiceHarness(smsSenders: [first, second]);

        var pending = h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone), cancellationToken: cts.Token).AsTask();
        await first.Entered.Task;
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        Assert.Equal(0, second.Calls);
        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));
    }

    [Fact]
    public async Task SendAsync_PreCancelledToken_ThrowsAndChargesNothing()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var h = new ServiceHarness();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone), cancellationToken: cts.Token).AsTask());

        Assert.Empty(h.Messages);
        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));
    }

    [Fact]
    public async Task SendAsync_SenderThrowsItsOwnCancellation_FailsOverAsAFailure()
    {
        // An HttpClient timeout surfaces as TaskCanceledException although the caller cancelled nothing.
        var first = new ScriptedSender("first").ThenThrow(new TaskCanceledException("HttpClient.Timeout of 100 seconds elapsing"));
        var second = new ScriptedSender("second");
        var h = new ServiceHarness(smsSenders: [first, second]);

        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));

        Assert.Single(second.Delivered);
    }
}
