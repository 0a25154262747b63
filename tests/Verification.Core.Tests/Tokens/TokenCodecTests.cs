using System.Globalization;
using static Verification.Tests.Tokens.CodecKeys;

namespace Verification.Tests.Tokens;

/// <summary>
/// <see cref="TokenCodec"/>: what it writes (the JWT library's wire format, checked against the library itself) and
/// every rule it reads by. The forgeries of the token suites are in <see cref="TokenCodecForgeryTests"/>, the random
/// mutations in <see cref="TokenCodecPropertyTests"/>.
/// </summary>
public sealed class TokenCodecTests
{
    private const string Contact = "+8615588665555";
    private const string Nonce = "0123456789abcdef0123456789abcdef";
    private static readonly DateTimeOffset Expires = Now + TimeSpan.FromMinutes(10);
    private static readonly Guid RecordId = Guid.Parse("5b1f7a3e-9c2d-4e8f-a1b0-c3d4e5f60718");

    public static TheoryData<string> AllAlgorithms => [.. Algorithms];

    [Theory]
    [MemberData(nameof(AllAlgorithms))]
    public async Task Create_EveryKind_ValidatesWithTheHandlerUnderThePinnedParametersWithTheSameClaims(string algorithm)
    {
        var (codec, oracle) = Both(Ring(algorithm));

        foreach (var (kind, token, expected) in Minted(codec))
        {
            Assert.NotNull(await oracle.ValidateAsync(token, kind));
            var (status, claims) = await oracle.CheckAsync(token, kind, Now);
            Assert.Equal(TokenCheckStatus.Valid, status);
            Assert.Equal(expected, claims);
            Assert.Equal(TokenCheckStatus.Valid, codec.Read(token, kind, Now, out var read));
            Assert.Equal(expected, read);
        }
    }

    [Theory]
    [InlineData("RS256", "key-1")]
    [InlineData("HS256", "key-1")]
    [InlineData("RS256", "k+1 é\"<>&'\\/\u2028")]
    [InlineData("HS256", "ключ/1")]
    public void Create_DeterministicAlgorithms_ByteIdenticalToTheHandlersTokens(string algorithm, string keyId)
    {
        // RS256 and HS256 signatures are deterministic: equal tokens mean equal header, payload and signature bytes.
        var (codec, oracle) = Both(Ring(algorithm, keyId));
        foreach (var contact in new[] { Contact, "Alice@example.com", "ü\u00e9@例え.jp", "a\"b\\c<d>&'e\u2028\u0001@x.io" })
        {
            Assert.Equal(
                oracle.Create(TokenKind.VerificationId, new() { ["e"] = contact, ["kid"] = RecordId.ToString("D"), ["pj"] = ProjectId, ["t"] = Nonce, ["u"] = "SIGN_IN" }, Expires),
                codec.CreateVerificationId(RecordId, Nonce, contact, VerificationUsage.SignIn, Expires));
            Assert.Equal(
                oracle.Create(TokenKind.VerificationId, new() { ["e"] = contact, ["kid"] = RecordId.ToString("D"), ["pj"] = ProjectId, ["t"] = Nonce }, Expires),
                codec.CreateVerificationId(RecordId, Nonce, contact, null, Expires));
            Assert.Equal(
                oracle.Create(TokenKind.VerificationToken, new() { ["e"] = contact, ["jti"] = "tok", ["pj"] = ProjectId, ["u"] = "PHONE_NUMBER_CHANGE" }, Expires),
                codec.CreateVerificationToken("tok", contact, VerificationUsage.PhoneNumberChange, Expires));
        }

        Assert.Equal(
            oracle.Create(TokenKind.CaptchaChallenge, new() { ["kid"] = RecordId.ToString("D"), ["pj"] = ProjectId, ["t"] = Nonce }, Expires),
            codec.CreateCaptchaChallenge(RecordId, Nonce, Expires));
        Assert.Equal(
            oracle.Create(TokenKind.CaptchaToken, new() { ["jti"] = "tok", ["pj"] = ProjectId }, Expires),
            codec.CreateCaptchaToken("tok", Expires));
    }

