using System.Globalization;
using System.Security.Cryptography;

namespace Verification.Benchmarks;

/// <summary>
/// Budget 7: the managed memory the in-memory store holds per pending record with <c>records</c> records live, and what
/// is left after they expire (the next store operation sweeps them). Measured twice: records saved as the service saves
/// them but with no rate-limit charges (the record alone), and whole sends through the service (the record plus its
/// per-contact counters: daily, cooldown, burst, number prefix).
/// </summary>
internal static class StoreMemory
{
    public static int Run(int records)
    {
        var hashKey = RandomNumberGenerator.GetBytes(32);
        var clock = new ManualClock();
        var store = new InMemoryCodeStore();
        var baseline = Heap();
        var now = clock.GetUtcNow();
        for (var i = 0; i < records; i++)
        {
            // What the service hands the store: a fresh contact key and a fresh 32-byte keyed hash per record.
            var id = Guid.NewGuid();
            var record = new CodeRecord
            {
                Id = id,
                ContactKey = Setup.Phone(i).Replace(" ", string.Empty, StringComparison.Ordinal),
                CodeHash = HMACSHA256.HashData(hashKey, id.ToByteArray()),
                ExpiresAt = now + TimeSpan.FromMinutes(10),
            };
            Sync.Wait(store.SaveAsync(record, [], waiveSoftLimits: false, now));
        }

        var live = Heap();
        clock.Advance(TimeSpan.FromMinutes(11));
        Sync.Wait(store.GetValueAsync("sweep", clock.GetUtcNow()));
        var after = Heap();
        Report("record", records, baseline, live, after, store.Count);

        // Whole sends (HS256) through the service: the record and the counters each send charges (at most 100,000:
        // this part has no budget, and a million sends take minutes on a busy machine).
        records = Math.Min(records, 100_000);
        var keys = new Keys();
        var sends = new InMemoryCodeStore();
        var service = Setup.Service("HS256", keys, sends, clock, new CapturingSender());
        var phones = Setup.Phones(records);
        baseline = Heap();
        foreach (var phone in phones)
        {
            var sent = Sync.Wait(service.SendAsync(new VerificationRequest(PhoneNumber: phone)));
            if (!sent.Succeeded)
            {
                throw new InvalidOperationException(sent.Error.ToString());
            }
        }

        live = Heap();
        clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        Sync.Wait(sends.GetValueAsync("sweep", clock.GetUtcNow()));
        after = Heap();
        Report("send", records, baseline, live, after, sends.Count);
        GC.KeepAlive(phones);
        GC.KeepAlive(service);
        return 0;
    }

    private static void Report(string kind, int records, long baseline, long live, long after, int left)
    {
        var perRecord = (double)(live - baseline) / records;
        var retained = after - baseline;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"memory per pending {kind}: {perRecord:F1} bytes with {records:N0} live ({(live - baseline) / 1048576.0:F1} MiB); after expiry {retained / 1048576.0:F2} MiB retained, {left} entries left"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT memory {kind} bytes_per_record={perRecord:F1} records={records} live_bytes={live - baseline} after_expiry_bytes={retained} entries_left={left}"));
    }

    private static long Heap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
