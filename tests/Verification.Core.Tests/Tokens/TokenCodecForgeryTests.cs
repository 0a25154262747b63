using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using static Verification.Tests.Tokens.CodecKeys;

namespace Verification.Tests.Tokens;

/// <summary>
/// Every forgery of the token suites (tests/Verification.Adversarial.Tests/TokenForgeryTests.cs through HTTP and
/// tests/Verification.Core.Tests/TokenTests.cs through the service), built here against the codec's tokens for each
/// algorithm, and refused by both the codec and the JWT library with the library's former rules
/// (<see cref="JwtOracle"/>). Forgeries that need a key are signed with the real one, so that each differs from a
/// genuine token only in what it tests.
/// </summary>
public sealed class TokenCodecForgeryTests
{
    private const string Contact = "+8615588665555";
    private static readonly DateTimeOffset Expires = Now + TimeSpan.FromMinutes(10);

    private static readonly Dictionary<string, Func<Forge, IEnumerable<(string Token, TokenKind Kind)>>> Forgeries = new()
    {
        ["alg none, any spelling, empty or kept signature"] = f =>
            from alg in new[] { "none", "None", "NONE", "nOnE", "none " }
            from signature in new[] { string.Empty, Signature(f.Id) }
            select ($"{Jws.Encode(new JsonObject { ["alg"] = alg, ["kid"] = "key-1", ["typ"] = "vid+jwt" })}.{PayloadSegment(f.Id)}.{signature}", TokenKind.VerificationId),
        ["alg none on a verification token"] = f =>
            from alg in new[] { "none", "None", "NONE" }
            select ($"{Jws.Encode(new JsonObject { ["alg"] = alg, ["kid"] = "key-1", ["typ"] = "vt+jwt" })}.{PayloadSegment(f.Token)}.", TokenKind.VerificationToken),
        ["HS256 keyed with the public key's bytes"] = f =>
            from secret in f.PublicKeyBytes
            let input = $"{Jws.Encode(new JsonObject { ["alg"] = "HS256", ["kid"] = "key-1", ["typ"] = "vid+jwt" })}.{PayloadSegment(f.Id)}"
            select ($"{input}.{Base64UrlEncoder.Encode(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(input)))}", TokenKind.VerificationId),
        ["alg switched to another algorithm, signature kept"] = f =>
            from alg in new[] { "RS256", "ES256", "HS256", "PS256", "RS384", "ES384", "HS512", "EdDSA" }
            where alg != f.Algorithm
            select ($"{Jws.Encode(new JsonObject { ["alg"] = alg, ["kid"] = "key-1", ["typ"] = "vid+jwt" })}.{PayloadSegment(f.Id)}.{Signature(f.Id)}", TokenKind.VerificationId),
        ["real key under an unknown kid, or without kid"] = f =>
        [
            (Jws.Resign(f.Signer, f.Id, header: h => h["kid"] = "key-unknown"), TokenKind.VerificationId),
            (Jws.Resign(f.Signer, f.Id, header: h => h["kid"] = "KEY-1"), TokenKind.VerificationId),
            (Jws.Resign(f.Signer, f.Id, header: h => h.Remove("kid")), TokenKind.VerificationId),
            (Jws.Resign(f.Signer, f.Token, header: h => h.Remove("kid")), TokenKind.VerificationToken),
        ],
        ["another key under the same kid"] = f =>
        [
            (Jws.Resign(f.OtherSigner, f.Id), TokenKind.VerificationId),
            (Jws.Resign(f.OtherSigner, f.Token), TokenKind.VerificationToken),
            (Jws.Resign(f.OtherSigner, f.CaptchaToken), TokenKind.CaptchaToken),
        ],
        ["key-carrying or critical header, signed with the real key"] = f =>
            from name in new[] { "jku", "x5u", "jwk", "x5c", "crit" }
            from genuine in new[] { (f.Id, TokenKind.VerificationId), (f.Token, TokenKind.VerificationToken), (f.Challenge, TokenKind.CaptchaChallenge) }
            select (Jws.Resign(f.Signer, genuine.Item1, header: h => h[name] = KeyCarrying(name)), genuine.Item2),
        ["claim edited, original signature kept"] = f =>
            from edit in new (string Claim, JsonNode Value)[]
            {
                ("e", "+8613800138000"), ("kid", "00000000-0000-0000-0000-000000000000"), ("t", "00000000000000000000000000000000"),
                ("pj", "proj-b"), ("u", "PASSWORD_RESET"), ("exp", Expires.AddDays(1).ToUnixTimeSeconds()),
            }
            select (Edited(f.Id, edit.Claim, edit.Value), TokenKind.VerificationId),
        ["verification token claim edited, original signature kept"] = f =>
            from edit in new (string Claim, JsonNode Value)[] { ("e", "+8613800138000"), ("jti", "another"), ("u", "REGISTER") }
            select (Edited(f.Token, edit.Claim, edit.Value), TokenKind.VerificationToken),
        ["signature stripped, with or without its dot"] = f =>
            from genuine in new[] { (f.Id, TokenKind.VerificationId), (f.Token, TokenKind.VerificationToken), (f.CaptchaToken, TokenKind.CaptchaToken) }
            from keepDot in new[] { true, false }
            select (genuine.Item1[..(genuine.Item1.LastIndexOf('.') + (keepDot ? 1 : 0))], genuine.Item2),
        ["not yet valid beyond the skew"] = f =>
        [
            (Jws.Resign(f.Signer, f.Id, payload: p => p["nbf"] = (Now + Skew + TimeSpan.FromSeconds(1)).ToUnixTimeSeconds()), TokenKind.VerificationId),
            (Jws.Resign(f.Signer, f.Id, payload: p => p["nbf"] = Now.AddMinutes(5).ToUnixTimeSeconds()), TokenKind.VerificationId),
        ],
        ["another project's pj, or none"] = f =>
        [
            (Jws.Resign(f.Signer, f.Id, payload: p => p["pj"] = "proj-b"), TokenKind.VerificationId),
            (Jws.Resign(f.Signer, f.Id, payload: p => p.Remove("pj")), TokenKind.VerificationId),
            (Jws.Resign(f.Signer, f.Token, payload: p => p["pj"] = "proj-b"), TokenKind.VerificationToken),
            (f.OtherProjectId, TokenKind.VerificationId),
        ],
        ["a token of another kind, as is or retyped"] = f =>
        [
            (f.Token, TokenKind.VerificationId),
            (Jws.Resign(f.Signer, f.Token, header: h => h["typ"] = "vid+jwt"), TokenKind.VerificationId),
            (f.CaptchaToken, TokenKind.VerificationId),
            (f.Challenge, TokenKind.VerificationId),
            (f.Id, TokenKind.VerificationToken),
            (Jws.Resign(f.Signer, f.Id, header: h => h["typ"] = "vt+jwt"), TokenKind.VerificationToken),
            (f.Id, TokenKind.CaptchaChallenge),
            (f.Token, TokenKind.CaptchaToken),
            (Jws.Resign(f.Signer, f.Id, header: h => h["typ"] = "JWT"), TokenKind.VerificationId),
            (Jws.Resign(f.Signer, f.Id, header: h => h.Remove("typ")), TokenKind.VerificationId),
        ],
        ["longer than the cap"] = f =>
        [
            ("eyJhbGciOiJub25lIn0." + new string('A', 2_049) + ".", TokenKind.VerificationId),
            ("eyJhbGciOiJub25lIn0." + new string('A', 100_000) + ".", TokenKind.VerificationId),
            (f.Id + "." + new string('A', TokenCodec.MaxTokenLength - f.Id.Length), TokenKind.VerificationId),
            (new string('A', TokenCodec.MaxTokenLength + 1), TokenKind.VerificationToken),
        ],
        ["garbage"] = _ =>
            from garbage in GarbageTokens.All.Append(new string('A', TokenCodec.MaxTokenLength))
            from kind in Enum.GetValues<TokenKind>()
            select (garbage, kind),
    };

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var algorithm in Algorithms)
        {
            foreach (var name in Forgeries.Keys)
            {
                data.Add(algorithm, name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Read_Forgery_RefusedByTheCodecAndByTheHandler(string algorithm, string forgery)
    {
        var f = new Forge(algorithm);
        var count = 0;

        foreach (var (token, kind) in Forgeries[forgery](f))
        {
            count++;
            var codec = f.Codec.Read(token, kind, Now, out var claims);
            var (oracle, _) = await f.Oracle.CheckAsync(token, kind, Now);

            Assert.True(codec == TokenCheckStatus.Invalid, $"The codec did not refuse {kind} {token}");
            Assert.Equal(default, claims);
            Assert.True(oracle == TokenCheckStatus.Invalid, $"The handler did not refuse {kind} {token}");
        }

        Assert.True(count > 0);
    }

    [Theory]
    [MemberData(nameof(AllAlgorithms))]
    public void Read_EveryForgery_NoExceptionThrownEvenInternally(string algorithm)
    {
        // A refusal costs no exception, not even one thrown and caught inside: counted on this thread only, since
        // other tests run in parallel (Read is synchronous, so all of its work happens here).
        var f = new Forge(algorithm);
        var forgeries = Forgeries.Values.SelectMany(forge => forge(f)).ToList();
        var thread = Environment.CurrentManagedThreadId;
        var thrown = 0;
        void Count(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e)
        {
            if (Environment.CurrentManagedThreadId == thread)
            {
                thrown++;
            }
        }

        AppDomain.CurrentDomain.FirstChanceException += Count;
        var refused = 0;
        try
        {
            foreach (var (token, kind) in forgeries)
            {
                refused += f.Codec.Read(token, kind, Now, out _) == TokenCheckStatus.Invalid ? 1 : 0;
            }
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= Count;
        }

        Assert.Equal(forgeries.Count, refused);
        Assert.Equal(0, thrown);
    }

    [Theory]
    [MemberData(nameof(AllAlgorithms))]
    public async Task Read_GenuineTokensAndUnchangedResigns_AcceptedByBoth(string algorithm)
    {
        // The control of the forgeries: each genuine token, and each re-signed with nothing changed, is accepted.
        var f = new Forge(algorithm);

        foreach (var (token, kind) in new[] { (f.Id, TokenKind.VerificationId), (f.Token, TokenKind.VerificationToken), (f.Challenge, TokenKind.CaptchaChallenge), (f.CaptchaToken, TokenKind.CaptchaToken) })
        {
            var resigned = f.Signer.Sign(token[..token.LastIndexOf('.')]);
            if (algorithm != "ES256")
            {
                Assert.Equal(token, resigned);
            }

            foreach (var candidate in new[] { token, resigned })
            {
                Assert.Equal(TokenCheckStatus.Valid, f.Codec.Read(candidate, kind, Now, out _));
                Assert.Equal(TokenCheckStatus.Valid, (await f.Oracle.CheckAsync(candidate, kind, Now)).Status);
            }
        }

        // nbf within the skew is honoured, not refused.
        var withinSkew = Jws.Resign(f.Signer, f.Id, payload: p => p["nbf"] = (Now + Skew - TimeSpan.FromSeconds(1)).ToUnixTimeSeconds());
        Assert.Equal(TokenCheckStatus.Valid, f.Codec.Read(withinSkew, TokenKind.VerificationId, Now, out _));
        Assert.Equal(TokenCheckStatus.Valid, (await f.Oracle.CheckAsync(withinSkew, TokenKind.VerificationId, Now)).Status);
    }

    [Theory]
    [MemberData(nameof(AllAlgorithms))]
    public async Task Read_ExpiredGenuineId_ExpiredForBoth(string algorithm)
    {
        var f = new Forge(algorithm);
        var later = Expires + Skew;

        Assert.Equal(TokenCheckStatus.Expired, f.Codec.Read(f.Id, TokenKind.VerificationId, later, out var claims));
        Assert.Equal(TokenCheckStatus.Expired, (await f.Oracle.CheckAsync(f.Id, TokenKind.VerificationId, later)).Status);
        Assert.Equal(Expires, claims.ExpiresAt);
    }

    public static TheoryData<string> AllAlgorithms => [.. Algorithms];

    private static string PayloadSegment(string token) => token.Split('.')[1];

    private static string Signature(string token) => token.Split('.')[2];

    private static string Edited(string token, string claim, JsonNode value)
    {
        var parts = token.Split('.');
        var payload = Jws.Decode(parts[1]);
        payload[claim] = value;
        return $"{parts[0]}.{Jws.Encode(payload)}.{parts[2]}";
    }

    private static JsonNode KeyCarrying(string name)
    {
        using var attacker = RSA.Create(1024);
        var parameters = attacker.ExportParameters(false);
        return name switch
        {
            "jku" => "https://attacker.example/.well-known/jwks.json",
            "x5u" => "http://127.0.0.1:1/keys.json",
            "jwk" => new JsonObject { ["kty"] = "RSA", ["kid"] = "key-1", ["n"] = Base64UrlEncoder.Encode(parameters.Modulus), ["e"] = Base64UrlEncoder.Encode(parameters.Exponent) },
            "crit" => new JsonArray("exp"),
            _ => new JsonArray(Convert.ToBase64String(attacker.ExportSubjectPublicKeyInfo())),
        };
    }

    /// <summary>Genuine tokens of one algorithm, and what a forger may hold: the public key, another key.</summary>
    private sealed class Forge
    {
        public Forge(string algorithm)
        {
            Algorithm = algorithm;
            var ring = Ring(algorithm);
            (Codec, Oracle) = Both(ring);
            Signer = Oracle;
            OtherSigner = new JwtOracle(Load(algorithm, OtherKey(algorithm, "key-1")), ProjectId, Skew);
            Id = Codec.CreateVerificationId(Guid.NewGuid(), CodeHasher.NewNonce(), Contact, VerificationUsage.SignIn, Expires);
            Token = Codec.CreateVerificationToken(Guid.NewGuid().ToString("N"), Contact, VerificationUsage.SignIn, Expires);
            Challenge = Codec.CreateCaptchaChallenge(Guid.NewGuid(), CodeHasher.NewNonce(), Expires);
            CaptchaToken = Codec.CreateCaptchaToken(Guid.NewGuid().ToString("N"), Expires);
            OtherProjectId = new TokenCodec(ring, "proj-b", Skew).CreateVerificationId(Guid.NewGuid(), CodeHasher.NewNonce(), Contact, null, Expires);
            PublicKeyBytes = ring.ValidationKeys[0] switch
            {
                RsaSecurityKey rsa => [Encoding.ASCII.GetBytes(rsa.Rsa.ExportSubjectPublicKeyInfoPem()), rsa.Rsa.ExportSubjectPublicKeyInfo(), rsa.Rsa.ExportRSAPublicKey()],
                ECDsaSecurityKey ec => [Encoding.ASCII.GetBytes(ec.ECDsa.ExportSubjectPublicKeyInfoPem()), ec.ECDsa.ExportSubjectPublicKeyInfo()],
                _ => [[], new byte[32]], // HS256 has no public key: an empty and an all-zero secret instead
            };
        }

        public string Algorithm { get; }

        public TokenCodec Codec { get; }

        public JwtOracle Oracle { get; }

        public JwtOracle Signer { get; }

        public JwtOracle OtherSigner { get; }

        public string Id { get; }

        public string Token { get; }

        public string Challenge { get; }

        public string CaptchaToken { get; }

        public string OtherProjectId { get; }

        public byte[][] PublicKeyBytes { get; }
    }
}
