using System.Diagnostics;
using System.Globalization;

namespace Verification.Benchmarks;

/// <summary>
/// Budget 8 (not BenchmarkDotNet): send + verify of <c>count</c> codes spread over every core, next to the same loop over
/// the floor's primitives (<see cref="Floor"/>, its dictionary shared under one lock like the in-memory store's). Each
/// side runs twice, alternating; the better run of each counts. Prints ops/s and the ratio.
/// </summary>
internal static class Throughput
{
    public static int Run(int count, string algorithm)
    {
        var threads = Environment.ProcessorCount;
        count = Math.Min(count, 480_000);
        var phones = Setup.Phones(2 * count + 2000);
        var (service, floor) = Scenario.Create(algorithm, phones);

        // The real service on the system clock here: every send uses a number of its own.
        var keys = new Keys();
        service = Setup.Service(algorithm, keys, new InMemoryCodeStore(), TimeProvider.System, new CapturingSender());
        var sample = Sync.Wait(service.SendAsync(new VerificationRequest(PhoneNumber: phones[^1])));
        var token = Sync.Wait(service.VerifyAsync(new VerifyRequest(sample.Value!.VerificationId, CapturingSender.LastCode)));
        floor = new Floor(keys, algorithm, sample.Value.VerificationId, token.Value!.VerificationToken);

        // Warm-up of both loops (JIT, tiering), on numbers of their own.
        Measure(threads, Math.Min(1000, count / 10), i => Ours(service, phones[(2 * count) + i]));
        Measure(threads, Math.Min(1000, count / 10), _ => FloorLoop(floor));

        double best(double a, double b) => Math.Max(a, b);
        var floorRate = 0.0;
        var oursRate = 0.0;
        for (var round = 0; round < 2; round++)
        {
            var offset = round * count;
            floorRate = best(floorRate, Measure(threads, count, _ => FloorLoop(floor)));
            oursRate = best(oursRate, Measure(threads, count, i => Ours(service, phones[offset + i])));
        }

        var ratio = oursRate / floorRate;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"throughput {algorithm}: {count} send+verify on {threads} threads"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  floor loop   {floorRate,12:F0} ops/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  service      {oursRate,12:F0} ops/s"));
        var budget = algorithm == "RS256" ? 0.90 : 0.70; // the budgets of docs/performance.md
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ratio        {ratio,12:F3}  (budget >= {budget:F2}: {(ratio >= budget ? "met" : "missed")})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT throughput {algorithm} floor_ops_s={floorRate:F0} service_ops_s={oursRate:F0} ratio={ratio:F3}"));
        return 0;
    }

    private static void Ours(VerificationService service, string phone)
    {
        var sent = Sync.Wait(service.SendAsync(new VerificationRequest(PhoneNumber: phone)));
        if (!sent.Succeeded)
        {
            throw new InvalidOperationException(sent.Error.ToString());
        }

        var verified = Sync.Wait(service.VerifyAsync(new VerifyRequest(sent.Value.VerificationId, CapturingSender.LastCode)));
        if (!verified.Succeeded)
        {
            throw new InvalidOperationException(verified.Error.ToString());
        }
    }

    private static void FloorLoop(Floor floor)
    {
        floor.Send(out var pending);
        floor.Verify(pending);
    }

    /// <summary>Runs <paramref name="work"/> for indexes 0..count-1 on <paramref name="threads"/> threads; returns ops/s.</summary>
    private static double Measure(int threads, int count, Action<int> work)
    {
        var next = -1;
        var workers = new Thread[threads];
        using var start = new ManualResetEventSlim();
        for (var t = 0; t < threads; t++)
        {
            workers[t] = new Thread(() =>
            {
                start.Wait();
                int i;
                while ((i = Interlocked.Increment(ref next)) < count)
                {
                    work(i);
                }
            });
            workers[t].Start();
        }

        var clock = Stopwatch.StartNew();
        start.Set();
        foreach (var worker in workers)
        {
            worker.Join();
        }

        return count / clock.Elapsed.TotalSeconds;
    }
}
