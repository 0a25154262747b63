using Verification.FaultRun;
using Xunit.Abstractions;

namespace Verification.Adversarial.Tests;

/// <summary>
/// The short version of the load/fault program (tests/Verification.FaultRun) that CI runs: about 20 s of provider
/// faults and 20 s of Redis killed and restarted (its own redis-server on a loopback port; a missing redis-server
/// fails the test with a message saying how to install it). The long run is documented in docs/security.md.
/// </summary>
[Trait("Requires", "redis")]
public sealed class FaultRunTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ShortRun_ProviderFaultsUnderLoad_NoViolation()
    {
        var (report, log) = await RunAsync(providers: true, store: false);

        Assert.True(report.Passed, log);
        Assert.True(report.Requests > 200, $"only {report.Requests} requests ran");
        Assert.True(report.ProviderFaults > 0 && report.BackupFaults > 0 && report.CircuitOpenings > 0 && report.CircuitClosedAgain, log);
    }

    [Fact]
    public async Task ShortRun_RedisKilledAndRestartedUnderLoad_NoViolation()
    {
        var (report, log) = await RunAsync(providers: false, store: true);

        Assert.True(report.Passed, log);
        Assert.True(report.Requests > 200, $"only {report.Requests} requests ran");
        Assert.Equal(1, report.StoreOutages);
        Assert.NotNull(report.RecoveryAfterRestart);
    }

    private async Task<(FaultRunReport Report, string Log)> RunAsync(bool providers, bool store)
    {
        var log = new StringWriter();
        var report = await FaultRunner.RunAsync(new FaultRunOptions
        {
            PhaseDuration = TimeSpan.FromSeconds(20),
            MaxRequestsPerPhase = 20_000,
            Workers = 6,
            Providers = providers,
            Store = store,
            Log = log,
        });

        report.Print(log);
        output.WriteLine(log.ToString());
        return (report, log.ToString());
    }
}
