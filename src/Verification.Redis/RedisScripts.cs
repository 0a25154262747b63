using System.Security.Cryptography;
using System.Text;

namespace Verification.Redis;

/// <summary>
/// The Lua scripts of <see cref="RedisCodeStore"/>: one per store operation, each atomic and one round trip.
/// </summary>
/// <remarks>
/// <para>
/// Every key starts with the deployment's hash tag (<c>{prefix}:</c>), so all keys of a deployment live in one
/// cluster slot. That lets a script derive keys from stored values (the record a contact pointer names, the
/// pointer a record names) without declaring them: Redis Cluster allows a script to touch undeclared keys of the
/// slot its declared keys route to. Times are milliseconds since the Unix epoch from the caller's clock; every
/// decision compares stored times with that clock, and the key TTLs (relative, from the same times) only reclaim
/// memory.
/// </para>
/// <para>
/// Code hashes are compared as strings by Lua, which is not constant-time. That is harmless here: the stored value
/// is an HMAC-SHA256 keyed with a secret the caller never sees, bound to the record id, so learning how many leading
/// bytes of a presented hash match tells nothing about the code or the next guess's hash.
/// </para>
/// </remarks>
internal static class RedisScripts
{
    // Counters are hashes { n = count, e = window end (ms) }; a counter whose e <= now is an empty window.
    private const string CounterFunctions = """
        local function int(x) return string.format('%d', x) end
        local function counter_count(key, now)
          local v = redis.call('HMGET', key, 'n', 'e')
          if v[1] and v[2] and tonumber(v[2]) > now then
            return tonumber(v[1]), tonumber(v[2])
          end
          return 0, nil
        end
        local function refused(count, limit, amount)
          local a = amount
          if a < 1 then a = 1 end
          return count + a > limit
        end
        local function counter_add(key, now, window, amount)
          if amount <= 0 then return end
          local count, e = counter_count(key, now)
          if e then
            redis.call('HINCRBY', key, 'n', int(amount))
          else
            redis.call('HSET', key, 'n', int(amount), 'e', int(now + window))
            redis.call('PEXPIRE', key, int(window))
          end
        end
        """;

    /// <summary>KEYS: counters. ARGV: now, then per counter window (ms), amount. Adds every amount; checks nothing.</summary>
    public static readonly RedisScript Charge = new(CounterFunctions + """

        local now = tonumber(ARGV[1])
        for i = 1, #KEYS do
          counter_add(KEYS[i], now, tonumber(ARGV[2 * i]), tonumber(ARGV[2 * i + 1]))
        end
        return 0
        """);

    /// <summary>
    /// KEYS: counters. ARGV: now. Returns { count, ms left in the window } per counter (0, 0 when no window is open);
    /// writes nothing.
    /// </summary>
    public static readonly RedisScript ReadCounters = new(CounterFunctions + """

        local now = tonumber(ARGV[1])
        local out = {}
        for i = 1, #KEYS do
          local count, e = counter_count(KEYS[i], now)
          out[2 * i - 1] = count
          if e then out[2 * i] = e - now else out[2 * i] = 0 end
        end
        return out
        """);

