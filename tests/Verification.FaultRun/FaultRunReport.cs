using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;

namespace Verification.FaultRun;

/// <summary>The figures of a run and every violation found.</summary>
public sealed class FaultRunReport
{
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly ConcurrentDictionary<string, long> _answers = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<double> _latencies = [];
    private long _requests;
    private long _sends;
    private long _verifies;

    public long Requests => Interlocked.Read(ref _requests);

    public long Sends => Interlocked.Read(ref _sends);

    public long Verifies => Interlocked.Read(ref _verifies);

    public long ProviderFaults { get; internal set; }

    public long BackupFaults { get; internal set; }

    public long StoreOutages { get; internal set; }

    public TimeSpan StoreDowntime { get; internal set; }

    public long CircuitOpenings { get; internal set; }

    public bool CircuitClosedAgain { get; internal set; }

    public long RefundChecks;

    public long DeliveredMessages { get; internal set; }

    public long PersistedAfterRestart;

    public TimeSpan? RecoveryAfterRestart { get; internal set; }

    public int ThreadsStart { get; internal set; }

    public int ThreadsEnd { get; internal set; }

    public long ManagedBytesStart { get; internal set; }

    public long ManagedBytesEnd { get; internal set; }

    public IReadOnlyList<string> Violations => [.. _violations];

    public IReadOnlyDictionary<string, long> Answers => _answers;

    public bool Passed => _violations.IsEmpty;

    internal void Violation(string text)
    {
        if (_violations.Count < 200)
        {
            _violations.Enqueue(text);
        }
    }

    internal void Answer(string kind, string answer, TimeSpan latency)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Increment(ref kind == "send" ? ref _sends : ref _verifies);
        _answers.AddOrUpdate($"{kind} {answer}", 1, (_, n) => n + 1);
        _latencies.Add(latency.TotalMilliseconds);
    }

    public double LatencyPercentile(double p)
    {
        var sorted = _latencies.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }

    public void Print(TextWriter writer)
    {
        writer.WriteLine("Verification fault run");
        writer.WriteLine($"  requests under load:        {Requests} ({Sends} sends, {Verifies} verifies)");
        writer.WriteLine($"  latency ms p50/p99/max:     {LatencyPercentile(0.5):F0} / {LatencyPercentile(0.99):F0} / {LatencyPercentile(1):F0}");
        writer.WriteLine($"  messages delivered:         {DeliveredMessages}");
        writer.WriteLine($"  provider faults injected:   {ProviderFaults} (stand-in) + {BackupFaults} (backup sender)");
        writer.WriteLine($"  deliveries short-circuited: {CircuitOpenings} (circuit open), closed again: {(CircuitClosedAgain ? "yes" : "no")}");
        writer.WriteLine($"  cooldown refunds checked:   {Interlocked.Read(ref RefundChecks)}");
        writer.WriteLine($"  store outages:              {StoreOutages} ({StoreDowntime.TotalSeconds:F1} s down), recovered {(RecoveryAfterRestart is { } r ? $"{r.TotalSeconds:F1} s after restart" : "-")}");
        writer.WriteLine($"  codes sent before a restart and verified after it: {Interlocked.Read(ref PersistedAfterRestart)}");
        writer.WriteLine($"  threads start/end:          {ThreadsStart} / {ThreadsEnd}; managed MB start/end: {ManagedBytesStart / 1048576.0:F1} / {ManagedBytesEnd / 1048576.0:F1}");
        foreach (var (answer, count) in _answers.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            writer.WriteLine($"    {answer}: {count}");
        }

        writer.WriteLine($"  failures:                   {_violations.Count}");
        foreach (var violation in _violations)
        {
            writer.WriteLine("    VIOLATION " + violation);
        }
    }
}
