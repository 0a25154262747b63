using System.Text.Json.Nodes;
using CsCheck;
using Xunit.Abstractions;
using static Verification.Tests.Tokens.CodecKeys;

namespace Verification.Tests.Tokens;

/// <summary>
/// Random mutations of real tokens, read by the codec and by the JWT library with the library's former rules
/// (<see cref="JwtOracle"/>): the codec never throws, and never accepts a token the library refuses (when it accepts,
/// the library accepts it too, with the same status and the same claims). The codec may refuse more (a reordered or
/// re-escaped header, a duplicate or unknown claim); each test prints how many cases ran and how they fell.
/// </summary>
public sealed class TokenCodecPropertyTests(ITestOutputHelper output)
{
    private const long Iterations = 800;

    private static readonly string[] Contacts =
        ["+8615588665555", "Alice@example.com", "ü@例え.jp", "a\"b\\c<d>&'@x.io", "\u2028\u0001@x.io", "😀@x.io", "+8613800138000"];

    private static readonly string[] Chars =
        [.. "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".Select(c => c.ToString()), ".", "=", "+", "/", " ", "\u00e9", "\0", "\n", "%"];

    private static readonly string[] ClaimNames = ["e", "exp", "kid", "pj", "t", "u", "jti", "nbf", "iat", "crit", "jku", "E", "sub", ""];

    private static readonly string[] JsonValues =
    [
        "null", "true", "false", "0", "-1", "1.5", "1e308", "1772352000", "1772352600", "1772352011", "1772351990", "9223372036854775807",
        "9223372036854775808", "-9223372036854775809", "253402300799", "253402300789", "253402300800", "\"\"", "\"x\"", "\"SIGN_IN\"",
        "\"sign_in\"", "\"REGISTER\"", "\"proj-a\"", "\"proj-b\"", "\"\\u0070roj-a\"", "\"5b1f7a3e-9c2d-4e8f-a1b0-c3d4e5f60718\"",
        "\"5B1F7A3E-9C2D-4E8F-A1B0-C3D4E5F60718\"", "\"{5b1f7a3e-9c2d-4e8f-a1b0-c3d4e5f60718}\"", "\"1772352600\"", "[]", "{}", "[1]",
        "{\"a\":1}", "\"+8615588665555\"", "\"\\ud800\"", "\"\\u0000\"",
    ];

    private static readonly string[] JsonChars = ["\"", "{", "}", ",", ":", " ", "0", "9", "a", "\\", "u", "[", "]", "-", ".", "e", "\u00e9"];

    private static readonly string[] Snippets =
    [
        "\"e\":\"x\"", "\"exp\":1", "\"exp\":99999999999", "\"\\u0065\":\"+8613800138000\"", "\"nbf\":0", "\"nbf\":1772352600", "\"pj\":\"proj-a\"",
        "\"u\":\"SIGN_IN\"", "\"jti\":\"j\"", "\"t\":\"n\"", "\"kid\":\"5b1f7a3e-9c2d-4e8f-a1b0-c3d4e5f60718\"", "\"x\":{\"y\":[1,2]}", "\"iat\":1",
    ];

    private static readonly string[] HeaderNames = ["alg", "kid", "typ", "jku", "x5u", "jwk", "x5c", "crit", "cty", "zip", "b64", "enc"];

    private static readonly string[] HeaderValues =
    [
        "\"none\"", "\"None\"", "\"RS256\"", "\"ES256\"", "\"HS256\"", "\"rs256\"", "\"key-1\"", "\"KEY-1\"", "\"other\"", "\"vid+jwt\"", "\"vt+jwt\"",
        "\"captcha+jwt\"", "\"captcha-challenge+jwt\"", "\"JWT\"", "\"VID+JWT\"", "null", "false", "[\"exp\"]", "{\"kty\":\"oct\",\"k\":\"AAAA\"}",
        "\"https://127.0.0.1:1/jwks\"", "1",
    ];