    [Theory]
    [MemberData(nameof(AllAlgorithms))]
    public void Read_TokensTheHandlerMinted_ValidWithTheirClaims(string algorithm)
    {
        // Tokens minted before the codec (by the JWT library) keep validating after it.
        var (codec, oracle) = Both(Ring(algorithm));

        var id = oracle.Create(TokenKind.VerificationId, new() { ["e"] = Contact, ["kid"] = RecordId.ToString("D"), ["pj"] = ProjectId, ["t"] = Nonce, ["u"] = "REGISTER" }, Expires);
        var token = oracle.Create(TokenKind.VerificationToken, new() { ["e"] = Contact, ["jti"] = "tok", ["pj"] = ProjectId }, Expires);
        var challenge = oracle.Create(TokenKind.CaptchaChallenge, new() { ["kid"] = RecordId.ToString("D"), ["pj"] = ProjectId, ["t"] = Nonce }, Expires);
        var captcha = oracle.Create(TokenKind.CaptchaToken, new() { ["jti"] = "cap", ["pj"] = ProjectId }, Expires);

        Assert.Equal(TokenCheckStatus.Valid, codec.Read(id, TokenKind.VerificationId, Now, out var idClaims));
        Assert.Equal(new TokenPayload(Contact, RecordId, Nonce, null, VerificationUsage.Register, Expires), idClaims);
        Assert.Equal(TokenCheckStatus.Valid, codec.Read(token, TokenKind.VerificationToken, Now, out var tokenClaims));
        Assert.Equal(new TokenPayload(Contact, Guid.Empty, null, "tok", null, Expires), tokenClaims);
        Assert.Equal(TokenCheckStatus.Valid, codec.Read(challenge, TokenKind.CaptchaChallenge, Now, out var challengeClaims));
        Assert.Equal(new TokenPayload(null, RecordId, Nonce, null, null, Expires), challengeClaims);
        Assert.Equal(TokenCheckStatus.Valid, codec.Read(captcha, TokenKind.CaptchaToken, Now, out var captchaClaims));
        Assert.Equal(new TokenPayload(null, Guid.Empty, null, "cap", null, Expires), captchaClaims);
    }

    [Theory]
    [MemberData(nameof(AllAlgorithms))]
    public void Read_AnyKindAsAnotherKind_Invalid(string algorithm)
    {
        var (codec, _) = Both(Ring(algorithm));

        foreach (var (kind, token, _) in Minted(codec))
        {
            foreach (var other in Enum.GetValues<TokenKind>().Where(k => k != kind))
            {
                Assert.Equal(TokenCheckStatus.Invalid, codec.Read(token, other, Now, out var claims));
                Assert.Equal(default, claims);
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllAlgorithms))]
    public void Read_AroundExpiryPlusSkew_ValidThenExpiredWithClaims(string algorithm)
    {
        var (codec, _) = Both(Ring(algorithm));
        var id = codec.CreateVerificationId(RecordId, Nonce, Contact, null, Expires);

        Assert.Equal(TokenCheckStatus.Valid, codec.Read(id, TokenKind.VerificationId, Expires + Skew - TimeSpan.FromTicks(1), out _));
        Assert.Equal(TokenCheckStatus.Expired, codec.Read(id, TokenKind.VerificationId, Expires + Skew, out var claims));
        Assert.Equal(RecordId, claims.RecordId);
        Assert.Equal(Expires, claims.ExpiresAt);
        Assert.Equal(TokenCheckStatus.Expired, codec.Read(id, TokenKind.VerificationId, DateTimeOffset.MaxValue, out _));
    }

