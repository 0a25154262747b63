namespace Verification;

/// <summary>The default in-memory store (<c>Verification:InMemoryStore</c>).</summary>
public sealed class InMemoryStoreOptions
{
    /// <summary>
    /// The most records, counters, single-use marks and idempotency values the store holds; past it, sends answer
    /// <c>unavailable</c> (reason <c>store_unavailable</c>) instead of the process growing without bound, while codes
    /// already sent still verify. A send takes about 5–8 entries.
    /// </summary>
    /// <value>Default 1000000 (roughly 150–250 MB). 1000–100000000.</value>
    public int MaxEntries { get; set; } = InMemoryCodeStore.DefaultMaxEntries;
}
