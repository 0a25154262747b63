using StackExchange.Redis;

namespace Verification;

/// <summary>Where the store's multiplexer comes from: its own (created on first use, disposed with the container) or the app's.</summary>
internal sealed class RedisConnectionSource : IAsyncDisposable, IDisposable
{
    private readonly Lazy<Task<IConnectionMultiplexer>> _connection;
    private readonly bool _owned;

    private RedisConnectionSource(Func<Task<IConnectionMultiplexer>> connect, bool owned)
    {
        _connection = new Lazy<Task<IConnectionMultiplexer>>(connect, LazyThreadSafetyMode.ExecutionAndPublication);
        _owned = owned;
    }

    public static RedisConnectionSource Shared(IConnectionMultiplexer multiplexer) => new(() => Task.FromResult(multiplexer), owned: false);

    public static RedisConnectionSource Owned(RedisStoreOptions options)
    {
        var configuration = ConfigurationOptions.Parse(options.Configuration ?? throw new InvalidOperationException(RedisStoreOptionsValidator.MissingConfiguration));

        // Start while Redis is down and keep reconnecting: calls fail (unavailable) until Redis answers again.
        configuration.AbortOnConnectFail = false;
        return new(async () => await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false), owned: true);
    }

    public Task<IConnectionMultiplexer> GetAsync() => _connection.Value;

    public void Dispose()
    {
        if (_owned && _connection.IsValueCreated && _connection.Value.IsCompletedSuccessfully)
        {
            _connection.Value.Result.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_owned && _connection.IsValueCreated && _connection.Value.IsCompletedSuccessfully)
        {
            await _connection.Value.Result.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>The last <c>UseRedisStore</c> call's choice: the app's multiplexer factory, or null for the store's own connection.</summary>
/// <param name="Factory">Returns the app's multiplexer.</param>
internal sealed record RedisConnectionChoice(Func<IServiceProvider, IConnectionMultiplexer>? Factory);
