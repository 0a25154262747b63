namespace Verification.Tests;

/// <summary>The input rules of send, verify and redeem, without a service.</summary>
public sealed class RequestRulesTests
{
    [Fact]
    public void CheckSend_NullRequest_MissingPhoneNumber()
    {
        var error = RequestRules.CheckSend(null, null);

        Assert.Equal(("phone_number", VerificationErrorReasons.Missing), (error?.Field, error?.Reason));
    }

    [Theory]
    [InlineData(null, null, "phone_number")]
    [InlineData("+8615588665555", "a@example.com", "email")]
    public void CheckSend_NotExactlyOneContact_ExactlyOneContact(string? phone, string? email, string field)
    {
        var error = RequestRules.CheckSend(new VerificationRequest(PhoneNumber: phone, Email: email), null);

        Assert.Equal((field, VerificationErrorReasons.ExactlyOneContact), (error?.Field, error?.Reason));
    }

    [Fact]
    public void CheckSend_UnknownTargetOrUsage_UnknownValue()
    {
        Assert.Equal("target", RequestRules.CheckSend(new VerificationRequest(PhoneNumber: "+1", Target: (VerificationTarget)9), null)?.Field);
        Assert.Equal("usage", RequestRules.CheckSend(new VerificationRequest(PhoneNumber: "+1", Usage: (VerificationUsage)99), null)?.Field);
    }

    [Fact]
    public void CheckSend_CaptchaTokenTooLongOrControl_Refused()
    {
        var tooLong = RequestRules.CheckSend(new VerificationRequest(Email: "a@example.com", CaptchaToken: new string('a', RequestRules.MaxCaptchaTokenLength + 1)), null);
        var control = RequestRules.CheckSend(new VerificationRequest(Email: "a@example.com", CaptchaToken: "a\u0000b"), null);
        var longest = RequestRules.CheckSend(new VerificationRequest(Email: "a@example.com", CaptchaToken: new string('a', RequestRules.MaxCaptchaTokenLength)), null);

        Assert.Equal(("captcha_token", VerificationErrorReasons.TooLong), (tooLong?.Field, tooLong?.Reason));
        Assert.Equal(("captcha_token", VerificationErrorReasons.ControlCharacters), (control?.Field, control?.Reason));
        Assert.Null(longest);
    }

    [Fact]
    public void CheckSend_ContextFields_LengthAndControlCharacters()
    {
        var request = new VerificationRequest(Email: "a@example.com");

        Assert.Equal(VerificationErrorReasons.TooLong, RequestRules.CheckSend(request, new VerificationContext { DeviceId = new string('d', 129) })?.Reason);
        Assert.Equal(VerificationErrorReasons.ControlCharacters, RequestRules.CheckSend(request, new VerificationContext { IdempotencyKey = "k\u200Bey" })?.Reason);
        Assert.Null(RequestRules.CheckSend(request, new VerificationContext { DeviceId = new string('d', 128), IdempotencyKey = "key" }));
    }

    [Fact]
    public void CheckToken_MissingOrTooLong_NamesTheField()
    {
        Assert.Equal(VerificationErrorReasons.Missing, RequestRules.CheckToken("", "verification_token")?.Reason);
        Assert.Equal(("verification_id", VerificationErrorReasons.TooLong), (RequestRules.CheckToken(new string('a', TokenService.MaxTokenLength + 1), "verification_id") is { } e ? (e.Field, e.Reason) : default));
        Assert.Null(RequestRules.CheckToken(new string('a', TokenService.MaxTokenLength), "verification_id"));
    }

    [Theory]
    [InlineData(" 012345 ", "012345")]
    [InlineData("０１２３４５", "012345")]
    [InlineData("٠١٢٣", "0123")]
    public void TryNormalizeCode_DigitsOfAnyScript_AsciiDigits(string input, string expected)
    {
        Assert.True(RequestRules.TryNormalizeCode(input, out var code, out var error));
        Assert.Equal(expected, code);
        Assert.Null(error);
    }

    [Theory]
    [InlineData(null, VerificationErrorReasons.Missing)]
    [InlineData("  ", VerificationErrorReasons.Missing)]
    [InlineData("123", VerificationErrorReasons.Malformed)]
    [InlineData("12345678901", VerificationErrorReasons.Malformed)]
    [InlineData("12a456", VerificationErrorReasons.Malformed)]
    [InlineData("123456789012345678901234567890123", VerificationErrorReasons.TooLong)]
    public void TryNormalizeCode_NotFourToTenDigits_Refused(string? input, string reason)
    {
        Assert.False(RequestRules.TryNormalizeCode(input, out _, out var error));
        Assert.Equal(("verification_code", reason), (error?.Field, error?.Reason));
    }
}
