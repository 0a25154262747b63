using StackExchange.Redis;

namespace Verification.Redis;

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
        var configuration = Configure(options);
        return new(async () => await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false), owned: true);
    }

    /// <summary>The connection options of the store's own multiplexer.</summary>
    internal static ConfigurationOptions Configure(RedisStoreOptions options)
    {
        var text = options.Configuration ?? throw new InvalidOperationException(RedisStoreOptionsValidator.MissingConfiguration);
        var configuration = ConfigurationOptions.Parse(text);

        // Start while Redis is down and keep reconnecting: calls fail (unavailable) until Redis answers again, at once
        // rather than after the backlog's wait, and no operation waits longer than the store's Timeout.
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        var timeout = (int)Math.Ceiling(options.Timeout.TotalMilliseconds);
        if (!Sets(text, "connectTimeout"))
        {
            configuration.ConnectTimeout = timeout;
        }

        if (!Sets(text, "syncTimeout"))
        {
            configuration.SyncTimeout = timeout;
        }

        if (!Sets(text, "asyncTimeout"))
        {
            configuration.AsyncTimeout = timeout;
        }

        return configuration;
    }

    /// <summary>Whether the connection string sets <paramref name="key"/> itself.</summary>
    private static bool Sets(string configuration, string key) =>
        configuration.Split(',').Any(part => part.TrimStart().StartsWith(key + "=", StringComparison.OrdinalIgnoreCase));

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
