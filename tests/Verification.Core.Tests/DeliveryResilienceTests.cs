namespace Verification.Tests;

/// <summary>Retries only for "not processed", a total timeout, a circuit per sender, then failover.</summary>
public sealed class DeliveryResilienceTests
{
    [Fact]
    public async Task SendAsync_NotProcessedTwice_RetriedOnTheSameSenderAndDeliveredOnce()
    {
        var sender = new ScriptedSender("throttled")
            .ThenThrow(new DeliveryException(DeliveryFailureKind.NotProcessed, "429"))
            .ThenThrow(new DeliveryException(DeliveryFailureKind.NotProcessed, "connection refused"));
        var second = new ScriptedSender("second");
        var h = new ServiceHarness(smsSenders: [sender, second]);

        var sent = await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone));

        ResultAssert.Succeeded(sent);
        Assert.Equal(3, sender.Calls);
        Assert.Single(sender.Delivered);
        Assert.Equal(0, second.Calls);
    }

    [Fact]
    public async Task SendAsync_NotProcessedBeyondMaxRetries_FailsOverToTheNextSender()
    {
        var sender = new ScriptedSender("throttled");
        for (var i = 0; i < 3; i++)
        {
            sender.ThenThrow(new DeliveryException(DeliveryFailureKind.NotProcessed, "429"));
        }

        var second = new ScriptedSender("second");
        var h = new ServiceHarness(o => o.Delivery.MaxRetries = 2, smsSenders: [sender, second]);

        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));

        Assert.Equal(3, sender.Calls);
        Assert.Empty(sender.Delivered);
        Assert.Single(second.Delivered);
    }

    [Theory]
    [InlineData(DeliveryFailureKind.Unknown)]
    [InlineData(DeliveryFailureKind.Transient)]
    [InlineData(DeliveryFailureKind.Permanent)]
    [InlineData(DeliveryFailureKind.InvalidRecipient)]
    public async Task SendAsync_FailureThatMayHaveBeenProcessedOrIsFinal_IsNeverRetriedOnTheSameSender(DeliveryFailureKind kind)
    {
        var sender = new ScriptedSender("once").ThenThrow(new DeliveryException(kind, "refused"));
        var h = new ServiceHarness(smsSenders: [sender]);

        var sent = await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone));

        Assert.False(sent.Succeeded);
        Assert.Equal(1, sender.Calls);
    }

    [Fact]
    public async Task SendAsync_TimeoutAfterTheRequestWentOut_IsNotRetriedButFailsOver()
    {
        var hanging = new ScriptedSender("hanging").ThenHang();
        var second = new ScriptedSender("second");
        var h = new ServiceHarness(o => o.Delivery.Timeout = TimeSpan.FromSeconds(5), smsSenders: [hanging, second]);

        var pending = h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)).AsTask();
        await hanging.Entered.Task;
        h.Time.Advance(TimeSpan.FromSeconds(5));

        ResultAssert.Succeeded(await pending.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, hanging.Calls);
        Assert.Single(second.Delivered);
    }

    [Fact]
    public async Task SendAsync_FailingSender_OpensItsCircuitThenIsSkippedUntilTheBreakEnds()
    {
        var failing = new ScriptedSender("failing");
        for (var i = 0; i < 4; i++)
        {
            failing.ThenThrow(new DeliveryException(DeliveryFailureKind.Transient, "503"));
        }

        var backup = new ScriptedSender("backup");
        var h = new ServiceHarness(
            o =>
            {
                o.Throttling.ResendCooldown = TimeSpan.Zero;
                o.Throttling.ContactBurst.Limit = 0;
                o.Throttling.PerNumberPrefix.Limit = 0;
                o.Delivery.CircuitBreaker.MinimumThroughput = 4;
                o.Delivery.CircuitBreaker.FailureRatio = 0.5;
                o.Delivery.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(30);
            },
            smsSenders: [failing, backup]);

        // Four failures in the window open the failing sender's circuit; each send still reaches the backup.
        for (var i = 0; i < 4; i++)
        {
            ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));
        }

        Assert.Equal(4, failing.Calls);

        // Open: the failing sender is not even called.
        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));
        Assert.Equal(4, failing.Calls);
        Assert.Equal(5, backup.Delivered.Count);

        // After the break a trial call goes through; the script is spent, so it delivers and the circuit closes.
        h.Time.Advance(TimeSpan.FromSeconds(31));
        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));
        Assert.Equal(5, failing.Calls);
        Assert.Single(failing.Delivered);
        Assert.Equal(5, backup.Delivered.Count);
    }

    [Fact]
    public async Task SendAsync_PermanentRefusals_DoNotOpenTheCircuit()
    {
        var refusing = new ScriptedSender("refusing");
        for (var i = 0; i < 6; i++)
        {
            refusing.ThenThrow(new DeliveryException(DeliveryFailureKind.Permanent, "blacklisted"));
        }

        var h = new ServiceHarness(
            o =>
            {
                o.Throttling.ResendCooldown = TimeSpan.Zero;
                o.Throttling.ContactBurst.Limit = 0;
                o.Throttling.PerNumberPrefix.Limit = 0;
                o.Delivery.CircuitBreaker.MinimumThroughput = 2;
            },
            smsSenders: [refusing]);

        for (var i = 0; i < 6; i++)
        {
            Assert.False((await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone))).Succeeded);
        }

        // Every send reached the provider: the circuit never opened for answers that were proper refusals.
        Assert.Equal(6, refusing.Calls);
        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));
    }

    [Theory]
    [InlineData("MaxRetries", "Verification:Delivery:MaxRetries")]
    [InlineData("RetryDelay", "Verification:Delivery:RetryDelay")]
    [InlineData("FailureRatio", "Verification:Delivery:CircuitBreaker:FailureRatio")]
    [InlineData("MinimumThroughput", "Verification:Delivery:CircuitBreaker:MinimumThroughput")]
    [InlineData("BreakDuration", "Verification:Delivery:CircuitBreaker:BreakDuration")]
    public void Validate_BadResilienceSetting_NamesTheKey(string setting, string key)
    {
        var options = ServiceHarness.CreateOptions();
        switch (setting)
        {
            case "MaxRetries": options.Delivery.MaxRetries = 6; break;
            case "RetryDelay": options.Delivery.RetryDelay = TimeSpan.FromSeconds(11); break;
            case "FailureRatio": options.Delivery.CircuitBreaker.FailureRatio = 0; break;
            case "MinimumThroughput": options.Delivery.CircuitBreaker.MinimumThroughput = 1; break;
            default: options.Delivery.CircuitBreaker.BreakDuration = TimeSpan.FromMilliseconds(10); break;
        }

        var result = new VerificationOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains(key, StringComparison.Ordinal));
    }
}
