using static Verification.Tests.Tokens.CodecKeys;

namespace Verification.Tests.Tokens;

public sealed partial class TokenCodecTests
{
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
}
