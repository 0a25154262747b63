using static Verification.Tests.Tokens.CodecKeys;

namespace Verification.Tests.Tokens;

public sealed partial class TokenCodecTests
{
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
}