    [Fact]
    public async Task Read_ExpiryAtTheEpoch_ExpiredLikeTheHandler()
    {
        var (codec, oracle) = Both(Ring("HS256"));
        var id = codec.CreateVerificationId(RecordId, Nonce, Contact, null, DateTimeOffset.UnixEpoch);

        Assert.Equal(TokenCheckStatus.Expired, codec.Read(id, TokenKind.VerificationId, Now, out _));
        Assert.Equal(TokenCheckStatus.Expired, (await oracle.CheckAsync(id, TokenKind.VerificationId, Now)).Status);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("253402300799")] // 9999-12-31T23:59:59Z: plus the skew, no longer a date
    [InlineData("253402300800")]
    [InlineData("9223372036854775807")]
    [InlineData("-9223372036854775808")]
    [InlineData("9223372036854775808")]
    [InlineData("1e300")]
    [InlineData("1772352000.5")]
    [InlineData("1.7723520e9")]
    [InlineData("\"1772352000\"")]
    [InlineData("null")]
    [InlineData("true")]
    [InlineData("[1772352000]")]
    [InlineData("{\"v\":1772352000}")]
    public void Read_ExpOutOfRangeOrNotAnInteger_MalformedWithoutThrowing(string exp)
    {
        var (codec, oracle) = Both(Ring("HS256"));
        var id = codec.CreateVerificationId(RecordId, Nonce, Contact, null, Expires);
        var forged = Jws.ResignRaw(oracle, id, $$"""{"exp":{{exp}},"e":"{{Contact}}","kid":"{{RecordId}}","pj":"{{ProjectId}}","t":"{{Nonce}}"}""");

        Assert.Equal(TokenCheckStatus.Malformed, codec.Read(forged, TokenKind.VerificationId, Now, out var payload));
        Assert.Equal(default, payload);
    }

    [Fact]
    public void Read_ExpJustBeforeTheLastDatePlusSkew_ValidAndItsExpiryStillAddsTheSkew()
    {
        var (codec, oracle) = Both(Ring("HS256"));
        var exp = DateTimeOffset.MaxValue.ToUnixTimeSeconds() - (long)Skew.TotalSeconds - 1;
        var id = Jws.ResignRaw(oracle, codec.CreateVerificationId(RecordId, Nonce, Contact, null, Expires),
            $$"""{"exp":{{exp}},"e":"{{Contact}}","kid":"{{RecordId}}","pj":"{{ProjectId}}","t":"{{Nonce}}"}""");

        Assert.Equal(TokenCheckStatus.Valid, codec.Read(id, TokenKind.VerificationId, Now, out var claims));
        Assert.Equal(exp, claims.ExpiresAt.ToUnixTimeSeconds());
        Assert.True(claims.ExpiresAt + Skew <= DateTimeOffset.MaxValue);
    }

    [Theory]
    [InlineData(-1, true)]
    [InlineData(9, true)]
    [InlineData(10, true)]
    [InlineData(11, false)]
    [InlineData(86_400, false)]
    public async Task Read_NotBefore_HonouredWithTheSkewLikeTheHandler(int secondsFromNow, bool valid)
    {
        var expected = valid ? TokenCheckStatus.Valid : TokenCheckStatus.Invalid;
        var (codec, oracle) = Both(Ring("RS256"));
        var id = codec.CreateVerificationId(RecordId, Nonce, Contact, null, Expires);
        var nbf = (Now + TimeSpan.FromSeconds(secondsFromNow)).ToUnixTimeSeconds();

        var forged = Jws.Resign(oracle, id, payload: p => p["nbf"] = nbf);

        Assert.Equal(expected, codec.Read(forged, TokenKind.VerificationId, Now, out _));
        Assert.Equal(expected, (await oracle.CheckAsync(forged, TokenKind.VerificationId, Now)).Status);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("253402300800")]
    [InlineData("1.5")]
    [InlineData("\"0\"")]
    public void Read_NotBeforeOutOfRangeOrNotAnInteger_Malformed(string nbf)
    {
        var (codec, oracle) = Both(Ring("HS256"));
        var id = codec.CreateVerificationId(RecordId, Nonce, Contact, null, Expires);
        var exp = Expires.ToUnixTimeSeconds();

        var forged = Jws.ResignRaw(oracle, id, $$"""{"exp":{{exp}},"nbf":{{nbf}},"e":"{{Contact}}","kid":"{{RecordId}}","pj":"{{ProjectId}}","t":"{{Nonce}}"}""");

        Assert.Equal(TokenCheckStatus.Malformed, codec.Read(forged, TokenKind.VerificationId, Now, out _));
    }

