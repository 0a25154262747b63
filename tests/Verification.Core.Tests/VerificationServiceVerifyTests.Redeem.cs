namespace Verification.Tests;

public sealed partial class VerificationServiceVerifyTests
{
    [Fact]
    public async Task RedeemVerificationTokenAsync_PhoneToken_ReturnsContactOnceThenUsed()
    {
        var h = new ServiceHarness();
        var (id, code) = await h.SendPhoneAsync("+86 155 8866 5555", VerificationUsage.SignIn);
        var token = await h.VerifyAsync(id, code);

        var first = await h.Service.RedeemVerificationTokenAsync(token);
        var second = await h.Service.RedeemVerificationTokenAsync(token);

        var contact = ResultAssert.Succeeded(first);
        Assert.Equal(VerificationChannel.Sms, contact.Channel);
        Assert.Equal(ServiceHarness.PhoneE164, contact.Contact);
        Assert.Equal(ServiceHarness.PhoneE164, contact.PhoneNumber);
        Assert.Null(contact.Email);
        Assert.Equal(VerificationUsage.SignIn, contact.Usage);
        ResultAssert.Failed(second, VerificationErrorCodes.InvalidVerificationToken, VerificationErrorReasons.Used);
    }

    [Fact]
    public async Task RedeemVerificationTokenAsync_EmailToken_ReturnsNormalizedEmailAndUsage()
    {
        var h = new ServiceHarness();
        var (id, code) = await h.SendEmailAsync("Alice@Example.COM", VerificationUsage.Register);
        var token = await h.VerifyAsync(id, code);

        var contact = ResultAssert.Succeeded(await h.Service.RedeemVerificationTokenAsync(token));

        Assert.Equal(VerificationChannel.Email, contact.Channel);
        Assert.Equal("alice@example.com", contact.Contact);
        Assert.Equal("alice@example.com", contact.Email);
        Assert.Equal(VerificationUsage.Register, contact.Usage);
    }

    [Fact]
    public async Task RedeemVerificationTokenAsync_WithoutUsage_UsageNull()
    {
        var h = new ServiceHarness();
        var (id, code) = await h.SendPhoneAsync();
        var token = await h.VerifyAsync(id, code);

        var contact = ResultAssert.Succeeded(await h.Service.RedeemVerificationTokenAsync(token));

        Assert.Null(contact.Usage);
    }

    [Fact]
    public async Task RedeemVerificationTokenAsync_100Concurrent_ExactlyOneSucceeds()
    {
        var h = new ServiceHarness();
        var (id, code) = await h.SendPhoneAsync();
        var token = await h.VerifyAsync(id, code);

        var results = await Concurrently.RunAsync(100, _ => h.Service.RedeemVerificationTokenAsync(token));

        Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(VerificationErrorReasons.Used, r.Error!.Reason));
    }

    [Theory]
    [InlineData(609, true)]
    [InlineData(610, false)]
    [InlineData(3600, false)]
    public async Task RedeemVerificationTokenAsync_AroundExpiry_ExpiredOnlyAfterLifetimePlusSkew(int seconds, bool redeemable)
    {
        var h = new ServiceHarness();
        var (id, code) = await h.SendPhoneAsync();
        var token = await h.VerifyAsync(id, code);
        h.Time.Advance(TimeSpan.FromSeconds(seconds));

        var result = await h.Service.RedeemVerificationTokenAsync(token);

        if (redeemable)
        {
            ResultAssert.Succeeded(result);
        }
        else
        {
            ResultAssert.Failed(result, VerificationErrorCodes.InvalidVerificationToken, VerificationErrorReasons.Expired);
        }
    }

    [Fact]
    public async Task RedeemVerificationTokenAsync_VerificationIdInstead_Unknown()
    {
        var h = new ServiceHarness();
        var (id, _) = await h.SendPhoneAsync();

        ResultAssert.Failed(await h.Service.RedeemVerificationTokenAsync(id), VerificationErrorCodes.InvalidVerificationToken, VerificationErrorReasons.Unknown);
    }
}
