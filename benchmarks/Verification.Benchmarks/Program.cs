using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using Verification.Benchmarks;

// dotnet run -c Release -- [BenchmarkDotNet arguments]   the BenchmarkDotNet suite (e.g. --filter '*' --job Dry)
// dotnet run -c Release -- throughput [ops] [algorithm]  send + verify on all cores next to the floor loop
// dotnet run -c Release -- memory [records]              in-memory store bytes per pending record, and after expiry
// dotnet run -c Release -- allocations                   bytes per send / verify next to the JWT and phone libraries' own
// dotnet run -c Release -- redis-ceiling [pairs] [callers] sends + verifies per second one Redis master sustains through the store
// benchmarks/run.sh runs all of them, the HTTP load run and Redis.
switch (args.FirstOrDefault())
{
    case "throughput":
        return Throughput.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200_000, args.Length > 2 ? args[2] : "RS256");
    case "allocations":
        return AllocationBreakdown.Run();
    case "redis-ceiling":
        return RedisCeiling.Run(
            args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000,
            args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 64);
    case "memory":
        return StoreMemory.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000);
}

// The default job is short (the machine is shared; every budget is a ratio of two benchmarks of one run); a --job
// given on the command line (CI's --job Dry) replaces it.
var config = DefaultConfig.Instance
    .AddDiagnoser(MemoryDiagnoser.Default)
    .AddExporter(JsonExporter.Full)
    .AddColumn(StatisticColumn.Median)
    .WithOptions(ConfigOptions.DisableLogFile)
    .WithBuildTimeout(TimeSpan.FromMinutes(10)); // the generated project builds slowly on a busy 2-core machine
if (!args.Any(a => a.StartsWith("--job", StringComparison.Ordinal) || a == "-j"))
{
    config = config.AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(12).WithId("Short"));
}

var summaries = BenchmarkSwitcher.FromAssembly(typeof(SendBenchmarks).Assembly).Run(args, config);
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