    public static TheoryData<string, string> MalformedPayloads()
    {
        var exp = Expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var claims = $"\"exp\":{exp},\"e\":\"{Contact}\",\"kid\":\"{RecordId}\",\"pj\":\"{ProjectId}\",\"t\":\"{Nonce}\"";
        return new TheoryData<string, string>
        {
            { "control", $"{{{claims}}}" },
            { "duplicate e", $$"""{{{claims}},"e":"+8613800138000"}""" },
            { "duplicate exp", $$"""{"exp":1,{{claims}}}""" },
            { "duplicate kid, escaped", $$"""{{{claims}},"\u006bid":"{{Guid.NewGuid()}}"}""" },
            { "duplicate pj", $$"""{{{claims}},"pj":"{{ProjectId}}"}""" },
            { "unknown claim", $$"""{{{claims}},"iat":{{exp}}}""" },
            { "unknown claim crit", $$"""{{{claims}},"crit":["exp"]}""" },
            { "jti on an id", $$"""{{{claims}},"jti":"x"}""" },
            { "claim name in another case", $$"""{{{claims}},"U":"SIGN_IN"}""" },
            { "e a number", $$"""{"exp":{{exp}},"e":8615588665555,"kid":"{{RecordId}}","pj":"{{ProjectId}}","t":"{{Nonce}}"}""" },
            { "e empty", $$"""{"exp":{{exp}},"e":"","kid":"{{RecordId}}","pj":"{{ProjectId}}","t":"{{Nonce}}"}""" },
            { "e null", $$"""{"exp":{{exp}},"e":null,"kid":"{{RecordId}}","pj":"{{ProjectId}}","t":"{{Nonce}}"}""" },
            { "e an array", $$"""{"exp":{{exp}},"e":["{{Contact}}"],"kid":"{{RecordId}}","pj":"{{ProjectId}}","t":"{{Nonce}}"}""" },
            { "e an object", $$"""{"exp":{{exp}},"e":{"e":"{{Contact}}"},"kid":"{{RecordId}}","pj":"{{ProjectId}}","t":"{{Nonce}}"}""" },
            { "t empty", $$"""{"exp":{{exp}},"e":"{{Contact}}","kid":"{{RecordId}}","pj":"{{ProjectId}}","t":""}""" },
            { "pj another project", $$"""{"exp":{{exp}},"e":"{{Contact}}","kid":"{{RecordId}}","pj":"proj-b","t":"{{Nonce}}"}""" },
            { "pj a prefix", $$"""{"exp":{{exp}},"e":"{{Contact}}","kid":"{{RecordId}}","pj":"proj","t":"{{Nonce}}"}""" },
            { "pj a number", $$"""{"exp":{{exp}},"e":"{{Contact}}","kid":"{{RecordId}}","pj":1,"t":"{{Nonce}}"}""" },
            { "kid N format", $$"""{"exp":{{exp}},"e":"{{Contact}}","kid":"{{RecordId:N}}","pj":"{{ProjectId}}","t":"{{Nonce}}"}""" },
            { "kid B format", $$"""{"exp":{{exp}},"e":"{{Contact}}","kid":"{{RecordId:B}}","pj":"{{ProjectId}}","t":"{{Nonce}}"}""" },
            { "kid with a suffix", $$"""{"exp":{{exp}},"e":"{{Contact}}","kid":"{{RecordId}}0","pj":"{{ProjectId}}","t":"{{Nonce}}"}""" },
            { "kid not hex", $$"""{"exp":{{exp}},"e":"{{Contact}}","kid":"zb1f7a3e-9c2d-4e8f-a1b0-c3d4e5f60718","pj":"{{ProjectId}}","t":"{{Nonce}}"}""" },
            { "u unknown", $$"""{{{claims}},"u":"LOGIN"}""" },
            { "u lower case", $$"""{{{claims}},"u":"sign_in"}""" },
            { "u a number", $$"""{{{claims}},"u":2}""" },
            { "u null", $$"""{{{claims}},"u":null}""" },
            { "missing exp", $$"""{"e":"{{Contact}}","kid":"{{RecordId}}","pj":"{{ProjectId}}","t":"{{Nonce}}"}""" },
            { "missing e", $$"""{"exp":{{exp}},"kid":"{{RecordId}}","pj":"{{ProjectId}}","t":"{{Nonce}}"}""" },
            { "missing kid", $$"""{"exp":{{exp}},"e":"{{Contact}}","pj":"{{ProjectId}}","t":"{{Nonce}}"}""" },
            { "missing pj", $$"""{"exp":{{exp}},"e":"{{Contact}}","kid":"{{RecordId}}","t":"{{Nonce}}"}""" },
            { "missing t", $$"""{"exp":{{exp}},"e":"{{Contact}}","kid":"{{RecordId}}","pj":"{{ProjectId}}"}""" },
            { "an array", $"[{{{claims}}}]" },
            { "a string", "\"x\"" },
            { "null", "null" },
            { "empty", string.Empty },
            { "two objects", $"{{{claims}}}{{}}" },
            { "trailing garbage", $"{{{claims}}}x" },
            { "trailing comma", $"{{{claims},}}" },
            { "a comment", $"{{{claims}/**/}}" },
            { "unterminated", $"{{{claims}" },
            { "single quotes", $$"""{'exp':{{exp}}}""" },
            { "invalid UTF-8 in a string", $$"""{"exp":{{exp}},"e":"{{Contact}}","kid":"{{RecordId}}","pj":"{{ProjectId}}","t":"\ud800"}""" },
        };
    }