    /// <summary>
    /// KEYS: record, contact pointer, then one counter per charge. ARGV: now, waive (0/1), hash, expiresAt,
    /// record id, key prefix, charge count, then per charge limit, window, amount, kind (0 hard, 1 soft).
    /// Returns { status (0 saved, 1 rate limited, 2 captcha required), refusing charge index, retry-after ms }.
    /// </summary>
    public static readonly RedisScript Save = new(CounterFunctions + """

        local now = tonumber(ARGV[1])
        local waive = ARGV[2] == '1'
        local n = tonumber(ARGV[7])
        local function charge(i)
          local b = 7 + (i - 1) * 4
          return KEYS[2 + i], tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3]), ARGV[b + 4]
        end
        -- Each counter is read once (a key may back several charges: a hard and a soft row of one budget), and what
        -- the script adds is kept in step, so checking and charging read no key twice.
        local seen = {}
        local function read(key)
          local c = seen[key]
          if not c then
            local count, e = counter_count(key, now)
            c = { count, e }
            seen[key] = c
          end
          return c[1], c[2]
        end
        local function first_refused(kind)
          for i = 1, n do
            local key, limit, window, amount, k = charge(i)
            if k == kind then
              local count, e = read(key)
              if refused(count, limit, amount) then
                local retry = 0
                if e then retry = e - now end
                return i - 1, retry
              end
            end
          end
          return nil
        end
        -- Hard limits first: a captcha cannot lift them, so they are reported before soft ones.
        local i, retry = first_refused('0')
        if i then return { 1, i, retry } end
        if not waive then
          i, retry = first_refused('1')
          if i then return { 2, i, retry } end
        end
        for j = 1, n do
          local key, limit, window, amount = charge(j)
          if amount > 0 then
            local count, e = read(key)
            if e then
              redis.call('HINCRBY', key, 'n', int(amount))
              seen[key] = { count + amount, e }
            else
              redis.call('HSET', key, 'n', int(amount), 'e', int(now + window))
              redis.call('PEXPIRE', key, int(window))
              seen[key] = { amount, now + window }
            end
          end
        end
        local previous = redis.call('GET', KEYS[2])
        local superseded = ''
        if previous then
          local old = ARGV[6] .. 'rec:' .. previous
          if redis.call('HGET', old, 's') == 'p' then
            redis.call('HSET', old, 's', 's')
            superseded = previous
          end
        end
        local expires = tonumber(ARGV[4])
        local ttl = expires - now
        if ttl < 1 then ttl = 1 end
        redis.call('DEL', KEYS[1])
        redis.call('HSET', KEYS[1], 'h', ARGV[3], 'c', KEYS[2], 'x', int(expires), 'a', 0, 's', 'p', 'p', superseded)
        redis.call('PEXPIRE', KEYS[1], int(ttl))
        redis.call('SET', KEYS[2], ARGV[5], 'PX', int(ttl))
        return { 0, -1, 0 }
        """);

    /// <summary>
    /// KEYS: record, failure counter. ARGV: now, presented hash, max attempts, record id, then the failure
    /// charge's limit, window, amount. Returns { status (an <see cref="AttemptStatus"/>), attempts left, retry-after ms }.
    /// </summary>
    public static readonly RedisScript Attempt = new(CounterFunctions + """

        local now = tonumber(ARGV[1])
        local max = tonumber(ARGV[3])
        local limit, window, amount = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
        local failures, e = counter_count(KEYS[2], now)
        if refused(failures, limit, amount) then
          local retry = 0
          if e then retry = e - now end
          return { 8, 0, retry }
        end
        local r = redis.call('HMGET', KEYS[1], 'h', 'c', 'x', 'a', 's')
        if not r[1] then return { 7, 0, 0 } end
        if tonumber(r[3]) <= now then return { 3, 0, 0 } end
        local state = r[5]
        if state == 'u' then return { 4, 0, 0 } end
        if state == 'b' then return { 5, 0, 0 } end
        if state == 's' then return { 6, 0, 0 } end
        local function unlink()
          if redis.call('GET', r[2]) == ARGV[4] then redis.call('DEL', r[2]) end
        end
        -- Not constant-time; see the remarks of RedisScripts: the stored value is a keyed HMAC.
        if r[1] == ARGV[2] then
          redis.call('HSET', KEYS[1], 's', 'u')
          unlink()
          return { 0, 0, 0 }
        end
        local attempts = redis.call('HINCRBY', KEYS[1], 'a', 1)
        counter_add(KEYS[2], now, window, amount)
        if attempts >= max then
          redis.call('HSET', KEYS[1], 's', 'b')
          unlink()
          return { 2, 0, 0 }
        end
        return { 1, max - attempts, 0 }
        """);

