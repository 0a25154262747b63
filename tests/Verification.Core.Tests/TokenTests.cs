using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Verification.Tests;

public sealed partial class TokenTests
{
    private const string Phone = "+86 155 8866 5555";
    private const string E164 = "+8615588665555";
    private const string KeyId = "key-2026";
    private const string OldKeyId = "key-2025";
    private const string ProjectId = "proj-a";

    // 32 fixed bytes (0x00..0x1F): every service of a test shares it, as instances of one deployment do.
    private const string HashKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    private static readonly DateTimeOffset Start = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(600);
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(10);

    // Generating an RSA-2048 key takes about half a second on a 2-core machine, so the RS256 keys are made once
    // per run and only read afterwards; every test still owns its services, store and clock.
    private static readonly Lazy<string> SigningPem = new(NewRsaPem);
    private static readonly Lazy<string> OtherPem = new(NewRsaPem);

    [Fact]
    public async Task SendAsync_DefaultOptions_VerificationIdHeaderIsRs256WithSigningKeyIdAndVidType()
    {
        var h = CreateHarness();

        var (id, _) = await SendAsync(h);

        var header = Header(id);
        Assert.Equal("RS256", header["alg"]!.GetValue<string>());
        Assert.Equal(KeyId, header["kid"]!.GetValue<string>());
        Assert.Equal("vid+jwt", header["typ"]!.GetValue<string>());
    }

