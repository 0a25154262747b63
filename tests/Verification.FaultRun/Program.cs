using System.Globalization;
using Verification.FaultRun;

// The bounded load/fault program (docs/security.md, "The load/fault program"). Usage:
//   dotnet run --project tests/Verification.FaultRun -c Release -- [--seconds N] [--requests N] [--workers N] [--only providers|store]
// --seconds is per phase (default 20), --requests the request budget per phase (default 20000). Exit code 0 when
// no violation was found, 1 when one was, 2 on a usage error. Loopback only; needs redis-server on PATH for the
// store phase.
var options = new FaultRunOptions { Log = Console.Out };
for (var i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    try
    {
        switch (args[i])
        {
            case "--seconds":
                options.PhaseDuration = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture));
                break;
            case "--requests":
                options.MaxRequestsPerPhase = int.Parse(Next(), CultureInfo.InvariantCulture);
                break;
            case "--workers":
                options.Workers = int.Parse(Next(), CultureInfo.InvariantCulture);
                break;
            case "--only":
                var only = Next();
                options.Providers = only == "providers";
                options.Store = only == "store";
                break;
            default:
                throw new ArgumentException($"unknown argument {args[i]}");
        }
    }
    catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
    {
        Console.Error.WriteLine($"Verification.FaultRun: {e.Message}. Usage: [--seconds N] [--requests N] [--workers N] [--only providers|store]");
        return 2;
    }
}

var report = await FaultRunner.RunAsync(options);
report.Print(Console.Out);
return report.Passed ? 0 : 1;
