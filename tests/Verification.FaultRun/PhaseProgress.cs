using System.Diagnostics;

namespace Verification.FaultRun;

/// <summary>
/// How far a phase has come: it ends at its time or its request budget, whichever comes first, so its schedule of
/// faults (and of the healthy tail that must follow them) advances with whichever of the two is further along. On a
/// fast machine the budget runs out before the time does; a schedule by time alone then ended the phase inside a
/// fault window, and the recovery it checks never happened.
/// </summary>
internal sealed class PhaseProgress(FaultRunOptions options)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _left = options.MaxRequestsPerPhase;

    /// <summary>Time since the phase started.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>0 at the start, 1 when the time or the request budget is spent.</summary>
    public double Fraction => Math.Max(
        _clock.Elapsed / options.PhaseDuration,
        1 - (Math.Max(0, Volatile.Read(ref _left)) / (double)options.MaxRequestsPerPhase));

    /// <summary>Takes one request of the budget; false once the time or the budget is spent.</summary>
    public bool TryTake() => _clock.Elapsed < options.PhaseDuration && Interlocked.Decrement(ref _left) >= 0;
}
