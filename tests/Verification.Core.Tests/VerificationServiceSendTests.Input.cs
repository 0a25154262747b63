namespace Verification.Tests;

public sealed partial class VerificationServiceSendTests
{
    // ---- Input ----------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(ServiceHarness.Phone, ServiceHarness.Email, "email")]
    [InlineData(null, null, "phone_number")]
    [InlineData("", "", "phone_number")]
    [InlineData("   ", " ", "phone_number")]
    public async Task SendAsync_NotExactlyOneContact_InvalidArgument(string? phone, string? email, string field)
    {
        var h = new ServiceHarness();

        var error = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: phone, Email: email)),
            VerificationErrorCodes.InvalidArgument,
            VerificationErrorReasons.ExactlyOneContact);

        Assert.Equal(field, error.Field);
        Assert.Empty(h.Messages);
        Assert.Empty(h.Store.Saves);
    }

    [Theory]
    [InlineData(ServiceHarness.Phone, "")]
    [InlineData(ServiceHarness.Phone, "  ")]
    [InlineData("", ServiceHarness.Email)]
    [InlineData(null, ServiceHarness.Email)]
    public async Task SendAsync_OtherContactEmpty_TreatedAsAbsent(string? phone, string? email)
    {
        var h = new ServiceHarness();

        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: phone, Email: email)));

        Assert.Equal(string.IsNullOrWhiteSpace(phone) ? VerificationChannel.Email : VerificationChannel.Sms, Assert.Single(h.Messages).Channel);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    [InlineData(42)]
    public async Task SendAsync_UndefinedTarget_InvalidArgument(int target)
    {
        var h = new ServiceHarness();

        var error = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, Target: (VerificationTarget)target)),
            VerificationErrorCodes.InvalidArgument,
            VerificationErrorReasons.UnknownValue);

        Assert.Equal("target", error.Field);
        Assert.Empty(h.Messages);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    [InlineData(int.MaxValue)]
    public async Task SendAsync_UndefinedUsage_InvalidArgument(int usage)
    {
        var h = new ServiceHarness();

        var error = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, Usage: (VerificationUsage)usage)),
            VerificationErrorCodes.InvalidArgument,
            VerificationErrorReasons.UnknownValue);

        Assert.Equal("usage", error.Field);
        Assert.Empty(h.Messages);
    }

    [Fact]
    public async Task SendAsync_NullRequest_InvalidArgument()
    {
        var h = new ServiceHarness();

        ResultAssert.Failed(await h.Service.SendAsync(null!), VerificationErrorCodes.InvalidArgument);

        Assert.Empty(h.Messages);
    }

    [Fact]
    public async Task SendAsync_CaptchaTokenOfMaximumLength_Accepted()
    {
        var h = new ServiceHarness();

        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, CaptchaToken: new string('a', 4096))));
    }

    [Fact]
    public async Task SendAsync_OversizeCaptchaToken_InvalidArgument()
    {
        var h = new ServiceHarness();

        var error = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, CaptchaToken: new string('a', 4097))),
            VerificationErrorCodes.InvalidArgument,
            VerificationErrorReasons.TooLong);

        Assert.Equal("captcha_token", error.Field);
        Assert.Empty(h.Messages);
    }

    [Theory]
    [InlineData("abc\r\ndef")]
    [InlineData("abc\u0000")]
    [InlineData("\u001bx")]
    [InlineData("a\u200Bb")]
    public async Task SendAsync_CaptchaTokenWithControlCharacters_InvalidArgument(string token)
    {
        var h = new ServiceHarness();

        var error = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, CaptchaToken: token)),
            VerificationErrorCodes.InvalidArgument,
            VerificationErrorReasons.ControlCharacters);

        Assert.Equal("captcha_token", error.Field);
        Assert.Empty(h.Messages);
    }

    [Fact]
    public async Task SendAsync_ContextFieldsOfMaximumLength_Accepted()
    {
        var h = new ServiceHarness();
        var context = new VerificationContext { DeviceId = new string('d', 128), IdempotencyKey = new string('k', 128) };

        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone), context));
    }

    [Fact]
    public async Task SendAsync_OversizeDeviceId_InvalidArgument()
    {
        var h = new ServiceHarness();

        var error = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone), new VerificationContext { DeviceId = new string('d', 129) }),
            VerificationErrorCodes.InvalidArgument,
            VerificationErrorReasons.TooLong);

        Assert.Equal("device_id", error.Field);
        Assert.Empty(h.Messages);
    }

    [Fact]
    public async Task SendAsync_OversizeIdempotencyKey_InvalidArgument()
    {
        var h = new ServiceHarness();

        var error = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone), new VerificationContext { IdempotencyKey = new string('k', 129) }),
            VerificationErrorCodes.InvalidArgument,
            VerificationErrorReasons.TooLong);

        Assert.Equal("idempotency_key", error.Field);
        Assert.Empty(h.Messages);
    }
}