    [Fact]
    public async Task SendAsync_WithUsage_VerificationIdCarriesExactlyTheDocumentedClaims()
    {
        var h = CreateHarness();

        var (id, _) = await SendAsync(h, usage: VerificationUsage.SignIn);

        var payload = Payload(id);
        Assert.Equal(new[] { "e", "exp", "kid", "pj", "t", "u" }, payload.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(E164, payload["e"]!.GetValue<string>());
        Assert.Equal((Start + Lifetime).ToUnixTimeSeconds(), payload["exp"]!.GetValue<long>());
        Assert.Equal(ProjectId, payload["pj"]!.GetValue<string>());
        Assert.Equal("SIGN_IN", payload["u"]!.GetValue<string>());

        var recordId = payload["kid"]!.GetValue<string>();
        Assert.True(Guid.TryParseExact(recordId, "D", out _), recordId);
        Assert.NotEqual(KeyId, recordId);
        Assert.NotEqual(Header(id)["kid"]!.GetValue<string>(), recordId);

        var nonce = payload["t"]!.GetValue<string>();
        Assert.Matches("^[0-9a-f]{32}$", nonce);
    }

    [Fact]
    public async Task SendAsync_WithoutUsage_VerificationIdHasNoUsageClaim()
    {
        var h = CreateHarness();

        var (id, _) = await SendAsync(h);

        Assert.Equal(new[] { "e", "exp", "kid", "pj", "t" }, Payload(id).Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task SendAsync_Email_VerificationIdCarriesNormalizedEmail()
    {
        var h = CreateHarness();

        var sent = await h.Service.SendAsync(new VerificationRequest(Email: "Alice@Example.COM"));

        Assert.True(sent.Succeeded, sent.ToString());
        Assert.Equal("alice@example.com", Payload(sent.Value.VerificationId)["e"]!.GetValue<string>());
    }

    [Fact]
    public async Task SendAsync_TwoContacts_GetDistinctRecordIdsAndNonces()
    {
        var h = CreateHarness();

        var (first, _) = await SendAsync(h, "+86 155 8866 5555");
        var (second, _) = await SendAsync(h, "+86 155 8866 5556");

        Assert.NotEqual(Payload(first)["kid"]!.GetValue<string>(), Payload(second)["kid"]!.GetValue<string>());
        Assert.NotEqual(Payload(first)["t"]!.GetValue<string>(), Payload(second)["t"]!.GetValue<string>());
    }

    [Fact]
    public async Task VerifyAsync_CorrectCode_VerificationTokenIsRs256WithVtTypeAndItsClaims()
    {
        var h = CreateHarness();
        var (id, code) = await SendAsync(h, usage: VerificationUsage.Register);
        h.Time.Advance(TimeSpan.FromSeconds(30));

        var verified = await h.Service.VerifyAsync(new VerifyRequest(id, code));

        Assert.True(verified.Succeeded, verified.ToString());
        Assert.Equal(600, verified.Value.ExpiresIn);
        var token = verified.Value.VerificationToken;
        var header = Header(token);
        Assert.Equal("RS256", header["alg"]!.GetValue<string>());
        Assert.Equal(KeyId, header["kid"]!.GetValue<string>());
        Assert.Equal("vt+jwt", header["typ"]!.GetValue<string>());

        var payload = Payload(token);
        Assert.Equal(new[] { "e", "exp", "jti", "pj", "u" }, payload.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(E164, payload["e"]!.GetValue<string>());
        Assert.Equal((Start + TimeSpan.FromSeconds(30) + Lifetime).ToUnixTimeSeconds(), payload["exp"]!.GetValue<long>());
        Assert.Equal(ProjectId, payload["pj"]!.GetValue<string>());
        Assert.Equal("REGISTER", payload["u"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(payload["jti"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData(VerificationUsage.Register, "REGISTER")]
    [InlineData(VerificationUsage.SignIn, "SIGN_IN")]
    [InlineData(VerificationUsage.PasswordReset, "PASSWORD_RESET")]
    [InlineData(VerificationUsage.EmailAddressChange, "EMAIL_ADDRESS_CHANGE")]
    [InlineData(VerificationUsage.PhoneNumberChange, "PHONE_NUMBER_CHANGE")]
    public async Task RedeemVerificationTokenAsync_Usage_IsBoundAsWireNameAndReturned(VerificationUsage usage, string wireName)
    {
        var h = CreateHarness();
        var (id, code) = await SendAsync(h, usage: usage);
        Assert.Equal(wireName, Payload(id)["u"]!.GetValue<string>());
        var verified = await h.Service.VerifyAsync(new VerifyRequest(id, code));
        Assert.True(verified.Succeeded, verified.ToString());
        Assert.Equal(wireName, Payload(verified.Value.VerificationToken)["u"]!.GetValue<string>());

        var redeemed = await h.Service.RedeemVerificationTokenAsync(verified.Value.VerificationToken);

        Assert.True(redeemed.Succeeded, redeemed.ToString());
        Assert.Equal(usage, redeemed.Value.Usage);
        Assert.Equal(E164, redeemed.Value.PhoneNumber);
    }

    [Fact]
    public async Task SendVerifyRedeem_Es256Keys_SucceedWithEs256Tokens()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var h = CreateHarness(o =>
        {
            o.Tokens.Algorithm = "ES256";
            o.Tokens.SigningKeys = [new SigningKeyOptions { KeyId = "ec-1", Pem = ecdsa.ExportPkcs8PrivateKeyPem() }];
        });

        await AssertEndToEndAsync(h, "ES256", "ec-1");
    }

    [Fact]
    public async Task SendVerifyRedeem_Hs256Secret_SucceedWithHs256Tokens()
    {
        var h = CreateHarness(o =>
        {
            o.Tokens.Algorithm = "HS256";
            o.Tokens.SigningKeys = [new SigningKeyOptions { KeyId = "hs-1", Secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) }];
        });

        await AssertEndToEndAsync(h, "HS256", "hs-1");
    }

    private static async Task AssertEndToEndAsync(Harness h, string algorithm, string keyId)
    {
        var (id, code) = await SendAsync(h, usage: VerificationUsage.SignIn);
        Assert.Equal(algorithm, Header(id)["alg"]!.GetValue<string>());
        Assert.Equal(keyId, Header(id)["kid"]!.GetValue<string>());
        Assert.Equal("vid+jwt", Header(id)["typ"]!.GetValue<string>());

        var verified = await h.Service.VerifyAsync(new VerifyRequest(id, code));
        Assert.True(verified.Succeeded, verified.ToString());
        var token = verified.Value.VerificationToken;
        Assert.Equal(algorithm, Header(token)["alg"]!.GetValue<string>());
        Assert.Equal("vt+jwt", Header(token)["typ"]!.GetValue<string>());

        var redeemed = await h.Service.RedeemVerificationTokenAsync(token);
        Assert.True(redeemed.Succeeded, redeemed.ToString());
        Assert.Equal(E164, redeemed.Value.Contact);
        Assert.Equal(VerificationUsage.SignIn, redeemed.Value.Usage);

        // The algorithm is pinned per token type too: the id is not a token, the token not an id.
        await AssertRedeemRefusedAsync(h, id, VerificationErrorReasons.Unknown);
        await AssertVerifyRefusedAsync(h, token, code, VerificationErrorReasons.Unknown);
    }

    private static Harness CreateHarness(Action<VerificationOptions>? configure = null, InMemoryCodeStore? store = null, FakeTimeProvider? time = null)
    {
        var options = new VerificationOptions { ProjectId = ProjectId };
        options.Tokens.HashKey = HashKey;
        options.Tokens.SigningKeys.Add(new SigningKeyOptions { KeyId = KeyId, Pem = SigningPem.Value });
        configure?.Invoke(options);
        var outbox = new FakeSmsSender();
        time ??= new FakeTimeProvider(Start);
        var service = new VerificationService(Options.Create(options), store ?? new InMemoryCodeStore(), [outbox], [new FakeEmailSender()], timeProvider: time);
        return new Harness(service, time, outbox);
    }

    private static async Task<(string Id, string Code)> SendAsync(Harness h, string phone = Phone, VerificationUsage? usage = null)
    {
        var sent = await h.Service.SendAsync(new VerificationRequest(PhoneNumber: phone, Usage: usage));
        Assert.True(sent.Succeeded, sent.ToString());
        return (sent.Value.VerificationId, h.Outbox.LastCode!);
    }

    private static async Task<string> VerificationTokenAsync(Harness h)
    {
        var (id, code) = await SendAsync(h);
        var verified = await h.Service.VerifyAsync(new VerifyRequest(id, code));
        Assert.True(verified.Succeeded, verified.ToString());
        return verified.Value.VerificationToken;
    }

    private static async Task AssertVerifiesAsync(Harness h, string id, string code)
    {
        var result = await h.Service.VerifyAsync(new VerifyRequest(id, code));
        Assert.True(result.Succeeded, result.ToString());
    }

    private static async Task AssertVerifyRefusedAsync(Harness h, string id, string code, string reason)
    {
        var result = await h.Service.VerifyAsync(new VerifyRequest(id, code));
        Assert.False(result.Succeeded, "The forged or expired verification id was accepted.");
        Assert.Equal(VerificationErrorCodes.InvalidVerificationCode, result.Error.Code);
        Assert.Equal(reason, result.Error.Reason);
    }

    private static async Task AssertRedeemRefusedAsync(Harness h, string token, string reason)
    {
        var result = await h.Service.RedeemVerificationTokenAsync(token);
        Assert.False(result.Succeeded, "The forged or expired verification token was accepted.");
        Assert.Equal(VerificationErrorCodes.InvalidVerificationToken, result.Error.Code);
        Assert.Equal(reason, result.Error.Reason);
    }

    private static SigningKeyRing LoadRing(params SigningKeyOptions[] keys)
    {
        var errors = new List<string>();
        var ring = SigningKeyRing.Load(new TokenOptions { SigningKeys = keys }, errors);
        Assert.True(ring is not null, string.Join(Environment.NewLine, errors));
        return ring;
    }

    private static JsonObject Header(string jwt) => Decode(jwt.Split('.')[0]);

    private static JsonObject Payload(string jwt) => Decode(jwt.Split('.')[1]);

    private static JsonObject Decode(string segment) => JsonNode.Parse(Base64UrlEncoder.Decode(segment))!.AsObject();

    private static string Encode(JsonObject json) => Base64UrlEncoder.Encode(json.ToJsonString());

    private static RsaSecurityKey RsaKey(string pem, string? keyId)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return new RsaSecurityKey(rsa) { KeyId = keyId };
    }

    /// <summary>Signs the claims of <paramref name="jwt"/> again with <paramref name="key"/>, the way an attacker holding a key would.</summary>
    private static string Resign(
        string jwt,
        SecurityKey key,
        Action<Dictionary<string, object>>? editClaims = null,
        IDictionary<string, object>? extraHeaders = null,
        string? typ = null)
    {
        var claims = new Dictionary<string, object>(StringComparer.Ordinal);
        using (var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(jwt.Split('.')[1])))
        {
            foreach (var claim in payload.RootElement.EnumerateObject())
            {
                claims[claim.Name] = claim.Value.ValueKind == JsonValueKind.Number ? claim.Value.GetInt64() : claim.Value.GetString()!;
            }
        }

        editClaims?.Invoke(claims);
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = typ ?? Header(jwt)["typ"]!.GetValue<string>(),
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
            AdditionalHeaderClaims = extraHeaders,
        });
    }

    private static Dictionary<string, object> KeyCarryingHeader(string name)
    {
        using var attacker = RSA.Create(1024);
        var parameters = attacker.ExportParameters(false);
        object value = name switch
        {
            "jku" => "https://attacker.example/.well-known/jwks.json",
            "x5u" => "https://attacker.example/cert.pem",
            "jwk" => new Dictionary<string, object>
            {
                ["kty"] = "RSA",
                ["kid"] = KeyId,
                ["n"] = Base64UrlEncoder.Encode(parameters.Modulus!),
                ["e"] = Base64UrlEncoder.Encode(parameters.Exponent!),
            },
            _ => new List<object> { Convert.ToBase64String(attacker.ExportSubjectPublicKeyInfo()) },
        };
        return new Dictionary<string, object>(StringComparer.Ordinal) { [name] = value };
    }

    private static string NewRsaPem()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    private sealed record Harness(VerificationService Service, FakeTimeProvider Time, FakeSmsSender Outbox);
}
