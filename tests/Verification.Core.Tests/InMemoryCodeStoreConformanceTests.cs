using Verification.Testing.Stores;

namespace Verification.Tests;

/// <summary>The store conformance suite against <see cref="InMemoryCodeStore"/>.</summary>
public sealed class InMemoryCodeStoreConformanceTests : LiveCodeStoreConformanceTests
{
    protected override ICodeStore CreateStore() => new InMemoryCodeStore();

    protected override async Task AssertEverythingExpiresAsync(ICodeStore store, DateTimeOffset now, TimeSpan longest)
    {
        var memory = (InMemoryCodeStore)store;
        Assert.NotEqual(0, memory.Count);

        // Any operation reclaims what expired before it.
        await memory.GetValueAsync("sweep", now + longest);

        Assert.Equal(0, memory.Count);
    }
}