    /// <summary>
    /// KEYS: record, contact pointer, then one counter per charge. ARGV: now, record id, key prefix, then one amount
    /// per charge. Deletes the record and its pointer, gives the record it superseded back (pending and live again,
    /// while unexpired and not replaced by a later send), refunds the charges.
    /// </summary>
    public static readonly RedisScript Release = new("""
        local function int(x) return string.format('%d', x) end
        local now = tonumber(ARGV[1])
        local superseded = redis.call('HGET', KEYS[1], 'p')
        if redis.call('DEL', KEYS[1]) == 1 and redis.call('GET', KEYS[2]) == ARGV[2] then
          redis.call('DEL', KEYS[2])
          -- Supersede only on success: the code this save superseded was delivered and is still good, so a failed
          -- resend gives it back (unless a later send has replaced this one meanwhile).
          if superseded and superseded ~= '' then
            local old = ARGV[3] .. 'rec:' .. superseded
            local v = redis.call('HMGET', old, 's', 'x')
            if v[1] == 's' and v[2] and tonumber(v[2]) > now then
              redis.call('HSET', old, 's', 'p')
              redis.call('SET', KEYS[2], superseded, 'PX', int(tonumber(v[2]) - now))
            end
          end
        end
        for i = 3, #KEYS do
          local amount = tonumber(ARGV[i + 1])
          if amount > 0 then
            local v = redis.call('HMGET', KEYS[i], 'n', 'e')
            if v[1] and v[2] and tonumber(v[2]) > now then
              local left = tonumber(v[1]) - amount
              if left < 0 then left = 0 end
              redis.call('HSET', KEYS[i], 'n', int(left))
            end
          end
        end
        return 0
        """);

    /// <summary>
    /// KEYS: the contact pointer. ARGV: now, key prefix. Returns the id of the contact's record when it is pending and
    /// not expired, else nil.
    /// </summary>
    public static readonly RedisScript FindLive = new("""
        local id = redis.call('GET', KEYS[1])
        if not id then return false end
        local r = redis.call('HMGET', ARGV[2] .. 'rec:' .. id, 'x', 's')
        if r[2] == 'p' and r[1] and tonumber(r[1]) > tonumber(ARGV[1]) then return id end
        return false
        """);

    /// <summary>KEYS: the mark. ARGV: now, expiresAt. Returns 1 the first time, else 0.</summary>
    public static readonly RedisScript UseOnce = new("""
        local function int(x) return string.format('%d', x) end
        local now = tonumber(ARGV[1])
        local v = redis.call('GET', KEYS[1])
        if v and tonumber(v) > now then return 0 end
        local untl = tonumber(ARGV[2])
        if untl < now + 1000 then untl = now + 1000 end
        redis.call('SET', KEYS[1], int(untl), 'PX', int(untl - now))
        return 1
        """);

    /// <summary>KEYS: the value. ARGV: now, value, expiresAt. Returns the value the key holds afterwards.</summary>
    public static readonly RedisScript GetOrAdd = new("""
        local function int(x) return string.format('%d', x) end
        local now = tonumber(ARGV[1])
        local v = redis.call('HMGET', KEYS[1], 'v', 'e')
        if v[1] and v[2] and tonumber(v[2]) > now then return v[1] end
        local untl = tonumber(ARGV[3])
        if untl < now + 1000 then untl = now + 1000 end
        redis.call('DEL', KEYS[1])
        redis.call('HSET', KEYS[1], 'v', ARGV[2], 'e', int(untl))
        redis.call('PEXPIRE', KEYS[1], int(untl - now))
        return ARGV[2]
        """);

    /// <summary>KEYS: the value. ARGV: now. Returns the live value or nil.</summary>
    public static readonly RedisScript GetValue = new("""
        local v = redis.call('HMGET', KEYS[1], 'v', 'e')
        if v[1] and v[2] and tonumber(v[2]) > tonumber(ARGV[1]) then return v[1] end
        return false
        """);

    /// <summary>KEYS: the value. ARGV: the expected value. Deletes the key when it holds that value.</summary>
    public static readonly RedisScript RemoveValue = new("""
        if redis.call('HGET', KEYS[1], 'v') == ARGV[1] then redis.call('DEL', KEYS[1]) end
        return 0
        """);
}

/// <summary>A Lua script and its SHA-1, for EVALSHA.</summary>
internal sealed class RedisScript
{
    public RedisScript(string source)
    {
        Source = source;
        Sha1 = SHA1.HashData(Encoding.UTF8.GetBytes(source));
    }

    public string Source { get; }

    public byte[] Sha1 { get; }
}
