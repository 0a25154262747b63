using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace Verification.Tests;

/// <summary><c>AddVerificationStore()</c>: one read of a key that never exists, through whatever store is registered.</summary>
public sealed class StoreHealthCheckTests
{
    [Fact]
    public async Task AddVerificationStore_InMemoryStore_HealthyTaggedVerification()
    {
        await using var provider = Build(null);

        var entry = Assert.Single((await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries);

        Assert.Equal("verification-store", entry.Key);
        Assert.Equal(HealthStatus.Healthy, entry.Value.Status);
        Assert.Contains("InMemoryCodeStore", entry.Value.Description, StringComparison.Ordinal);
        Assert.Equal(["verification"], entry.Value.Tags);
    }

    [Fact]
    public async Task AddVerificationStore_StoreThrows_UnhealthyWithTheError()
    {
        var store = Substitute.For<ICodeStore>();
        store.GetValueAsync(Arg.Any<string>(), Arg.Any<DateTimeOffset>(), Arg.Any<CancellationToken>()).Throws(new TimeoutException("store down"));
        await using var provider = Build(store);

        var entry = Assert.Single((await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries).Value;

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.IsType<TimeoutException>(entry.Exception);
        await store.Received(1).GetValueAsync(Arg.Any<string>(), Arg.Any<DateTimeOffset>(), Arg.Any<CancellationToken>());
    }

    private static ServiceProvider Build(ICodeStore? store)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddVerification(o => o.Tokens.AllowEphemeralKey = true);
        if (store is not null)
        {
            services.AddSingleton(store);
        }

        services.AddHealthChecks().AddVerificationStore();
        return services.BuildServiceProvider();
    }
}
