using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;

namespace Verification.Benchmarks;

/// <summary>
/// Budgets 1 and 3 of docs/performance.md: <c>SendAsync</c> through <see cref="IVerificationService"/> (in-memory store,
/// a sender that delivers nothing) next to <see cref="Floor.Send()"/>, the same primitives by hand, per algorithm.
/// </summary>
public class SendBenchmarks
{
    private VerificationService _service = null!;
    private Floor _floor = null!;
    private string[] _phones = null!;
    private int _next;

    [Params("RS256", "ES256", "HS256")]
    public string Algorithm { get; set; } = "RS256";

    [GlobalSetup]
    public void GlobalSetup()
    {
        _phones = Setup.Phones(1_000_000);
        (_service, _floor) = Scenario.Create(Algorithm, _phones);
    }

    [Benchmark(Baseline = true)]
    public byte[] Floor() => _floor.Send();

    [Benchmark]
    public string Send()
    {
        var result = Sync.Wait(_service.SendAsync(new VerificationRequest(PhoneNumber: _phones[_next++ % _phones.Length])));
        return result.Succeeded ? result.Value.VerificationId : throw new InvalidOperationException(result.Error.ToString());
    }
}

/// <summary>
/// Budgets 2 and 3: <c>VerifyAsync</c> of a correct code (the signature check of the verification_id, the store's
/// attempt, and issuing the verification_token) next to <see cref="Floor.Verify"/>. Each iteration first sends (or, for
/// the floor, prepares) as many codes as it verifies; that preparation is not measured.
/// </summary>
[VerifyBatch]
public class VerifyBenchmarks
{
    private static readonly int Batch = VerifyBatchAttribute.Size;

    private readonly (string Id, string Code)[] _codes = new (string, string)[Batch];
    private readonly Floor.Pending[] _pending = new Floor.Pending[Batch];
    private VerificationService _service = null!;
    private Floor _floor = null!;
    private string[] _phones = null!;
    private int _nextPhone;
    private int _next;

    [Params("RS256", "ES256", "HS256")]
    public string Algorithm { get; set; } = "RS256";

    [GlobalSetup]
    public void GlobalSetup()
    {
        _phones = Setup.Phones(1_000_000);
        (_service, _floor) = Scenario.Create(Algorithm, _phones);
    }

    [IterationSetup(Target = nameof(Floor))]
    public void PrepareFloor()
    {
        for (var i = 0; i < Batch; i++)
        {
            _floor.Send(out _pending[i]);
        }

        _next = 0;
    }

    [IterationSetup(Target = nameof(Verify))]
    public void PrepareCodes()
    {
        for (var i = 0; i < Batch; i++)
        {
            var sent = Sync.Wait(_service.SendAsync(new VerificationRequest(PhoneNumber: _phones[_nextPhone++ % _phones.Length])));
            _codes[i] = (sent.Value!.VerificationId, CapturingSender.LastCode);
        }

        _next = 0;
    }

    [Benchmark(Baseline = true)]
    public byte[] Floor() => _floor.Verify(_pending[_next++ % Batch]);

    [Benchmark]
    public string Verify()
    {
        var (id, code) = _codes[_next++ % Batch];
        var result = Sync.Wait(_service.VerifyAsync(new VerifyRequest(id, code)));
        return result.Succeeded ? result.Value.VerificationToken : throw new InvalidOperationException(result.Error.ToString());
    }
}

/// <summary>
/// Each iteration of <see cref="VerifyBenchmarks"/> verifies this many codes, prepared before it: 1024, or
/// <c>VERIFICATION_BENCH_BATCH</c> (CI's dry run uses a few).
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class VerifyBatchAttribute : BenchmarkDotNet.Attributes.JobMutatorConfigBaseAttribute
{
    public VerifyBatchAttribute()
        : base(Job.Default.WithInvocationCount(Size).WithUnrollFactor(1))
    {
    }

    public static int Size =>
        int.TryParse(Environment.GetEnvironmentVariable("VERIFICATION_BENCH_BATCH"), out var size) && size > 0 ? size : 1024;
}

