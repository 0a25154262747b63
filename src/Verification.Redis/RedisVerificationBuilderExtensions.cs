using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Verification;
using Verification.Redis;
using Verification.Shared;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Puts Verification's codes, attempts, counters and marks in Redis.</summary>
public static class RedisVerificationBuilderExtensions
{
    /// <summary>
    /// Uses the Redis store, with <see cref="RedisStoreOptions"/> bound from the <c>Verification:Redis</c>
    /// configuration section (<c>Configuration</c> is required) and validated at start. The store owns its
    /// connection. Calling it again is harmless; the last <c>UseRedisStore</c> call chooses the connection.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IVerificationBuilder UseRedisStore(this IVerificationBuilder builder) => UseCore(builder, null, null);

    /// <summary>
    /// Uses the Redis store (see <see cref="UseRedisStore(IVerificationBuilder)"/>), with options set in code after
    /// the <c>Verification:Redis</c> section is bound.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options; runs after configuration binding, so it wins.</param>
    /// <returns>The builder.</returns>
    public static IVerificationBuilder UseRedisStore(this IVerificationBuilder builder, Action<RedisStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return UseCore(builder, null, configure);
    }

    /// <summary>
    /// Uses the Redis store on the app's own multiplexer (the store never disposes it). <c>KeyPrefix</c> and
    /// <c>Database</c> still come from <c>Verification:Redis</c>; <c>Configuration</c> is not needed. Create the
    /// multiplexer with <c>AbortOnConnectFail = false</c> so that it reconnects by itself.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="multiplexer">The app's connection to Redis.</param>
    /// <returns>The builder.</returns>
    public static IVerificationBuilder UseRedisStore(this IVerificationBuilder builder, IConnectionMultiplexer multiplexer)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(multiplexer);
        return builder.UseRedisStore(_ => multiplexer);
    }

    /// <summary>
    /// Uses the Redis store on a multiplexer the app resolves, for example one it registered itself
    /// (<c>sp =&gt; sp.GetRequiredService&lt;IConnectionMultiplexer&gt;()</c>); called once, and never disposed by the store.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="multiplexerFactory">Returns the app's connection to Redis.</param>
    /// <returns>The builder.</returns>
    public static IVerificationBuilder UseRedisStore(this IVerificationBuilder builder, Func<IServiceProvider, IConnectionMultiplexer> multiplexerFactory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(multiplexerFactory);
        return UseCore(builder, multiplexerFactory, null);
    }

    /// <summary>
    /// Adds <see cref="RedisCodeStoreHealthCheck"/>: a PING through the Redis store's connection. Needs
    /// <c>AddVerification().UseRedisStore(…)</c>.
    /// </summary>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">The status reported when Redis does not answer; defaults to unhealthy.</param>
    /// <param name="tags">More tags to filter checks by; the check is always tagged <c>verification</c>.</param>
    /// <param name="timeout">How long the check may take; defaults to none beyond the connection's own timeouts.</param>
    /// <returns>The health checks builder.</returns>
    public static IHealthChecksBuilder AddVerificationRedis(
        this IHealthChecksBuilder builder,
        string name = "verification-redis",
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null,
        TimeSpan? timeout = null)
    {
        return HealthCheckTags.Register(
            builder,
            name,
            static sp => new RedisCodeStoreHealthCheck(sp.GetService<RedisCodeStore>()
                ?? throw new InvalidOperationException("AddVerificationRedis() needs the Redis store: call services.AddVerification().UseRedisStore(…).")),
            failureStatus,
            tags,
            timeout);
    }

    /// <summary>The store registered once, the connection chosen by this call (the last call wins).</summary>
    private static IVerificationBuilder UseCore(
        IVerificationBuilder builder, Func<IServiceProvider, IConnectionMultiplexer>? multiplexerFactory, Action<RedisStoreOptions>? configure)
    {
        AdapterRegistration.Add<RedisStoreOptions, RedisStoreOptionsValidator>(builder, RedisStoreOptions.SectionName, Bind, RegisterOnce, configure);
        builder.Services.Replace(ServiceDescriptor.Singleton(new RedisConnectionChoice(multiplexerFactory)));
        return builder;
    }

    private static void RegisterOnce(IServiceCollection services)
    {
        services.TryAddSingleton(static sp => sp.GetRequiredService<RedisConnectionChoice>().Factory is { } factory
            ? RedisConnectionSource.Shared(factory(sp) ?? throw new InvalidOperationException("The multiplexer factory given to UseRedisStore(…) returned null."))
            : RedisConnectionSource.Owned(sp.GetRequiredService<IOptions<RedisStoreOptions>>().Value));
        services.TryAddSingleton(static sp =>
        {
            // Defaults that follow the engine's options: the prefix names the project, the key-name secret derives from
            // the hash key. Configured but not validated here: the engine's own validation reports bad options.
            var verification = ConfiguredVerificationOptions(sp);
            var hashKey = verification.Tokens?.HashKey is { } configured ? RedisCodeStore.TryDecodeSecret(configured) : null;
            return new RedisCodeStore(
                sp.GetRequiredService<RedisConnectionSource>().GetAsync,
                sp.GetRequiredService<IOptions<RedisStoreOptions>>().Value,
                RedisCodeStore.DefaultKeyPrefixFor(verification.ProjectId),
                hashKey is { Length: > 0 } ? RedisCodeStore.DeriveKeyNameSecret(hashKey) : null);
        });
        services.Replace(ServiceDescriptor.Singleton<ICodeStore>(static sp => sp.GetRequiredService<RedisCodeStore>()));
    }

    /// <summary>The engine's options as configured (every configure and post-configure step), without their validation.</summary>
    private static VerificationOptions ConfiguredVerificationOptions(IServiceProvider sp)
    {
        var options = new VerificationOptions();
        foreach (var configure in sp.GetServices<IConfigureOptions<VerificationOptions>>())
        {
            if (configure is IConfigureNamedOptions<VerificationOptions> named)
            {
                named.Configure(Microsoft.Extensions.Options.Options.DefaultName, options);
            }
            else
            {
                configure.Configure(options);
            }
        }

        foreach (var postConfigure in sp.GetServices<IPostConfigureOptions<VerificationOptions>>())
        {
            postConfigure.PostConfigure(Microsoft.Extensions.Options.Options.DefaultName, options);
        }

        return options;
    }

    /// <summary>Reads the <c>Verification:Redis</c> keys.</summary>
    private static void Bind(ConfigurationReader section, RedisStoreOptions options)
    {
        options.Configuration = section.String("Configuration") ?? options.Configuration;
        options.KeyPrefix = section.String("KeyPrefix") ?? options.KeyPrefix;
        options.Database = section.Int("Database") ?? options.Database;
        options.Timeout = section.TimeSpan("Timeout") ?? options.Timeout;
        options.KeyNameSecret = section.String("KeyNameSecret") ?? options.KeyNameSecret;
    }
}