    [Theory]
    [MemberData(nameof(MalformedPayloads))]
    public void Read_PayloadSignedByTheKeyButNotExactlyAnIdsClaims_MalformedWithoutThrowing(string name, string payload)
    {
        var (codec, oracle) = Both(Ring("HS256"));
        var id = codec.CreateVerificationId(RecordId, Nonce, Contact, null, Expires);

        var status = codec.Read(Jws.ResignRaw(oracle, id, payload), TokenKind.VerificationId, Now, out var claims);

        // Another project's pj (or none) is another project's token, an empty payload segment no token at all;
        // anything else wrong is a malformed one of ours.
        var expected = name switch
        {
            "control" => TokenCheckStatus.Valid,
            "missing pj" or "empty" => TokenCheckStatus.Invalid,
            _ when name.StartsWith("pj ", StringComparison.Ordinal) => TokenCheckStatus.Invalid,
            _ => TokenCheckStatus.Malformed,
        };
        Assert.Equal(expected, status);
        Assert.Equal(name == "control" ? RecordId : Guid.Empty, claims.RecordId);
    }

    [Theory]
    [InlineData(nameof(TokenKind.CaptchaChallenge), "u", "\"SIGN_IN\"")]
    [InlineData(nameof(TokenKind.CaptchaChallenge), "e", "\"+8615588665555\"")]
    [InlineData(nameof(TokenKind.CaptchaToken), "u", "\"SIGN_IN\"")]
    [InlineData(nameof(TokenKind.CaptchaToken), "kid", "\"5b1f7a3e-9c2d-4e8f-a1b0-c3d4e5f60718\"")]
    [InlineData(nameof(TokenKind.VerificationToken), "t", "\"0123\"")]
    public void Read_ClaimAnotherKindHas_Malformed(string kindName, string claim, string value)
    {
        var kind = Enum.Parse<TokenKind>(kindName);
        var (codec, oracle) = Both(Ring("ES256"));
        var token = Minted(codec).Single(m => m.Kind == kind).Token;
        var payload = Jws.Payload(token).ToJsonString();

        var forged = Jws.ResignRaw(oracle, token, payload[..^1] + $",\"{claim}\":{value}}}");

        Assert.Equal(TokenCheckStatus.Valid, codec.Read(Jws.ResignRaw(oracle, token, payload), kind, Now, out _));
        Assert.Equal(TokenCheckStatus.Malformed, codec.Read(forged, kind, Now, out _));
    }

