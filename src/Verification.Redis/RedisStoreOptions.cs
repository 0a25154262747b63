namespace Verification.Redis;

/// <summary>
/// Options of the Redis store, bound from the <c>Verification:Redis</c> configuration section.
/// </summary>
public sealed class RedisStoreOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Verification:Redis";

    /// <summary>
    /// The StackExchange.Redis connection string, for example <c>127.0.0.1:6379</c> or
    /// <c>redis1:6379,redis2:6379,password=…,ssl=true</c>. Required unless the app passes its own multiplexer.
    /// <c>abortConnect=false</c> is always applied, so the app starts while Redis is down and reconnects by itself.
    /// </summary>
    /// <value>No default.</value>
    public string? Configuration { get; set; }

    /// <summary>
    /// The prefix of every key, used as the cluster hash tag: keys look like <c>{verification-shop}:rec:…</c>, so all
    /// keys of one deployment live in one slot. Deployments sharing one Redis use different prefixes. May not contain
    /// <c>{</c> or <c>}</c>.
    /// </summary>
    /// <value>
    /// Default null: <c>verification-</c> followed by <c>Verification:ProjectId</c> (braces replaced by <c>_</c>), so
    /// two projects on one Redis never share counters; <c>verification</c> for a store made with its constructor.
    /// </value>
    public string? KeyPrefix { get; set; }

    /// <summary>
    /// The HMAC-SHA256 key, base64 of at least 32 bytes, that hashes the variable part of key names (contacts,
    /// client addresses, device ids, token ids): Redis then holds no phone number or email in clear, in key names,
    /// <c>KEYS</c>/<c>SCAN</c> output, slow logs or backups. Every instance of a deployment must use the same one.
    /// </summary>
    /// <value>
    /// Default null: derived from <c>Verification:Tokens:HashKey</c> (random per process when that is unset, which
    /// only development allows); random per store for a store made with its constructor.
    /// </value>
    public string? KeyNameSecret { get; set; }

    /// <summary>
    /// How long one store operation may wait for Redis: applied as the connection's <c>connectTimeout</c>,
    /// <c>syncTimeout</c> and <c>asyncTimeout</c> (unless <see cref="Configuration"/> sets them), and commands fail at
    /// once while the connection is down instead of queuing. So with Redis down a send or verify answers
    /// <c>unavailable</c> (503) within about this long instead of waiting for the client's 5 s default. 100 ms to 1 minute.
    /// </summary>
    /// <value>Defaults to 1 second.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The database number (Redis Cluster has database 0 only).</summary>
    /// <value>Defaults to -1: the connection string's <c>defaultDatabase</c>, otherwise 0.</value>
    public int Database { get; set; } = -1;
}