    public static TheoryData<string> AllAlgorithms => [.. Algorithms];

    [Theory]
    [MemberData(nameof(AllAlgorithms))]
    public async Task Read_RandomMutationsOfRealTokens_CodecNeverAcceptsWhatTheHandlerRefuses(string algorithm)
    {
        var (codec, oracle) = Both(Ring(algorithm));
        var (otherProject, _) = Both(Ring(algorithm), "proj-b");
        var others = Algorithms.Where(a => a != algorithm).Select(a => Both(Ring(a)).Codec).Append(otherProject).Append(codec);
        string[] donors = [.. others.SelectMany(c => TokenCodecTests.Minted(c).Select(m => m.Token))];
        var step = Gen.Select(Gen.Int[0, 12], Gen.Int[0, 1 << 20], Gen.Int[0, 1 << 20]);
        var gen = Gen.Select(Gen.Int[0, 3], Gen.Int[0, Contacts.Length - 1], Gen.Int[0, 9], Gen.Int[0, 3], step.Array[1, 3]);
        var stats = new Stats();

        await gen.SampleAsync(
            async (kindIndex, contact, readAs, clock, steps) =>
            {
                var kind = (TokenKind)kindIndex;
                var token = Mint(codec, kind, Contacts[contact]);
                foreach (var (op, a, b) in steps)
                {
                    token = Mutate(token, op, a, b, oracle, donors);
                }

                var asKind = readAs < 4 ? (TokenKind)readAs : kind;
                var now = clock switch { 0 => Now, 1 => Now + TimeSpan.FromMinutes(10) + Skew - TimeSpan.FromSeconds(1), 2 => Now + TimeSpan.FromMinutes(10) + Skew, _ => Now - TimeSpan.FromDays(1) };

                var status = codec.Read(token, asKind, now, out var claims);
                TokenCheckStatus expected;
                TokenPayload expectedClaims;
                try
                {
                    (expected, expectedClaims) = await oracle.CheckAsync(token, asKind, now);
                }
                catch (ArgumentOutOfRangeException)
                {
                    // The former rules overflowed on an exp near the end of the calendar (a 500); the codec refuses it.
                    (expected, expectedClaims) = (TokenCheckStatus.Invalid, default);
                    stats.OracleThrew++;
                }

                stats.Count(status, expected, token);
                if (status is TokenCheckStatus.Valid or TokenCheckStatus.Expired)
                {
                    Assert.True(expected == status, $"The codec said {status}, the handler {expected}, for {asKind} {token}");
                    Assert.Equal(expectedClaims, claims);
                }
                else
                {
                    Assert.Equal(default, claims);
                }
            },
            iter: Iterations,
            threads: 1);

        output.WriteLine($"{algorithm}: {stats}");
        foreach (var stricter in stats.Stricter)
        {
            output.WriteLine($"  refused only by the codec: {Decoded(stricter.Split('.')[0])} {Decoded(stricter.Split('.')[1])}");
        }

        Assert.Equal(Iterations, stats.Total);
        Assert.True(stats.BothAccepted > 0 && stats.BothRefused > 0, stats.ToString());
    }