    [Theory]
    [MemberData(nameof(AllAlgorithms))]
    public void Read_SignatureNotCanonicalBase64Url_Invalid(string algorithm)
    {
        var (codec, _) = Both(Ring(algorithm));
        var id = codec.CreateVerificationId(RecordId, Nonce, Contact, null, Expires);
        var signature = id[(id.LastIndexOf('.') + 1)..];
        var unusedBits = (signature.Length % 4) switch { 2 => 0b1111, 3 => 0b11, _ => 0 };
        Assert.NotEqual(0, unusedBits);
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var last = Alphabet.IndexOf(signature[^1], StringComparison.Ordinal);

        // The same bytes spelled with non-zero unused bits, padded, in base64 rather than base64url, or with a space.
        var noncanonical = id[..^1] + Alphabet[last | 1];
        var variants = new[] { noncanonical, id + "=", id + "==", id.Replace('-', '+').Replace('_', '/'), id[..^2] + " " + id[^2..], id + "\n" };

        Assert.Equal(TokenCheckStatus.Valid, codec.Read(id, TokenKind.VerificationId, Now, out _));
        Assert.All(variants.Where(v => v != id), v => Assert.Equal(TokenCheckStatus.Invalid, codec.Read(v, TokenKind.VerificationId, Now, out _)));
    }

    [Theory]
    [MemberData(nameof(AllAlgorithms))]
    public void Read_PayloadNotCanonicalBase64Url_Invalid(string algorithm)
    {
        var (codec, oracle) = Both(Ring(algorithm));
        var id = codec.CreateVerificationId(RecordId, Nonce, Contact, null, Expires);
        var parts = id.Split('.');

        var padded = oracle.Sign($"{parts[0]}.{parts[1]}{new string('=', (4 - (parts[1].Length % 4)) % 4)}");
        var spaced = oracle.Sign($"{parts[0]}.{parts[1][..4]} {parts[1][4..]}");

        Assert.Equal(TokenCheckStatus.Valid, codec.Read(oracle.Sign($"{parts[0]}.{parts[1]}"), TokenKind.VerificationId, Now, out _));
        Assert.Equal(TokenCheckStatus.Invalid, codec.Read(spaced, TokenKind.VerificationId, Now, out _));
        if (parts[1].Length % 4 != 0)
        {
            Assert.Equal(TokenCheckStatus.Invalid, codec.Read(padded, TokenKind.VerificationId, Now, out _));
        }
    }

    [Theory]
    [MemberData(nameof(AllAlgorithms))]
    public void Read_AfterRotation_OldKeyValidatesFirstKeySignsRetiredKeyRefused(string algorithm)
    {
        var (before, _) = Both(Load(algorithm, OtherKey(algorithm, "old")));
        var (after, _) = Both(Load(algorithm, Key(algorithm, "new"), OtherKey(algorithm, "old")));
        var (retired, _) = Both(Load(algorithm, Key(algorithm, "new")));
        var old = before.CreateVerificationId(RecordId, Nonce, Contact, null, Expires);

        var fresh = after.CreateVerificationToken("tok", Contact, null, Expires);

        Assert.Equal("old", Jws.Header(old)["kid"]!.GetValue<string>());
        Assert.Equal("new", Jws.Header(fresh)["kid"]!.GetValue<string>());
        Assert.Equal(TokenCheckStatus.Valid, after.Read(old, TokenKind.VerificationId, Now, out var claims));
        Assert.Equal(RecordId, claims.RecordId);
        Assert.Equal(TokenCheckStatus.Valid, retired.Read(fresh, TokenKind.VerificationToken, Now, out _));
        Assert.Equal(TokenCheckStatus.Invalid, retired.Read(old, TokenKind.VerificationId, Now, out _));
        Assert.Equal(TokenCheckStatus.Invalid, before.Read(fresh, TokenKind.VerificationToken, Now, out _));
    }

