namespace Verification.Testing.Stores;

/// <summary>
/// Every <see cref="ICodeStore"/> rule, as xunit tests. A store implementation derives a test class from this one and
/// implements <see cref="CreateStore"/>; the same rules then run against it (the in-memory store, Redis single node
/// and Redis Cluster run them in this repository).
/// </summary>
/// <remarks>
/// Times are on a fixed timeline (<see cref="T0"/>) passed to the store, never the wall clock: a store must take time
/// from its caller. Each test calls <see cref="CreateStore"/> once and must own everything it writes, so a shared
/// server needs a fresh key prefix per store.
/// </remarks>
public abstract partial class CodeStoreConformanceTests
{
    /// <summary>The start of every test's timeline (whole seconds, so millisecond stores are exact).</summary>
    protected static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private const string Contact = "+8615588665555";
    private const int MaxAttempts = 5;
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private static readonly byte[] RightHash = Hash(1);
    private static readonly byte[] WrongHash = Hash(2);
    private static readonly RateCharge AmpleBudget = new("failures:" + Contact, 1_000_000, TimeSpan.FromDays(1));

    /// <summary>How many callers race in the concurrency tests.</summary>
    protected virtual int Concurrency => 50;

    /// <summary>Creates an empty store, owned by one test.</summary>
    /// <returns>The store under test.</returns>
    protected abstract ICodeStore CreateStore();

    /// <summary>
    /// Asserts that nothing the test wrote outlives <paramref name="now"/> + <paramref name="longest"/>: by default by
    /// looking (records, marks and values are gone at that time); stores that can see their own memory should also
    /// check it is reclaimed (for example, that every key has a time to live).
    /// </summary>
    /// <param name="store">The store the test used.</param>
    /// <param name="now">When the test's last write happened.</param>
    /// <param name="longest">The longest lifetime the test gave anything.</param>
    /// <returns>A task.</returns>
    protected virtual Task AssertEverythingExpiresAsync(ICodeStore store, DateTimeOffset now, TimeSpan longest) => Task.CompletedTask;

    /// <summary>Saves a record for <paramref name="contact"/> whose code hashes to the "right" hash.</summary>
    /// <param name="store">The store.</param>
    /// <param name="charges">The charges; none by default.</param>
    /// <param name="at">The time; <see cref="T0"/> by default.</param>
    /// <param name="contact">The contact.</param>
    /// <returns>The saved record.</returns>
    protected static async Task<CodeRecord> SaveAsync(ICodeStore store, RateCharge[]? charges = null, DateTimeOffset? at = null, string contact = Contact)
    {
        var now = at ?? T0;
        var record = NewRecord(now, contact);
        var outcome = await store.SaveAsync(record, charges ?? [], false, now);
        Assert.Equal(SaveStatus.Saved, outcome.Status);
        return record;
    }

    /// <summary>A new record expiring one lifetime after <paramref name="now"/>.</summary>
    /// <param name="now">The time of the save.</param>
    /// <param name="contact">The contact.</param>
    /// <returns>The record.</returns>
    protected static CodeRecord NewRecord(DateTimeOffset now, string contact = Contact) => new()
    {
        Id = Guid.NewGuid(),
        ContactKey = contact,
        CodeHash = RightHash,
        ExpiresAt = now + Lifetime,
    };

    private static ValueTask<SaveOutcome> SaveChargedAsync(ICodeStore store, RateCharge charge, DateTimeOffset now) =>
        store.SaveAsync(NewRecord(now, "x" + Guid.NewGuid().ToString("N") + "@example.com"), [charge], false, now);

    private async Task<T[]> RaceAsync<T>(Func<int, Task<T>> call)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, Concurrency).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await call(i);
        })).ToArray();
        start.SetResult();
        return await Task.WhenAll(tasks);
    }

    private static byte[] Hash(byte seed)
    {
        var hash = new byte[32];
        Array.Fill(hash, seed);
        hash[31] = 0; // a NUL byte: stores must keep hashes as bytes, not C strings
        return hash;
    }
}
