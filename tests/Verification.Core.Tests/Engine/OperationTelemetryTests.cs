using System.Diagnostics;

namespace Verification.Tests;

/// <summary>The one helper that observes an operation: span, completion and failure.</summary>
public sealed class OperationTelemetryTests
{
    [Fact]
    public async Task RunAsync_NoSpanAndNotCounted_OperationRunsBareWithoutCompletion()
    {
        var completed = 0;

        var result = await OperationTelemetry.RunAsync<int, VerificationResponse>(
            span: null, counted: false, 0, static (_, activity) => ValueTask.FromResult<VerificationResult<VerificationResponse>>(new VerificationResponse("id", activity is null ? 1 : 2)), (_, _, _) => completed++);

        Assert.Equal((1, 0), (result.Value!.ExpiresIn, completed));
    }

    [Fact]
    public async Task RunAsync_Counted_CompletionSeesTheResult()
    {
        VerificationError? seen = null;
        var refusal = VerificationError.InvalidArgument("f", "r", "d");

        await OperationTelemetry.RunAsync<int, VerificationResponse>(
            span: null, counted: true, 0, (_, _) => ValueTask.FromResult<VerificationResult<VerificationResponse>>(refusal), (_, _, result) => seen = result.Error);

        Assert.Same(refusal, seen);
    }

    [Fact]
    public async Task RunAsync_Traced_SpanCompletedOrFailed()
    {
        // Other test classes run in parallel and stop spans of the same source on other threads: collect thread-safely.
        var stopped = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == VerificationTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        await OperationTelemetry.RunAsync<int, VerificationResponse>(
            "verification.test.ok", counted: false, 0, (_, _) => ValueTask.FromResult<VerificationResult<VerificationResponse>>(new VerificationResponse("id", 1)), static (_, activity, result) => VerificationTelemetry.Complete(activity!, "done", result.Error));
        await Assert.ThrowsAsync<TimeoutException>(() => OperationTelemetry.RunAsync<int, VerificationResponse>(
            "verification.test.fail", counted: false, 0, (_, _) => throw new TimeoutException(), (_, _, _) => { }).AsTask());

        var spans = stopped.ToArray();
        var ok = Assert.Single(spans, a => a.OperationName == "verification.test.ok");
        var failed = Assert.Single(spans, a => a.OperationName == "verification.test.fail");
        Assert.Equal("done", ok.GetTagItem("verification.outcome"));
        Assert.Equal((ActivityStatusCode.Error, typeof(TimeoutException).FullName), (failed.Status, failed.GetTagItem("error.type")));
    }
}
