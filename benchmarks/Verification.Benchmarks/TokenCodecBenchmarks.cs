using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Verification.Benchmarks;

/// <summary>
/// The token codec alone, per algorithm, next to the raw signature it cannot avoid (each category's baseline) and
/// to <see cref="JsonWebTokenHandler"/> doing the same work under the same pinned parameters: signing a
/// <c>verification_id</c>, checking one, and refusing a forged one (a genuine id with one signature byte changed) and
/// one whose header is unknown. Allocations per operation come from the memory diagnoser, exceptions from the
/// exception diagnoser (the codec throws none; the handler throws and catches one per forged id).
/// </summary>
[ExceptionDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class TokenCodecBenchmarks
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private readonly Guid _recordId = Guid.NewGuid();
    private readonly string _nonce = CodeHasher.NewNonce();
    private readonly string _contact = "+8613800138000";
    private Keys _keys = null!;
    private TokenCodec _codec = null!;
    private JsonWebTokenHandler _handler = null!;
    private SecurityTokenDescriptor _descriptor = null!;
    private TokenValidationParameters _parameters = null!;
    private string _id = null!;
    private string _forged = null!;
    private string _unknownHeader = null!;
    private byte[] _signingInput = null!;
    private byte[] _signature = null!;
    private byte[] _forgedSignature = null!;

    [Params("RS256", "ES256", "HS256")]
    public string Algorithm { get; set; } = "RS256";

    [GlobalSetup]
    public void GlobalSetup()
    {
        _keys = new Keys();
        var errors = new List<string>();
        var ring = SigningKeyRing.Load(Setup.Options(Algorithm, _keys).Tokens, errors)
            ?? throw new InvalidOperationException(string.Join(Environment.NewLine, errors));
        _codec = new TokenCodec(ring, Setup.ProjectId, TimeSpan.FromSeconds(10));
        _id = _codec.CreateVerificationId(_recordId, _nonce, _contact, VerificationUsage.SignIn, Now.AddMinutes(10));

        var signature = Jwt.Signature(_id);
        signature[signature.Length / 2] ^= 0x01;
        _forged = _id[..(_id.LastIndexOf('.') + 1)] + Base64UrlEncoder.Encode(signature);
        _unknownHeader = Base64UrlEncoder.Encode("""{"alg":"HS256","kid":"other","typ":"vid+jwt"}""") + _id[_id.IndexOf('.')..];
        _signingInput = Jwt.SigningInput(_id);
        _signature = Jwt.Signature(_id);
        _forgedSignature = Jwt.Signature(_forged);

        // The handler as the library used it before the codec: same claims, same pinned parameters.
        _handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false, MaximumTokenSizeInBytes = TokenCodec.MaxTokenLength, MapInboundClaims = false };
        _descriptor = new SecurityTokenDescriptor
        {
            TokenType = "vid+jwt",
            Claims = new Dictionary<string, object> { ["e"] = _contact, ["kid"] = _recordId.ToString("D"), ["pj"] = Setup.ProjectId, ["t"] = _nonce, ["u"] = "SIGN_IN" },
            Expires = Now.AddMinutes(10).UtcDateTime,
            SigningCredentials = ring.SigningCredentials,
        };
        _parameters = new TokenValidationParameters
        {
            ValidAlgorithms = [ring.Algorithm],
            ValidTypes = ["vid+jwt"],
            IssuerSigningKeys = ring.ValidationKeys,
            TryAllIssuerSigningKeys = false,
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
        };

        if (!CodecVerify() || !HandlerVerify() || CodecForged()
            || CodecUnknownHeader() || HandlerForged() || !RawVerify() || RawVerifyForged() || !_handler.ValidateTokenAsync(CodecSign(), _parameters).Result.IsValid)
        {
            throw new InvalidOperationException("The codec and the handler must agree on the benchmarked tokens.");
        }
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Sign")]
    public byte[] RawSign() => _keys.Sign(Algorithm, _signingInput);

    [Benchmark]
    [BenchmarkCategory("Sign")]
    public string CodecSign() => _codec.CreateVerificationId(_recordId, _nonce, _contact, VerificationUsage.SignIn, Now.AddMinutes(10));

    [Benchmark]
    [BenchmarkCategory("Sign")]
    public string HandlerSign() => _handler.CreateToken(_descriptor);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Verify")]
    public bool RawVerify() => _keys.Verify(Algorithm, _signingInput, _signature);

    [Benchmark]
    [BenchmarkCategory("Verify")]
    public bool CodecVerify() => _codec.Read(_id, TokenKind.VerificationId, Now, out _) == TokenCheckStatus.Valid;

    [Benchmark]
    [BenchmarkCategory("Verify")]
    public bool HandlerVerify() => _handler.ValidateTokenAsync(_id, _parameters).Result.IsValid;

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Forged")]
    public bool RawVerifyForged() => _keys.Verify(Algorithm, _signingInput, _forgedSignature);

    [Benchmark]
    [BenchmarkCategory("Forged")]
    public bool CodecForged() => _codec.Read(_forged, TokenKind.VerificationId, Now, out _) == TokenCheckStatus.Valid;

    [Benchmark]
    [BenchmarkCategory("Forged")]
    public bool CodecUnknownHeader() => _codec.Read(_unknownHeader, TokenKind.VerificationId, Now, out _) == TokenCheckStatus.Valid;

    [Benchmark]
    [BenchmarkCategory("Forged")]
    public bool HandlerForged() => _handler.ValidateTokenAsync(_forged, _parameters).Result.IsValid;
}
