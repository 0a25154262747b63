using System.Globalization;
using static Verification.Tests.Tokens.CodecKeys;

namespace Verification.Tests.Tokens;

/// <summary>
/// <see cref="TokenCodec"/>: what it writes (the JWT library's wire format, checked against the library itself) and
/// every rule it reads by. The forgeries of the token suites are in <see cref="TokenCodecForgeryTests"/>, the random
/// mutations in <see cref="TokenCodecPropertyTests"/>.
/// </summary>
public sealed partial class TokenCodecTests
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
