using Microsoft.Extensions.Logging.Testing;

namespace Verification.Tests;

/// <summary>The one place a store failure becomes <c>unavailable</c>.</summary>
public sealed class StoreGuardTests
{
    private readonly FakeLogger _logger = new();

    [Fact]
    public async Task RunAsync_StoreAnswers_TheAnswer()
    {
        var result = await new StoreGuard(_logger).RunAsync("op", 41, static (x, _) => ValueTask.FromResult(x + 1), StoreGuard.TryLater, default);

        Assert.Equal((42, false), (result.Value, result.Failed));
        Assert.Equal(0, _logger.Collector.Count);
    }

    [Fact]
    public async Task RunAsync_StoreThrowsSynchronouslyOrAsynchronously_UnavailableAndLogged()
    {
        var guard = new StoreGuard(_logger);

        var sync = await guard.RunAsync<int, int>("send", 0, static (_, _) => throw new TimeoutException("down"), StoreGuard.NothingSent, default);
        var async = await guard.RunAsync<int, int>("verify", 0, static async (_, _) =>
        {
            await Task.Yield();
            throw new InvalidOperationException("down");
        }, StoreGuard.TryLater, default);

        Assert.Equal((VerificationErrorCodes.Unavailable, VerificationErrorReasons.StoreUnavailable, StoreGuard.NothingSent), (sync.Error?.Code, sync.Error?.Reason, sync.Error?.Description));
        Assert.Equal(StoreGuard.TryLater, async.Error?.Description);
        Assert.Equal(["send", "verify"], _logger.Collector.GetSnapshot().Select(r => r.StructuredState!.Single(s => s.Key == "Operation").Value));
    }

    [Fact]
    public async Task RunAsync_CallerCanceled_Propagates()
    {
        using var canceled = new CancellationTokenSource();
        await canceled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new StoreGuard(_logger)
            .RunAsync<int, int>("op", 0, static (_, ct) => ValueTask.FromCanceled<int>(ct), StoreGuard.TryLater, canceled.Token).AsTask());
    }

    [Fact]
    public async Task RunAsync_StoreTimesOutWithoutCallerCancellation_Unavailable()
    {
        var result = await new StoreGuard(_logger).RunAsync<int, int>("op", 0, static (_, _) => throw new OperationCanceledException(), StoreGuard.TryLater, default);

        Assert.True(result.Failed);
    }

    [Fact]
    public async Task BestEffortAsync_Failure_OnlyLogged()
    {
        Exception? seen = null;

        await new StoreGuard(_logger).BestEffortAsync(7, static _ => throw new TimeoutException("down"), (_, e, state) => seen = state == 7 ? e : null);

        Assert.IsType<TimeoutException>(seen);
    }
}