    [Theory]
    [MemberData(nameof(AllAlgorithms))]
    public async Task CreateAndRead_RandomClaims_EachSideAcceptsTheOthersTokensWithTheSameClaims(string algorithm)
    {
        var (codec, oracle) = Both(Ring(algorithm));
        var text = Gen.Select(Gen.OneOf(Contacts), Gen.Int[1, 3]).Select((c, n) => string.Concat(Enumerable.Repeat(c, n)));
        var gen = Gen.Select(Gen.Int[0, 3], text, Gen.Guid, Gen.Int[0, 5], Gen.Int[1, 86_400 * 365]);
        var cases = 0;

        await gen.SampleAsync(
            async (kindIndex, value, id, usageIndex, lifetime) =>
            {
                cases++;
                var kind = (TokenKind)kindIndex;
                var usage = usageIndex == 0 ? null : (VerificationUsage?)usageIndex;
                var expires = DateTimeOffset.FromUnixTimeSeconds((Now + TimeSpan.FromSeconds(lifetime)).ToUnixTimeSeconds());
                var (mine, expected) = kind switch
                {
                    TokenKind.VerificationId => (codec.CreateVerificationId(id, value, value, usage, expires), new TokenPayload(value, id, value, null, usage, expires)),
                    TokenKind.VerificationToken => (codec.CreateVerificationToken(value, value, usage, expires), new TokenPayload(value, Guid.Empty, null, value, usage, expires)),
                    TokenKind.CaptchaChallenge => (codec.CreateCaptchaChallenge(id, value, expires), new TokenPayload(null, id, value, null, null, expires)),
                    _ => (codec.CreateCaptchaToken(value, expires), new TokenPayload(null, Guid.Empty, null, value, null, expires)),
                };
                var claims = new Dictionary<string, object>();
                if (expected.Contact is { } e)
                {
                    claims["e"] = e;
                }

                if (expected.TokenId is { } jti)
                {
                    claims["jti"] = jti;
                }

                if (kind is TokenKind.VerificationId or TokenKind.CaptchaChallenge)
                {
                    claims["kid"] = expected.RecordId.ToString("D");
                }

                claims["pj"] = ProjectId;
                if (expected.Nonce is { } t)
                {
                    claims["t"] = t;
                }

                if (expected.Usage is { } u)
                {
                    claims["u"] = WireNames.Of(u);
                }

                var theirs = oracle.Create(kind, claims, expires);

                Assert.Equal(TokenCheckStatus.Valid, codec.Read(theirs, kind, Now, out var read));
                Assert.Equal(expected, read);
                Assert.Equal((TokenCheckStatus.Valid, expected), await oracle.CheckAsync(mine, kind, Now));
                if (algorithm != "ES256")
                {
                    Assert.Equal(theirs, mine);
                }
            },
            iter: Iterations / 2,
            threads: 1);

        output.WriteLine($"{algorithm}: {cases} random claim sets");
        Assert.Equal(Iterations / 2, cases);
    }

    private static string Mint(TokenCodec codec, TokenKind kind, string contact) => kind switch
    {
        TokenKind.VerificationId => codec.CreateVerificationId(Guid.NewGuid(), CodeHasher.NewNonce(), contact, VerificationUsage.SignIn, Now + TimeSpan.FromMinutes(10)),
        TokenKind.VerificationToken => codec.CreateVerificationToken("tok", contact, null, Now + TimeSpan.FromMinutes(10)),
        TokenKind.CaptchaChallenge => codec.CreateCaptchaChallenge(Guid.NewGuid(), CodeHasher.NewNonce(), Now + TimeSpan.FromMinutes(10)),
        _ => codec.CreateCaptchaToken("cap", Now + TimeSpan.FromMinutes(10)),
    };