    [Theory]
    [InlineData("RS256")]
    [InlineData("ES256")]
    public void Read_OldKeyKeptAsPublicKeyOnly_StillValidatesItsTokens(string algorithm)
    {
        var (before, _) = Both(Load(algorithm, OtherKey(algorithm, "old")));
        var old = before.CreateVerificationId(RecordId, Nonce, Contact, null, Expires);
        using var ring = Load(algorithm, OtherKey(algorithm, "old"));
        var publicPem = ring.ValidationKeys[0] switch
        {
            Microsoft.IdentityModel.Tokens.RsaSecurityKey rsa => rsa.Rsa.ExportSubjectPublicKeyInfoPem(),
            var key => ((Microsoft.IdentityModel.Tokens.ECDsaSecurityKey)key).ECDsa.ExportSubjectPublicKeyInfoPem(),
        };
        var (after, _) = Both(Load(algorithm, Key(algorithm, "new"), new SigningKeyOptions { KeyId = "old", Pem = publicPem }));

        Assert.Equal(TokenCheckStatus.Valid, after.Read(old, TokenKind.VerificationId, Now, out _));
    }

    [Fact]
    public void Read_TokenOfAnotherProject_Invalid()
    {
        var ring = Ring("RS256");
        var (projectA, _) = Both(ring);
        var (projectB, _) = Both(ring, "proj-b");

        var id = projectA.CreateVerificationId(RecordId, Nonce, Contact, null, Expires);

        Assert.Equal(TokenCheckStatus.Valid, projectA.Read(id, TokenKind.VerificationId, Now, out _));
        Assert.Equal(TokenCheckStatus.Invalid, projectB.Read(id, TokenKind.VerificationId, Now, out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData(" ")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("...")]
    [InlineData("a.b.c")]
    [InlineData("a.b.c.d.e")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.e30.")]
    [InlineData("eyJ.eyJ.eyJ")]
    [InlineData("e30.e30.e30")]
    [InlineData("null")]
    [InlineData("{\"alg\":\"none\"}")]
    [InlineData("%00%00%00")]
    [InlineData("\u0000.\u0000.\u0000")]
    public void Read_Garbage_InvalidWithoutThrowing(string? garbage)
    {
        foreach (var algorithm in Algorithms)
        {
            var (codec, _) = Both(Ring(algorithm));
            foreach (var kind in Enum.GetValues<TokenKind>())
            {
                Assert.Equal(TokenCheckStatus.Invalid, codec.Read(garbage, kind, Now, out _));
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllAlgorithms))]
    public void Read_GenuineHeaderAndSignatureWithGarbageAround_Invalid(string algorithm)
    {
        var (codec, _) = Both(Ring(algorithm));
        var id = codec.CreateVerificationId(RecordId, Nonce, Contact, null, Expires);
        var parts = id.Split('.');

        string[] forged =
        [
            $"{parts[0]}..{parts[2]}",
            $"{parts[0]}.{parts[1]}.{parts[2]}.",
            $"{parts[0]}.{parts[1]}.{parts[2]}.{parts[2]}",
            $"{parts[0]}.{parts[1]}",
            $"{parts[0]}.{parts[1]}.",
            $"{parts[0]}.{parts[1]}.{parts[2][..^4]}",
            $"{parts[0]}.{parts[1]}.{parts[2]}AAAA",
            $"{parts[0]}.{parts[1]}\u00e9.{parts[2]}",
            $"{parts[0]}.{parts[1]}.{parts[2][..^1]}\u00c0",
            $" {id}",
            $"{id} ",
            $"{parts[0]} .{parts[1]}.{parts[2]}",
        ];

        Assert.All(forged, f => Assert.Equal(TokenCheckStatus.Invalid, codec.Read(f, TokenKind.VerificationId, Now, out _)));
    }

    [Fact]
    public void Read_LongerThanTheCap_InvalidEvenWhenOtherwiseGenuine()
    {
        var (codec, oracle) = Both(Ring("HS256"));
        var id = codec.CreateVerificationId(RecordId, Nonce, Contact, null, Expires);
        var parts = id.Split('.');
        var payload = Jws.Payload(id);

        // Genuinely signed ids made longer by a long contact: the longest within the cap, and the next one.
        string? atCap = null, overCap = null;
        for (var length = 1_000; overCap is null; length++)
        {
            payload["e"] = new string('x', length);
            var candidate = oracle.Sign($"{parts[0]}.{Jws.Encode(payload)}");
            (atCap, overCap) = candidate.Length <= TokenCodec.MaxTokenLength ? (candidate, null) : (atCap, candidate);
        }

        Assert.NotNull(atCap);
        Assert.True(atCap.Length <= TokenCodec.MaxTokenLength, atCap.Length.ToString(CultureInfo.InvariantCulture));
        Assert.True(overCap.Length > TokenCodec.MaxTokenLength, overCap.Length.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(TokenCheckStatus.Valid, codec.Read(atCap, TokenKind.VerificationId, Now, out _));
        Assert.Equal(TokenCheckStatus.Invalid, codec.Read(overCap, TokenKind.VerificationId, Now, out _));
        Assert.Equal(TokenCheckStatus.Invalid, codec.Read(new string('A', 100_000), TokenKind.VerificationId, Now, out _));
    }

    [Fact]
    public async Task CreateAndRead_Hs256OnManyThreadsWithTwoKeys_EachCodecAcceptsOnlyItsOwn()
    {
        // Each key keeps one keyed HMAC context per thread: contexts of different keys never mix.
        var (first, _) = Both(Load("HS256", Key("HS256", "same-id")));
        var (second, _) = Both(Load("HS256", OtherKey("HS256", "same-id")));

        var failures = await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            var wrong = 0;
            for (var i = 0; i < 200; i++)
            {
                var (mine, theirs) = (i + worker) % 2 == 0 ? (first, second) : (second, first);
                var token = mine.CreateCaptchaToken($"t{worker}-{i}", Expires);
                wrong += mine.Read(token, TokenKind.CaptchaToken, Now, out var claims) == TokenCheckStatus.Valid && claims.TokenId == $"t{worker}-{i}" ? 0 : 1;
                wrong += theirs.Read(token, TokenKind.CaptchaToken, Now, out _) == TokenCheckStatus.Invalid ? 0 : 1;
            }

            return wrong;
        })));

        Assert.All(failures, f => Assert.Equal(0, f));
    }

