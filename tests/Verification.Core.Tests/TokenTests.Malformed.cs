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
    [InlineData("garbage")]
    [InlineData(" ")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a.b.c")]
    [InlineData("a.b.c.d.e")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.e30.")]
    [InlineData("eyJ.eyJ.eyJ")]
    [InlineData("e30.e30.e30")]
    [InlineData("null")]
    [InlineData("{\"alg\":\"none\"}")]
    [InlineData("%00%00%00")]
    [InlineData("\u0000.\u0000.\u0000")]
    public async Task VerifyAsync_GarbageId_IsUnknown(string garbage)
    {
        var h = CreateHarness();

        await AssertVerifyRefusedAsync(h, garbage, "123456", VerificationErrorReasons.Unknown);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("a.b.c")]
    [InlineData("a.b.c.d.e")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.e30.")]
    [InlineData("e30.e30.e30")]
    public async Task RedeemVerificationTokenAsync_Garbage_IsUnknown(string garbage)
    {
        var h = CreateHarness();

        await AssertRedeemRefusedAsync(h, garbage, VerificationErrorReasons.Unknown);
    }
}
