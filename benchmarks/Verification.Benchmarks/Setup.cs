using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Verification;

namespace Verification.Benchmarks;

/// <summary>Keys, contacts and services shared by every benchmark, so that both sides of a ratio use the same material.</summary>
internal static class Setup
{
    public const string ProjectId = "bench";

    /// <summary>Mainland China mobile blocks that libphonenumber accepts; with 4 free digits each, 280,000 distinct number prefixes.</summary>
    private static readonly int[] Blocks = [130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155, 156, 157, 158, 159, 180, 181, 182, 183, 184, 185, 186, 187, 188];

    /// <summary>
    /// The <paramref name="index"/>-th distinct phone number, spelled the documented way. Neighbouring indexes fall in
    /// different number prefixes, so that a pool of a million numbers used in turn stays under every default per-contact
    /// and per-prefix limit (the service's real work, limits included, is measured; nothing is switched off).
    /// </summary>
    public static string Phone(int index)
    {
        var prefixes = Blocks.Length * 10_000;
        var prefix = index % prefixes;
        var suffix = index / prefixes % 10_000;
        return $"+86 {Blocks[prefix % Blocks.Length]}{prefix / Blocks.Length:D4}{suffix:D4}";
    }

    public static string[] Phones(int count) => [.. Enumerable.Range(0, count).Select(Phone)];

    /// <summary>The settings of a benchmarked service: library defaults, fixed keys of <paramref name="algorithm"/>.</summary>
    public static VerificationOptions Options(string algorithm, Keys keys)
    {
        var options = new VerificationOptions { ProjectId = ProjectId };
        options.Tokens.Algorithm = algorithm;
        options.Tokens.HashKey = Convert.ToBase64String(keys.HashKey);
        options.Tokens.SigningKeys.Add(algorithm switch
        {
            "RS256" => new SigningKeyOptions { KeyId = "rsa", Pem = keys.Rsa.ExportPkcs8PrivateKeyPem() },
            "ES256" => new SigningKeyOptions { KeyId = "ec", Pem = keys.Ecdsa.ExportPkcs8PrivateKeyPem() },
            _ => new SigningKeyOptions { KeyId = "hmac", Secret = Convert.ToBase64String(keys.Secret) },
        });

        // The only defaults changed: the global, per-region and per-prefix SMS budgets (1,000, 500 and 50 an hour)
        // and the email budget would refuse a benchmark after a second. Their counters are still charged on every send.
        options.Throttling.GlobalSmsPerHour = int.MaxValue;
        options.Throttling.GlobalSmsPerDay = int.MaxValue;
        options.Throttling.GlobalSmsPerRegionPerHour = int.MaxValue;
        options.Throttling.SmsPerPrefixPerHour = int.MaxValue;
        options.Throttling.GlobalEmailPerHour = int.MaxValue;
        options.Throttling.GlobalEmailPerDay = int.MaxValue;
        return options;
    }

    public static VerificationService Service(string algorithm, Keys keys, ICodeStore store, TimeProvider clock, CapturingSender sender) =>
        new(Microsoft.Extensions.Options.Options.Create(Options(algorithm, keys)), store, [sender], [sender], timeProvider: clock);
}

/// <summary>The key material of one run: the service and the floor sign and verify with the very same keys.</summary>
internal sealed class Keys
{
    public RSA Rsa { get; } = RSA.Create(2048);

    public ECDsa Ecdsa { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public byte[] Secret { get; } = RandomNumberGenerator.GetBytes(32);

    public byte[] HashKey { get; } = RandomNumberGenerator.GetBytes(32);

    /// <summary>The raw signature of <paramref name="data"/> exactly as a JWT of <paramref name="algorithm"/> needs it.</summary>
    public byte[] Sign(string algorithm, byte[] data) => algorithm switch
    {
        "RS256" => Rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        "ES256" => Ecdsa.SignData(data, HashAlgorithmName.SHA256),
        _ => Hmac.Compute(Secret, data),
    };

    public bool Verify(string algorithm, byte[] data, byte[] signature) => algorithm switch
    {
        "RS256" => Rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        "ES256" => Ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256),
        _ => CryptographicOperations.FixedTimeEquals(Hmac.Compute(Secret, data), signature),
    };
}

/// <summary>
/// HMAC-SHA256 the cheapest way the platform offers: a keyed context reused per thread (keying one per call, as
/// <see cref="HMACSHA256.HashData(byte[], byte[])"/> does, costs several times the hash of a few dozen bytes). The
/// service's CodeHasher and the JWT library's HS256 provider both reuse keyed contexts, so the floor does too.
/// </summary>
internal static class Hmac
{
    [ThreadStatic]
    private static byte[]? _key;

    [ThreadStatic]
    private static IncrementalHash? _hmac;