    /// <summary>One mutation; those that edit the header or payload JSON sign the result again with the real key.</summary>
    private static string Mutate(string token, int op, int a, int b, JwtOracle signer, string[] donors)
    {
        var parts = token.Split('.');
        var structured = parts.Length == 3 && TryDecode(parts[0], out _) && TryDecode(parts[1], out _);
        if (op >= 5 && !structured)
        {
            op %= 5;
        }

        var at = token.Length == 0 ? 0 : a % token.Length;
        switch (op)
        {
            case 0:
                return token.Length == 0 ? Chars[b % Chars.Length] : token[..at] + Chars[b % Chars.Length] + token[(at + 1)..];
            case 1:
                return token[..at] + Chars[b % Chars.Length] + token[at..];
            case 2:
                return token.Length == 0 ? token : token.Remove(at, 1);
            case 3:
                return token[..at];
            case 4:
                var donor = donors[a % donors.Length].Split('.');
                var segment = b % 3;
                return parts.Length == 3 ? string.Join('.', parts.Select((p, i) => i == segment ? donor[i] : p)) : token + "." + donor[segment];
        }

        TryDecode(parts[0], out var header);
        TryDecode(parts[1], out var payload);
        switch (op)
        {
            case 5:
                payload = SetMember(payload, ClaimNames[a % ClaimNames.Length], JsonValues[b % JsonValues.Length]);
                break;
            case 6:
                payload = RemoveMember(payload, ClaimNames[a % ClaimNames.Length]);
                break;
            case 7:
                payload = EditText(payload, a, JsonChars[b % JsonChars.Length]);
                break;
            case 8:
                var snippet = Snippets[b % Snippets.Length];
                payload = a % 2 == 0 ? payload.Insert(1, snippet + ",") : payload.Insert(Math.Max(0, payload.LastIndexOf('}')), "," + snippet);
                break;
            case 9:
                header = SetMember(header, HeaderNames[a % HeaderNames.Length], HeaderValues[b % HeaderValues.Length]);
                break;
            case 10:
                header = EditText(header, a, JsonChars[b % JsonChars.Length]);
                break;
            case 11:
                header = a % 2 == 0 ? header.Insert(1, " ") : RemoveMember(header, HeaderNames[b % 3]);
                break;
        }

        // Case 12 and every JSON edit: signed again with the real key, the header and payload bytes as edited.
        var h = header == Decoded(parts[0]) ? parts[0] : Jws.Encode(header);
        var p = payload == Decoded(parts[1]) ? parts[1] : Jws.Encode(payload);
        return signer.Sign($"{h}.{p}");
    }

    private static string SetMember(string json, string name, string value)
    {
        try
        {
            var node = JsonNode.Parse(json)!.AsObject();
            node[name] = JsonNode.Parse(value);
            return node.ToJsonString();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or ArgumentException)
        {
            return json.Insert(Math.Min(1, json.Length), $"\"{name}\":{value},");
        }
    }

    private static string RemoveMember(string json, string name)
    {
        try
        {
            var node = JsonNode.Parse(json)!.AsObject();
            node.Remove(name);
            return node.ToJsonString();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or ArgumentException)
        {
            return json;
        }
    }

    private static string EditText(string text, int a, string replacement)
    {
        if (text.Length == 0)
        {
            return replacement;
        }

        var at = a % text.Length;
        return a % 3 == 0 ? text.Insert(at, replacement) : text[..at] + replacement + text[(at + 1)..];
    }

    private static string Decoded(string segment) => TryDecode(segment, out var text) ? text : string.Empty;

    private static bool TryDecode(string segment, out string text)
    {
        try
        {
            text = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(segment);
            return true;
        }
        catch (FormatException)
        {
            text = string.Empty;
            return false;
        }
    }

    private sealed class Stats
    {
        public long Total;
        public long BothAccepted;
        public long BothRefused;
        public long OnlyHandlerAccepted;
        public long OracleThrew;

        /// <summary>The first few tokens only the codec refused, to show why.</summary>
        public List<string> Stricter { get; } = [];

        public void Count(TokenCheckStatus codec, TokenCheckStatus handler, string token)
        {
            Total++;
            if (codec is TokenCheckStatus.Valid or TokenCheckStatus.Expired)
            {
                BothAccepted++;
            }
            else if (handler == TokenCheckStatus.Invalid)
            {
                BothRefused++;
            }
            else
            {
                OnlyHandlerAccepted++;
                if (Stricter.Count < 8)
                {
                    Stricter.Add(token);
                }
            }
        }

        public override string ToString() =>
            $"{Total} mutated tokens: {BothAccepted} accepted (valid or expired) by both, {BothRefused} refused by both, " +
            $"{OnlyHandlerAccepted} refused only by the codec (stricter), 0 accepted only by the codec; the former rules threw on {OracleThrew}";
    }
}
