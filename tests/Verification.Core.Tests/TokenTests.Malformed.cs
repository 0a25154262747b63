namespace Verification.Tests;

public sealed partial class TokenTests
{
    [Fact]
    public async Task VerifyAsync_IdLongerThan2048_IsInvalidArgumentTooLong()
    {
        var h = CreateHarness();
        var (id, code) = await SendAsync(h);
        var oversize = id + "." + new string('A', TokenService.MaxTokenLength - id.Length);
        Assert.Equal(TokenService.MaxTokenLength + 1, oversize.Length);

        var result = await h.Service.VerifyAsync(new VerifyRequest(oversize, code));

        Assert.False(result.Succeeded);
        Assert.Equal(VerificationErrorCodes.InvalidArgument, result.Error.Code);
        Assert.Equal(VerificationErrorReasons.TooLong, result.Error.Reason);
        Assert.Equal("verification_id", result.Error.Field);
    }

    [Fact]
    public async Task RedeemVerificationTokenAsync_TokenLongerThan2048_IsInvalidArgumentTooLong()
    {
        var h = CreateHarness();

        var result = await h.Service.RedeemVerificationTokenAsync(new string('A', TokenService.MaxTokenLength + 1));

        Assert.False(result.Succeeded);
        Assert.Equal(VerificationErrorCodes.InvalidArgument, result.Error.Code);
        Assert.Equal(VerificationErrorReasons.TooLong, result.Error.Reason);
        Assert.Equal("verification_token", result.Error.Field);
    }

    [Fact]
    public async Task VerifyAsync_GarbageOfExactly2048Characters_IsUnknownNotTooLong()
    {
        var h = CreateHarness();

        await AssertVerifyRefusedAsync(h, new string('A', TokenService.MaxTokenLength), "123456", VerificationErrorReasons.Unknown);
    }

    [Theory]
    [MemberData(nameof(GarbageTokens.Rows), MemberType = typeof(GarbageTokens))]
    public async Task VerifyAsync_GarbageId_IsUnknown(string garbage)
    {
        var h = CreateHarness();

        await AssertVerifyRefusedAsync(h, garbage, "123456", VerificationErrorReasons.Unknown);
    }

    [Theory]
    [MemberData(nameof(GarbageTokens.Rows), MemberType = typeof(GarbageTokens))]
    public async Task RedeemVerificationTokenAsync_Garbage_IsUnknown(string garbage)
    {
        var h = CreateHarness();

        await AssertRedeemRefusedAsync(h, garbage, VerificationErrorReasons.Unknown);
    }
}
