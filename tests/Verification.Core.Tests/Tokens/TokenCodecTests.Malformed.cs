using System.Globalization;
using static Verification.Tests.Tokens.CodecKeys;

namespace Verification.Tests.Tokens;

public sealed partial class TokenCodecTests
{
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
    [InlineData(null)]
    [InlineData("")]
    [MemberData(nameof(GarbageTokens.Rows), MemberType = typeof(GarbageTokens))]
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
}