/// <summary>
/// Budget 5: rejecting a forged <c>verification_id</c> (a valid token with one signature byte changed) and an unknown
/// one (validly signed by the same keys, but its record is in no store), next to one raw RSA-2048 signature verify.
/// The forged id must never reach the store: the setup proves it through a counting store.
/// </summary>
[ExceptionDiagnoser]
public class RejectBenchmarks
{
    private VerificationService _service = null!;
    private Keys _keys = null!;
    private VerifyRequest _forged = null!;
    private VerifyRequest _unknown = null!;
    private byte[] _signingInput = null!;
    private byte[] _signature = null!;

    [GlobalSetup]
    public void GlobalSetup()
    {
        _keys = new Keys();
        var counting = new CountingStore(new InMemoryCodeStore());
        _service = Setup.Service("RS256", _keys, counting, TimeProvider.System, new CapturingSender());

        // Another service with the same keys but its own store: its ids are validly signed and unknown here.
        var other = Setup.Service("RS256", _keys, new InMemoryCodeStore(), TimeProvider.System, new CapturingSender());
        var id = Sync.Wait(other.SendAsync(new VerificationRequest(PhoneNumber: Setup.Phone(0)))).Value!.VerificationId;
        _unknown = new VerifyRequest(id, "123456");

        var dot = id.LastIndexOf('.');
        var signature = Jwt.Signature(id);
        signature[signature.Length / 2] ^= 0x01;
        _forged = new VerifyRequest(id[..(dot + 1)] + Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(signature), "123456");
        _signingInput = Jwt.SigningInput(id);
        _signature = Jwt.Signature(id);

        var forged = Sync.Wait(_service.VerifyAsync(_forged));
        if (forged.Succeeded || forged.Error.Reason != VerificationErrorReasons.Unknown || counting.Calls != 0)
        {
            throw new InvalidOperationException($"A forged id must be refused without touching the store ({counting.Calls} store calls): {forged}");
        }

        var unknown = Sync.Wait(_service.VerifyAsync(_unknown));
        if (unknown.Succeeded || counting.Calls != 1)
        {
            throw new InvalidOperationException($"An unknown id must be refused by the store: {unknown}");
        }
    }

    [Benchmark(Baseline = true)]
    public bool RawVerify() => _keys.Rsa.VerifyData(_signingInput, _signature, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);

    [Benchmark]
    public VerificationError ForgedId() => Sync.Wait(_service.VerifyAsync(_forged)).Error!;

    [Benchmark]
    public VerificationError UnknownId() => Sync.Wait(_service.VerifyAsync(_unknown)).Error!;
}

/// <summary>A service and its floor over the same keys.</summary>
internal static class Scenario
{
    /// <summary>
    /// The clock steps 10 ms per read: with ten-minute codes the store holds about 60,000 live records, as a service
    /// sending 100 codes a second would, however long the benchmark runs.
    /// </summary>
    public static (VerificationService Service, Floor Floor) Create(string algorithm, string[] phones)
    {
        var keys = new Keys();
        var service = Setup.Service(algorithm, keys, new InMemoryCodeStore(), new SteppingClock(TimeSpan.FromMilliseconds(10)), new CapturingSender());

        // A real id and token of this service, so that the floor signs exactly as many bytes.
        var sent = Sync.Wait(service.SendAsync(new VerificationRequest(PhoneNumber: phones[^1])));
        var verified = Sync.Wait(service.VerifyAsync(new VerifyRequest(sent.Value!.VerificationId, CapturingSender.LastCode)));
        if (!verified.Succeeded)
        {
            throw new InvalidOperationException(verified.Error.ToString());
        }

        return (service, new Floor(keys, algorithm, sent.Value.VerificationId, verified.Value.VerificationToken));
    }
}
