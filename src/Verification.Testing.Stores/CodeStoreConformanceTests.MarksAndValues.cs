namespace Verification.Testing.Stores;

/// <content>The rules of single-use marks and idempotency values.</content>
public abstract partial class CodeStoreConformanceTests
{
    /// <summary>A mark is used once until it expires, then may be used again.</summary>
    [Fact]
    public async Task TryUseOnce_FirstOnlyUntilExpiry()
    {
        var store = CreateStore();
        var expires = T0.AddMinutes(5);

        Assert.True(await store.TryUseOnceAsync("redeemed:a", expires, T0));
        Assert.False(await store.TryUseOnceAsync("redeemed:a", expires, T0.AddMinutes(1)));
        Assert.True(await store.TryUseOnceAsync("redeemed:b", expires, T0.AddMinutes(1)));
        Assert.False(await store.TryUseOnceAsync("redeemed:a", expires, expires.AddMilliseconds(-1)));
        Assert.True(await store.TryUseOnceAsync("redeemed:a", expires.AddHours(1), expires));
    }

    /// <summary>A mark whose guarded thing already expired is still kept a moment, so racing uses see each other.</summary>
    [Fact]
    public async Task TryUseOnce_AlreadyExpired_StillOnce()
    {
        var store = CreateStore();

        Assert.True(await store.TryUseOnceAsync("redeemed:late", T0.AddSeconds(-5), T0));
        Assert.False(await store.TryUseOnceAsync("redeemed:late", T0.AddSeconds(-5), T0));
    }

    /// <summary>A value is stored once; later adds return it; it is forgotten at its expiry.</summary>
    [Fact]
    public async Task GetOrAddValue_KeepsFirstUntilExpiry()
    {
        var store = CreateStore();
        var expires = T0.AddMinutes(1);

        Assert.Null(await store.GetValueAsync("idem:k", T0));
        Assert.Equal("first", await store.GetOrAddValueAsync("idem:k", "first", expires, T0));
        Assert.Equal("first", await store.GetOrAddValueAsync("idem:k", "second", expires, T0.AddSeconds(30)));
        Assert.Equal("first", await store.GetValueAsync("idem:k", T0.AddSeconds(59)));
        Assert.Null(await store.GetValueAsync("idem:k", expires));
        Assert.Equal("third", await store.GetOrAddValueAsync("idem:k", "third", expires.AddMinutes(1), expires));
        Assert.Equal("third", await store.GetValueAsync("idem:k", expires));
    }

    /// <summary>RemoveValue deletes only the value it names (compare and delete); the key is free again at once.</summary>
    [Fact]
    public async Task RemoveValue_OnlyTheExpectedValue_FreesTheKey()
    {
        var store = CreateStore();
        var expires = T0.AddMinutes(1);
        await store.GetOrAddValueAsync("idem:r", "mine", expires, T0);

        await store.RemoveValueAsync("idem:r", "someone-else", T0);
        Assert.Equal("mine", await store.GetValueAsync("idem:r", T0));

        await store.RemoveValueAsync("idem:r", "mine", T0);
        Assert.Null(await store.GetValueAsync("idem:r", T0));
        Assert.Equal("next", await store.GetOrAddValueAsync("idem:r", "next", expires, T0));
        await store.RemoveValueAsync("idem:never", "x", T0);
        Assert.Null(await store.GetValueAsync("idem:never", T0));
    }

    /// <summary>Values keep any text, unicode and JSON included.</summary>
    [Fact]
    public async Task GetOrAddValue_ArbitraryText_RoundTrips()
    {
        var store = CreateStore();
        const string value = "{\"verification_id\":\"ä→\\u0000 验证\"}";

        await store.GetOrAddValueAsync("idem:json", value, T0.AddMinutes(1), T0);

        Assert.Equal(value, await store.GetValueAsync("idem:json", T0));
    }
}