    [Fact]
    public void TokenClaims_ToString_LeavesOutTheContactAndTheNonce()
    {
        var claims = new TokenPayload(Contact, RecordId, Nonce, "tok", VerificationUsage.SignIn, Expires);

        var text = claims.ToString();

        Assert.DoesNotContain(Contact, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Nonce, text, StringComparison.Ordinal);
        Assert.Contains(RecordId.ToString(), text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("AA", true)]
    [InlineData("AB", false)]
    [InlineData("AAA", true)]
    [InlineData("AAB", false)]
    [InlineData("AAAA", true)]
    [InlineData("A", false)]
    [InlineData("AAAAA", false)]
    [InlineData("AA==", false)]
    [InlineData("A+/A", false)]
    [InlineData("-_-_", true)]
    [InlineData("AA A", false)]
    public void IsBase64Url_Spellings_OnlyCanonicalUnpadded(string text, bool expected)
    {
        Assert.Equal(expected, TokenCodec.IsBase64Url(text));
    }

    /// <summary>One token of each kind, with the claims it must read back to.</summary>
    internal static IEnumerable<(TokenKind Kind, string Token, TokenPayload Claims)> Minted(TokenCodec codec)
    {
        yield return (TokenKind.VerificationId, codec.CreateVerificationId(RecordId, Nonce, Contact, VerificationUsage.SignIn, Expires),
            new TokenPayload(Contact, RecordId, Nonce, null, VerificationUsage.SignIn, Expires));
        yield return (TokenKind.VerificationToken, codec.CreateVerificationToken("tok-1", Contact, null, Expires),
            new TokenPayload(Contact, Guid.Empty, null, "tok-1", null, Expires));
        yield return (TokenKind.CaptchaChallenge, codec.CreateCaptchaChallenge(RecordId, Nonce, Expires),
            new TokenPayload(null, RecordId, Nonce, null, null, Expires));
        yield return (TokenKind.CaptchaToken, codec.CreateCaptchaToken("cap-1", Expires),
            new TokenPayload(null, Guid.Empty, null, "cap-1", null, Expires));
    }
}
