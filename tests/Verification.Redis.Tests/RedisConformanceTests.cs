using StackExchange.Redis;
using Verification.Testing.Stores;

namespace Verification.Redis.Tests;

/// <summary>The store conformance suite against a single Redis node.</summary>
[Trait("Requires", "redis")]
public sealed class RedisSingleNodeConformanceTests : LiveCodeStoreConformanceTests
{
    protected override ICodeStore CreateStore() => new RedisCodeStore(RedisTestServers.Single, RedisTestServers.UniqueOptions());

    protected override Task AssertEverythingExpiresAsync(ICodeStore store, DateTimeOffset now, TimeSpan longest) =>
        RedisTestServers.AssertAllKeysExpireAsync(RedisTestServers.Single, ((RedisCodeStore)store).Prefix, longest);
}

/// <summary>The store conformance suite against a 3-master Redis Cluster.</summary>
[Trait("Requires", "redis")]
public sealed class RedisClusterConformanceTests : LiveCodeStoreConformanceTests
{
    protected override ICodeStore CreateStore() => new RedisCodeStore(RedisTestServers.Cluster, RedisTestServers.UniqueOptions());

    protected override Task AssertEverythingExpiresAsync(ICodeStore store, DateTimeOffset now, TimeSpan longest) =>
        RedisTestServers.AssertAllKeysExpireAsync(RedisTestServers.Cluster, ((RedisCodeStore)store).Prefix, longest);

    [Fact]
    public void Cluster_HasThreeMasters()
    {
        var masters = RedisTestServers.Cluster.GetEndPoints().Select(e => RedisTestServers.Cluster.GetServer(e)).Count(s => s.IsConnected && !s.IsReplica);
        Assert.Equal(3, masters);
        Assert.Equal(ServerType.Cluster, RedisTestServers.Cluster.GetServer(RedisTestServers.Cluster.GetEndPoints()[0]).ServerType);
    }
}
