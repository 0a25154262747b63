using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Verification.Redis;

/// <summary>
/// An <see cref="ICodeStore"/> on Redis, shared by every instance of a deployment. Every operation is one Lua
/// script, sent by EVALSHA (and by EVAL once after a server restart or <c>SCRIPT FLUSH</c> answers NOSCRIPT): one
/// round trip, atomic on the server.
/// </summary>
/// <remarks>
/// <para>
/// <b>Keys and Redis Cluster.</b> Every key carries one hash tag per deployment, <c>{KeyPrefix}</c>:
/// <c>{verification-default}:rec:&lt;record id&gt;</c> (the record: keyed hash, contact pointer, expiry, attempts, state),
/// <c>…:live:&lt;hash&gt;</c> (the contact's live record), <c>…:rc:&lt;kind&gt;:&lt;hash&gt;</c>
/// (a rate-limit window), <c>…:once:&lt;kind&gt;:&lt;hash&gt;</c> (a single-use mark) and
/// <c>…:val:&lt;kind&gt;:&lt;hash&gt;</c> (an idempotency value), where <c>&lt;hash&gt;</c> is a keyed hash of the
/// contact, address, device id or key (<see cref="RedisStoreOptions.KeyNameSecret"/>), never the value in clear. All keys of a deployment therefore live in one
/// cluster slot, so a send (record, previous record, contact pointer and every counter, global ones included) and
/// a verify stay one script each and work unchanged on a single Redis server and on a Redis Cluster.
/// </para>
/// <para>
/// <b>Capacity.</b> One slot means one master serves the deployment: thousands of sends and verifies per second
/// even on a small machine (the benchmarks' <c>redis-ceiling</c> measures it; a save runs 27 commands inside Redis, an
/// attempt 5), far above any SMS or email budget, and the keys are small (a record is about 150 bytes). The cluster still gives replication, failover and a managed home. A deployment that outgrows
/// one node can run several deployments (prefixes) side by side.
/// </para>
/// <para>
/// <b>Time.</b> Every decision compares times stored in the keys with the caller's clock (milliseconds), never
/// Redis's; key TTLs are set from the same times and only reclaim memory. Every key has a TTL.
/// </para>
/// <para>
/// <b>Faults.</b> When Redis is unreachable or times out, operations throw (<see cref="RedisException"/>,
/// <see cref="TimeoutException"/>), which the engine answers with <c>unavailable</c>: nothing is sent and nothing
/// verified. StackExchange.Redis reconnects by itself, and the store works again as soon as Redis answers.
/// </para>
/// <para>
/// <b>Hash comparison.</b> Lua compares the stored and presented hashes as strings, which is not constant-time.
/// Both are HMAC-SHA256 values keyed with <c>Tokens:HashKey</c> and bound to the record id, so comparison timing
/// leaks nothing useful about the code.
/// </para>
/// </remarks>
public sealed class RedisCodeStore : ICodeStore, ILiveCodeStore
{
    private const long MaxTtlMilliseconds = 100L * 366 * 24 * 3600 * 1000;

    private readonly Func<Task<IConnectionMultiplexer>> _connection;
    private readonly int _database;
    private readonly string _prefix;
    private readonly byte[] _keyNameSecret;
    private Task<IConnectionMultiplexer>? _connected;

    /// <summary>Creates a store on an existing multiplexer (the app's own; the store never disposes it).</summary>
    /// <param name="multiplexer">The connection to Redis.</param>
    /// <param name="options">The key prefix and database; defaults when null.</param>
    public RedisCodeStore(IConnectionMultiplexer multiplexer, RedisStoreOptions? options = null)
        : this(() => Task.FromResult(multiplexer ?? throw new ArgumentNullException(nameof(multiplexer))), options ?? new RedisStoreOptions())
    {
        ArgumentNullException.ThrowIfNull(multiplexer);
    }

    internal RedisCodeStore(Func<Task<IConnectionMultiplexer>> connection, RedisStoreOptions options, string defaultKeyPrefix = DefaultKeyPrefix, byte[]? defaultKeyNameSecret = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _connection = connection;
        _database = options.Database;
        _prefix = KeyPrefixFor(options.KeyPrefix ?? defaultKeyPrefix);
        _keyNameSecret = options.KeyNameSecret is { } configured
            ? TryDecodeSecret(configured) is { Length: >= 32 } secret ? secret : throw new ArgumentException("Verification:Redis:KeyNameSecret must be base64 of at least 32 bytes.", nameof(options))
            : defaultKeyNameSecret ?? RandomNumberGenerator.GetBytes(32);
    }

