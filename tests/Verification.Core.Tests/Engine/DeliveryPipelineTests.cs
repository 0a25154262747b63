using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Verification.Tests;

/// <summary>
/// One sender's resilience on its own (the service's use of it, with failover, is in DeliveryResilienceTests): retries
/// only for <see cref="DeliveryFailureKind.NotProcessed"/>, a total timeout that is not retried, and a circuit that
/// opens on failures but not on permanent refusals.
/// </summary>
public sealed class DeliveryPipelineTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public async Task Create_NotProcessedEveryTime_RetriedMaxRetriesTimesThenThrown(int maxRetries)
    {
        var pipeline = DeliveryPipeline.Create(new DeliveryOptions { MaxRetries = maxRetries, RetryDelay = TimeSpan.Zero }, _time);
        var calls = 0;

        var e = await Assert.ThrowsAsync<DeliveryException>(async () => await pipeline.ExecuteAsync(_ =>
        {
            calls++;
            throw new DeliveryException(DeliveryFailureKind.NotProcessed, "429");
        }));

        Assert.Equal(DeliveryFailureKind.NotProcessed, e.Kind);
        Assert.Equal(maxRetries + 1, calls);
    }

    [Fact]
    public async Task Create_NotProcessedThenDelivered_OneRetry()
    {
        var pipeline = DeliveryPipeline.Create(new DeliveryOptions { MaxRetries = 2, RetryDelay = TimeSpan.Zero }, _time);
        var calls = 0;

        await pipeline.ExecuteAsync(_ => ++calls == 1 ? throw new DeliveryException(DeliveryFailureKind.NotProcessed, "connection refused") : ValueTask.CompletedTask);

        Assert.Equal(2, calls);
    }

    [Theory]
    [InlineData(DeliveryFailureKind.Unknown)]
    [InlineData(DeliveryFailureKind.Transient)]
    [InlineData(DeliveryFailureKind.Permanent)]
    [InlineData(DeliveryFailureKind.InvalidRecipient)]
    public async Task Create_FailureThatMayHaveGoneOutOrIsFinal_NotRetried(DeliveryFailureKind kind)
    {
        var pipeline = DeliveryPipeline.Create(new DeliveryOptions { MaxRetries = 2, RetryDelay = TimeSpan.Zero }, _time);
        var calls = 0;

        await Assert.ThrowsAsync<DeliveryException>(async () => await pipeline.ExecuteAsync(_ =>
        {
            calls++;
            throw new DeliveryException(kind, "refused");
        }));

        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Create_CallOutlastsTheTimeout_CanceledAndRejectedWithoutARetry()
    {
        var pipeline = DeliveryPipeline.Create(new DeliveryOptions { Timeout = TimeSpan.FromSeconds(5), MaxRetries = 2, RetryDelay = TimeSpan.Zero }, _time);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        var canceled = false;

        var pending = pipeline.ExecuteAsync(async ct =>
        {
            calls++;
            entered.TrySetResult();
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            }
            catch (OperationCanceledException)
            {
                canceled = true;
                throw;
            }
        }).AsTask();
        await entered.Task;
        _time.Advance(TimeSpan.FromSeconds(5));

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => pending.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(canceled, "The call was not canceled at the timeout.");
        Assert.Equal(1, calls);
    }

    [Theory]
    [InlineData(DeliveryFailureKind.Transient, true)]
    [InlineData(DeliveryFailureKind.Unknown, true)]
    [InlineData(DeliveryFailureKind.Permanent, false)]
    [InlineData(DeliveryFailureKind.InvalidRecipient, false)]
    public async Task Create_FailuresPastTheRatio_OpenTheCircuitUnlessTheyAreRefusals(DeliveryFailureKind kind, bool opens)
    {
        var options = new DeliveryOptions { MaxRetries = 0 };
        options.CircuitBreaker.MinimumThroughput = 2;
        options.CircuitBreaker.FailureRatio = 0.5;
        var pipeline = DeliveryPipeline.Create(options, _time);
        var calls = 0;
        ValueTask Fail(CancellationToken _)
        {
            calls++;
            throw new DeliveryException(kind, "failed");
        }

        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<DeliveryException>(async () => await pipeline.ExecuteAsync(Fail));
        }

        var third = await Record.ExceptionAsync(async () => await pipeline.ExecuteAsync(Fail));

        Assert.Equal(opens, third is BrokenCircuitException);
        Assert.Equal(opens ? 2 : 3, calls);
    }
}