    public static byte[] Compute(byte[] key, ReadOnlySpan<byte> data)
    {
        if (_hmac is null || !ReferenceEquals(_key, key))
        {
            _hmac?.Dispose();
            _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
            _key = key;
        }

        _hmac.AppendData(data);
        return _hmac.GetHashAndReset();
    }
}

/// <summary>
/// A sender that delivers nothing: it only remembers the last code (per thread), so that a benchmark can verify it.
/// </summary>
internal sealed class CapturingSender : ISmsSender, IEmailSender
{
    [ThreadStatic]
    private static string? _lastCode;

    private volatile string? _last;

    /// <summary>The last code sent on this thread (the in-memory store completes a send on its caller's thread).</summary>
    public static string LastCode => _lastCode ?? throw new InvalidOperationException("No code was sent on this thread.");

    /// <summary>The last code this sender sent on any thread (for a single caller of an asynchronous store).</summary>
    public string Last => _last ?? throw new InvalidOperationException("No code was sent.");

    public string Name => "none";

    public ValueTask SendAsync(VerificationMessage message, CancellationToken cancellationToken = default)
    {
        _lastCode = message.Code;
        _last = message.Code;
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// A clock that moves forward a fixed step each time it is read, so that a benchmark of millions of sends sees codes
/// expire as a service sending <c>1 / step</c> codes a second would: the store holds a steady population (ten minutes of
/// codes) instead of every code the benchmark ever sent.
/// </summary>
internal sealed class SteppingClock(TimeSpan step) : TimeProvider
{
    private readonly long _start = DateTimeOffset.UtcNow.UtcTicks;
    private long _reads;

    public override DateTimeOffset GetUtcNow() => new(_start + (Interlocked.Increment(ref _reads) * step.Ticks), TimeSpan.Zero);
}

/// <summary>A clock that stands still until moved.</summary>
internal sealed class ManualClock : TimeProvider
{
    private DateTimeOffset _now = DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>Counts the calls that reach a store, to prove that a path never touches it.</summary>
internal sealed class CountingStore(ICodeStore inner) : ICodeStore
{
    public int Calls { get; private set; }

    public ValueTask<SaveOutcome> SaveAsync(CodeRecord record, IReadOnlyList<RateCharge> charges, bool waiveSoftLimits, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        Calls++;
        return inner.SaveAsync(record, charges, waiveSoftLimits, now, cancellationToken);
    }

    public ValueTask<AttemptOutcome> AttemptAsync(Guid recordId, ReadOnlyMemory<byte> presentedHash, int maxAttempts, RateCharge failureCharge, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        Calls++;
        return inner.AttemptAsync(recordId, presentedHash, maxAttempts, failureCharge, now, cancellationToken);
    }

    public ValueTask ReleaseAsync(CodeRecord record, IReadOnlyList<RateCharge> charges, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        Calls++;
        return inner.ReleaseAsync(record, charges, now, cancellationToken);
    }

    public ValueTask<bool> TryUseOnceAsync(string key, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        Calls++;
        return inner.TryUseOnceAsync(key, expiresAt, now, cancellationToken);
    }

    public ValueTask<string> GetOrAddValueAsync(string key, string value, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        Calls++;
        return inner.GetOrAddValueAsync(key, value, expiresAt, now, cancellationToken);
    }

    public ValueTask<string?> GetValueAsync(string key, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        Calls++;
        return inner.GetValueAsync(key, now, cancellationToken);
    }

    public ValueTask<IReadOnlyList<RateCounter>> ReadCountersAsync(IReadOnlyList<RateCharge> charges, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        Calls++;
        return inner.ReadCountersAsync(charges, now, cancellationToken);
    }

    public ValueTask ChargeAsync(IReadOnlyList<RateCharge> charges, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        Calls++;
        return inner.ChargeAsync(charges, now, cancellationToken);
    }

    public ValueTask RemoveValueAsync(string key, string value, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        Calls++;
        return inner.RemoveValueAsync(key, value, now, cancellationToken);
    }
}

/// <summary>Pieces of a JWT the floors need: what was signed and the raw signature.</summary>
internal static class Jwt
{
    public static byte[] SigningInput(string token) => System.Text.Encoding.ASCII.GetBytes(token[..token.LastIndexOf('.')]);

    public static byte[] Signature(string token) => Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(token[(token.LastIndexOf('.') + 1)..]);
}

/// <summary>Awaits a value task that completes synchronously on the hot path, without an async state machine in the benchmark.</summary>
internal static class Sync
{
    /// <summary>How many waits found their task not yet complete (an asynchronous hop on the hot path).</summary>
    public static long Asynchronous;

    public static T Wait<T>(ValueTask<T> task)
    {
        if (task.IsCompletedSuccessfully)
        {
            return task.Result;
        }

        Interlocked.Increment(ref Asynchronous);
        return task.AsTask().GetAwaiter().GetResult();
    }
}
