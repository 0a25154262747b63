namespace Verification.Tests;

public sealed partial class VerificationServiceVerifyTests
{
    [Theory]
    [InlineData(null, "123456", "verification_id", VerificationErrorReasons.Missing)]
    [InlineData("", "123456", "verification_id", VerificationErrorReasons.Missing)]
    [InlineData("oversize-id", "123456", "verification_id", VerificationErrorReasons.TooLong)]
    [InlineData("some.id.value", null, "verification_code", VerificationErrorReasons.Missing)]
    [InlineData("some.id.value", "", "verification_code", VerificationErrorReasons.Missing)]
    [InlineData("some.id.value", "   ", "verification_code", VerificationErrorReasons.Missing)]
    [InlineData("some.id.value", "oversize-code", "verification_code", VerificationErrorReasons.TooLong)]
    [InlineData("some.id.value", "12a456", "verification_code", VerificationErrorReasons.Malformed)]
    [InlineData("some.id.value", "123", "verification_code", VerificationErrorReasons.Malformed)]
    [InlineData("some.id.value", "12345678901", "verification_code", VerificationErrorReasons.Malformed)]
    public async Task VerifyAsync_MissingOrMalformedInput_InvalidArgumentNamingTheField(string? id, string? code, string field, string reason)
    {
        var h = new ServiceHarness();
        id = id == "oversize-id" ? new string('a', 2049) : id;
        code = code == "oversize-code" ? new string('1', 33) : code;

        var error = ResultAssert.Failed(await h.Service.VerifyAsync(new VerifyRequest(id, code)), VerificationErrorCodes.InvalidArgument, reason);

        Assert.Equal(field, error.Field);
    }

    [Fact]
    public async Task VerifyAsync_NullRequest_InvalidArgument()
    {
        var h = new ServiceHarness();

        var error = ResultAssert.Failed(await h.Service.VerifyAsync(null!), VerificationErrorCodes.InvalidArgument);

        Assert.Equal("verification_id", error.Field);
    }

    [Theory]
    [InlineData(null, VerificationErrorReasons.Missing)]
    [InlineData("", VerificationErrorReasons.Missing)]
    [InlineData("oversize", VerificationErrorReasons.TooLong)]
    public async Task RedeemVerificationTokenAsync_MissingOrOversize_InvalidArgument(string? token, string reason)
    {
        var h = new ServiceHarness();
        token = token == "oversize" ? new string('a', 2049) : token;

        var error = ResultAssert.Failed(await h.Service.RedeemVerificationTokenAsync(token!), VerificationErrorCodes.InvalidArgument, reason);

        Assert.Equal("verification_token", error.Field);
    }
}