    /// <summary>The key prefix of a store made with its constructor and no <see cref="RedisStoreOptions.KeyPrefix"/>.</summary>
    internal const string DefaultKeyPrefix = "verification";

    /// <summary>The default key prefix of a project: <c>verification-&lt;ProjectId&gt;</c>, braces replaced.</summary>
    internal static string DefaultKeyPrefixFor(string? projectId) =>
        string.IsNullOrEmpty(projectId) ? DefaultKeyPrefix : DefaultKeyPrefix + "-" + projectId.Replace('{', '_').Replace('}', '_');

    /// <summary>The key-name secret derived from the code hash key, so that one configured secret serves both without being reused as is.</summary>
    internal static byte[] DeriveKeyNameSecret(ReadOnlySpan<byte> hashKey) =>
        HMACSHA256.HashData(hashKey, "Verification.Redis key names"u8);

    internal static byte[]? TryDecodeSecret(string value)
    {
        var buffer = new byte[(value.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(value.Trim(), buffer, out var written) ? buffer[..written] : null;
    }

    /// <summary>The text every key starts with, hash tag included: <c>{KeyPrefix}:</c>.</summary>
    internal string Prefix => _prefix;

    /// <inheritdoc />
    public async ValueTask<SaveOutcome> SaveAsync(CodeRecord record, IReadOnlyList<RateCharge> charges, bool waiveSoftLimits, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(charges);
        var nowMs = Milliseconds(now);
        var keys = new RedisKey[2 + charges.Count];
        keys[0] = RecordKey(record.Id);
        keys[1] = Name("live:", record.ContactKey);
        var args = new RedisValue[7 + (4 * charges.Count)];
        args[0] = nowMs;
        args[1] = waiveSoftLimits ? 1 : 0;
        args[2] = record.CodeHash;
        args[3] = Until(record.ExpiresAt, nowMs);
        args[4] = RecordId(record.Id);
        args[5] = _prefix;
        args[6] = charges.Count;
        for (var i = 0; i < charges.Count; i++)
        {
            var charge = charges[i];
            keys[2 + i] = CounterKey(charge);
            args[7 + (4 * i)] = charge.Limit;
            args[8 + (4 * i)] = Window(charge.Window);
            args[9 + (4 * i)] = charge.Amount;
            args[10 + (4 * i)] = charge.Kind == RateLimitKind.Soft ? "1" : "0";
        }

        var result = (RedisResult[])(await EvaluateAsync(RedisScripts.Save, keys, args, cancellationToken).ConfigureAwait(false))!;
        var status = (int)result[0];
        if (status == 0)
        {
            return SaveOutcome.Saved;
        }

        var refusedBy = charges[(int)result[1]];
        var retryAfter = TimeSpan.FromMilliseconds((long)result[2]);
        return new SaveOutcome(status == 1 ? SaveStatus.RateLimited : SaveStatus.CaptchaRequired, refusedBy, retryAfter);
    }

    /// <inheritdoc />
    /// <param name="charges">The counters to add to.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the counters are added.</returns>
    public async ValueTask ChargeAsync(IReadOnlyList<RateCharge> charges, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(charges);
        if (charges.Count == 0)
        {
            return;
        }

        var keys = new RedisKey[charges.Count];
        var args = new RedisValue[1 + (2 * charges.Count)];
        args[0] = Milliseconds(now);
        for (var i = 0; i < charges.Count; i++)
        {
            keys[i] = CounterKey(charges[i]);
            args[1 + (2 * i)] = Window(charges[i].Window);
            args[2 + (2 * i)] = charges[i].Amount;
        }

        await EvaluateAsync(RedisScripts.Charge, keys, args, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <param name="charges">The charges whose counters to read.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>One counter per charge, in order.</returns>
    public async ValueTask<IReadOnlyList<RateCounter>> ReadCountersAsync(IReadOnlyList<RateCharge> charges, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(charges);
        if (charges.Count == 0)
        {
            return [];
        }

        var names = new RedisKey[charges.Count];
        for (var i = 0; i < charges.Count; i++)
        {
            names[i] = CounterKey(charges[i]);
        }

        var result = (RedisResult[])(await EvaluateAsync(RedisScripts.ReadCounters, names, [Milliseconds(now)], cancellationToken).ConfigureAwait(false))!;
        var counters = new RateCounter[charges.Count];
        for (var i = 0; i < counters.Length; i++)
        {
            counters[i] = new RateCounter((long)result[2 * i], TimeSpan.FromMilliseconds((long)result[(2 * i) + 1]));
        }

        return counters;
    }

    /// <inheritdoc />
    public async ValueTask<AttemptOutcome> AttemptAsync(Guid recordId, ReadOnlyMemory<byte> presentedHash, int maxAttempts, RateCharge failureCharge, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        RedisKey[] keys = [RecordKey(recordId), CounterKey(failureCharge)];
        RedisValue[] args =
        [
            Milliseconds(now),
            presentedHash,
            maxAttempts,
            RecordId(recordId),
            failureCharge.Limit,
            Window(failureCharge.Window),
            failureCharge.Amount,
        ];
        var result = (RedisResult[])(await EvaluateAsync(RedisScripts.Attempt, keys, args, cancellationToken).ConfigureAwait(false))!;
        return new AttemptOutcome((AttemptStatus)(int)result[0], (int)result[1], TimeSpan.FromMilliseconds((long)result[2]));
    }

    /// <inheritdoc />
    public async ValueTask ReleaseAsync(CodeRecord record, IReadOnlyList<RateCharge> charges, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(charges);
        var keys = new RedisKey[2 + charges.Count];
        var args = new RedisValue[3 + charges.Count];
        keys[0] = RecordKey(record.Id);
        keys[1] = Name("live:", record.ContactKey);
        args[0] = Milliseconds(now);
        args[1] = RecordId(record.Id);
        args[2] = _prefix;
        for (var i = 0; i < charges.Count; i++)
        {
            keys[2 + i] = CounterKey(charges[i]);
            args[3 + i] = charges[i].Amount;
        }

        await EvaluateAsync(RedisScripts.Release, keys, args, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<Guid?> FindLiveRecordAsync(string contactKey, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contactKey);
        RedisKey[] keys = [Name("live:", contactKey)];
        RedisValue[] args = [Milliseconds(now), _prefix];
        var result = await EvaluateAsync(RedisScripts.FindLive, keys, args, cancellationToken).ConfigureAwait(false);
        return result.IsNull || !Guid.TryParseExact((string?)result, "N", out var id) ? null : id;
    }

    /// <inheritdoc />
    public async ValueTask<bool> TryUseOnceAsync(string key, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var nowMs = Milliseconds(now);
        RedisKey[] keys = [Name("once:", key)];
        RedisValue[] args = [nowMs, Until(expiresAt, nowMs)];
        var result = await EvaluateAsync(RedisScripts.UseOnce, keys, args, cancellationToken).ConfigureAwait(false);
        return (int)result == 1;
    }

    /// <inheritdoc />
    public async ValueTask<string> GetOrAddValueAsync(string key, string value, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        var nowMs = Milliseconds(now);
        RedisKey[] keys = [Name("val:", key)];
        RedisValue[] args = [nowMs, value, Until(expiresAt, nowMs)];
        var result = await EvaluateAsync(RedisScripts.GetOrAdd, keys, args, cancellationToken).ConfigureAwait(false);
        return (string)result!;
    }

    /// <inheritdoc />
    public async ValueTask<string?> GetValueAsync(string key, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        RedisKey[] keys = [Name("val:", key)];
        RedisValue[] args = [Milliseconds(now)];
        var result = await EvaluateAsync(RedisScripts.GetValue, keys, args, cancellationToken).ConfigureAwait(false);
        return result.IsNull ? null : (string?)result;
    }

    /// <inheritdoc />
    public async ValueTask RemoveValueAsync(string key, string value, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        RedisKey[] keys = [Name("val:", key)];
        RedisValue[] args = [value];
        await EvaluateAsync(RedisScripts.RemoveValue, keys, args, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The multiplexer the store uses (connecting it first, when the store owns it).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    internal Task<IConnectionMultiplexer> GetMultiplexerAsync(CancellationToken cancellationToken = default)
    {
        var connected = _connected;
        if (connected is null || connected.IsFaulted || connected.IsCanceled)
        {
            // A failed first connection is tried again on the next call; concurrent callers may race, the loser's
            // task is dropped (the owner's factory returns one shared connection).
            connected = _connection();
            _connected = connected;
        }

        return connected.WaitAsync(cancellationToken);
    }

    /// <summary>Sends a PING over the store's connection (the health check).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    internal async Task PingAsync(CancellationToken cancellationToken = default)
    {
        var multiplexer = await GetMultiplexerAsync(cancellationToken).ConfigureAwait(false);
        await multiplexer.GetDatabase(_database).PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static string KeyPrefixFor(string? keyPrefix)
    {
        if (string.IsNullOrWhiteSpace(keyPrefix) || keyPrefix.AsSpan().IndexOfAny('{', '}') >= 0)
        {
            throw new ArgumentException("Verification:Redis:KeyPrefix must be non-empty and may not contain '{' or '}'.", nameof(keyPrefix));
        }

        return "{" + keyPrefix + "}:";
    }

    private async Task<RedisResult> EvaluateAsync(RedisScript script, RedisKey[] keys, RedisValue[] args, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var multiplexer = await GetMultiplexerAsync(cancellationToken).ConfigureAwait(false);
        var database = multiplexer.GetDatabase(_database);
        try
        {
            return await database.ScriptEvaluateAsync(script.Sha1, keys, args).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            // The server lost its script cache (restart, failover to a fresh replica, SCRIPT FLUSH): EVAL sends the
            // source once and caches it again, so the next call is one EVALSHA again. Scripts are idempotent to
            // resend: a NOSCRIPT answer means nothing ran.
            return await database.ScriptEvaluateAsync(script.Source, keys, args).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private RedisKey RecordKey(Guid id) => _prefix + "rec:" + RecordId(id);

    /// <summary>
    /// A counter's key name. A charge whose key prefix ends at its first colon (every charge of the engine) is named
    /// from its two parts as they are, without joining them; any other as its joined key. Both give the name
    /// <see cref="Name(string, string)"/> gives the joined key.
    /// </summary>
    private RedisKey CounterKey(in RateCharge charge)
    {
        var prefix = charge.KeyPrefix ?? string.Empty;
        return !charge.KeySubject.IsEmpty && prefix.IndexOf(':', StringComparison.Ordinal) == prefix.Length - 1
            ? Name("rc:", prefix, charge.KeySubject.Span)
            : Name("rc:", charge.Key);
    }

    /// <summary>
    /// A key name: the prefix, the kind, the logical key's first segment (<c>daily:</c>, <c>ip:</c>, <c>idempotency:</c>…)
    /// in clear, and the rest of it as a keyed hash (HMAC-SHA256, 128 bits, base64url), so contacts, addresses and
    /// device ids never appear in clear.
    /// </summary>
    internal string Name(string kind, string logical)
    {
        var colon = logical.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? Name(kind, string.Empty, logical) : Name(kind, logical[..(colon + 1)], logical.AsSpan(colon + 1));
    }

    private string Name(string kind, string segment, ReadOnlySpan<char> rest)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        var length = Encoding.UTF8.GetMaxByteCount(rest.Length);
        var rented = length > 512 ? ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> utf8 = rented ?? stackalloc byte[512];
        HMACSHA256.HashData(_keyNameSecret, utf8[..Encoding.UTF8.GetBytes(rest, utf8)], mac);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        Span<char> hash = stackalloc char[22];
        Base64Url.EncodeToChars(mac[..16], hash);
        return string.Concat(_prefix, kind, segment, hash);
    }

    private static string RecordId(Guid id) => id.ToString("N", CultureInfo.InvariantCulture);

    private static long Milliseconds(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    // Expiry instants round up, so a time that falls inside the last millisecond still counts as live only until it.
    private static long ExpiryMilliseconds(DateTimeOffset time)
    {
        var ms = time.ToUnixTimeMilliseconds();
        return DateTimeOffset.FromUnixTimeMilliseconds(ms) < time ? ms + 1 : ms;
    }

    private static long Until(DateTimeOffset expiresAt, long nowMs) =>
        Math.Min(ExpiryMilliseconds(expiresAt), nowMs + MaxTtlMilliseconds);

    private static long Window(TimeSpan window) =>
        Math.Clamp((long)Math.Ceiling(window.TotalMilliseconds), 1, MaxTtlMilliseconds);
}
