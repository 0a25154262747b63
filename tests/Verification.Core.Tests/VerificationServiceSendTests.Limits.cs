namespace Verification.Tests;

public sealed partial class VerificationServiceSendTests
{
    // ---- Limits ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task SendAsync_WithinCooldown_RateLimitedWithRemainingSeconds()
    {
        var h = new ServiceHarness();
        await h.SendPhoneAsync();
        h.Time.Advance(TimeSpan.FromSeconds(20));

        var error = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)),
            VerificationErrorCodes.RateLimitExceeded,
            VerificationErrorReasons.ResendCooldown);

        Assert.Equal(TimeSpan.FromSeconds(40), error.RetryAfter);
        Assert.Single(h.Messages);
    }

    [Fact]
    public async Task SendAsync_AfterCooldown_Succeeds()
    {
        var h = new ServiceHarness();
        await h.SendPhoneAsync();
        h.Time.Advance(TimeSpan.FromSeconds(59));
        ResultAssert.Failed(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)), VerificationErrorCodes.RateLimitExceeded);

        h.Time.Advance(TimeSpan.FromSeconds(1));

        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));
        Assert.Equal(2, h.Messages.Count);
    }

    [Fact]
    public async Task SendAsync_DailyLimit_31stRefusedUntilWindowPasses()
    {
        // The soft burst and prefix limits would ask for a captcha first; this test is about the hard daily cap.
        var h = new ServiceHarness(o =>
        {
            o.Throttling.ContactBurst.Limit = 0;
            o.Throttling.PerNumberPrefix.Limit = 0;
        });
        for (var i = 0; i < 30; i++)
        {
            await h.SendPhoneAsync();
            h.Time.Advance(TimeSpan.FromSeconds(61));
        }

        var error = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)),
            VerificationErrorCodes.RateLimitExceeded,
            VerificationErrorReasons.DailyLimit);

        // 23:29:30 left, rounded up to the quarter hour: the second the window ends is not handed out.
        Assert.Equal(new TimeSpan(23, 30, 0), error.RetryAfter);
        Assert.Equal(30, h.Messages.Count);

        h.Time.SetUtcNow(ServiceHarness.Start.AddDays(1));
        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));
    }

    [Theory]
    [InlineData("+8615588665555")]
    [InlineData("+86 155 8866 5555")]
    [InlineData("+86-155-8866-5555")]
    [InlineData("+86 (155) 8866.5555")]
    [InlineData("  +86 15588665555  ")]
    [InlineData("\uFF0B\uFF18\uFF16\u3000\uFF11\uFF15\uFF15\uFF18\uFF18\uFF16\uFF16\uFF15\uFF15\uFF15\uFF15")]
    public async Task SendAsync_OtherSpellingOfSameNumber_SharesCooldown(string spelling)
    {
        var h = new ServiceHarness();
        await h.SendPhoneAsync("+86 15588665555");

        ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: spelling)),
            VerificationErrorCodes.RateLimitExceeded,
            VerificationErrorReasons.ResendCooldown);
        Assert.Single(h.Messages);
    }

    [Theory]
    [InlineData("ALICE@EXAMPLE.COM")]
    [InlineData("Alice@Example.com")]
    [InlineData("alice@EXAMPLE.com.")]
    public async Task SendAsync_CaseVariantOfSameEmail_SharesCooldown(string spelling)
    {
        var h = new ServiceHarness();
        await h.SendEmailAsync("alice@example.com");

        ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(Email: spelling)),
            VerificationErrorCodes.RateLimitExceeded,
            VerificationErrorReasons.ResendCooldown);
        Assert.Single(h.Messages);
    }

    [Fact]
    public async Task SendAsync_DifferentContacts_DoNotShareCooldown()
    {
        var h = new ServiceHarness();
        await h.SendPhoneAsync("+86 15588665555");
        await h.SendEmailAsync("alice@example.com");

        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: "+86 13800138000")));
        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(Email: "bob@example.com")));
    }
}
