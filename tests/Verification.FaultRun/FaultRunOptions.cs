namespace Verification.FaultRun;

/// <summary>The limits of a run: every phase stops at its time or its request budget, whichever comes first.</summary>
public sealed class FaultRunOptions
{
    /// <summary>How long each phase runs.</summary>
    public TimeSpan PhaseDuration { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The most HTTP requests a phase makes.</summary>
    public int MaxRequestsPerPhase { get; set; } = 20_000;

    /// <summary>Concurrent clients.</summary>
    public int Workers { get; set; } = 8;

    /// <summary>Run the provider-fault phase.</summary>
    public bool Providers { get; set; } = true;

    /// <summary>Run the store-fault phase (needs redis-server on PATH).</summary>
    public bool Store { get; set; } = true;

    /// <summary>Where progress lines go.</summary>
    public TextWriter Log { get; set; } = TextWriter.Null;
}
