namespace Verification.Tests;

public sealed partial class AbuseLimitTests
{
    // ---- Per client IP (soft) --------------------------------------------------------------------------------

    [Fact]
    public async Task SendAsync_EleventhSendFromOneIpv4WithinAnHour_CaptchaRequiredIpLimitWithRetryAfter()
    {
        var h = new ServiceHarness();
        var context = new VerificationContext { ClientIp = Ipv4 };
        for (var i = 0; i < 10; i++)
        {
            ResultAssert.Succeeded(await SendEmail(h, $"user{i}@example.com", context));
            h.Time.Advance(TimeSpan.FromMinutes(1));
        }

        var error = ResultAssert.Failed(await SendEmail(h, "user10@example.com", context), VerificationErrorCodes.CaptchaRequired, VerificationErrorReasons.IpLimit);

        Assert.Equal(TimeSpan.FromMinutes(50), error.RetryAfter);
        Assert.Equal(10, h.Messages.Count);
    }

    [Fact]
    public async Task SendAsync_IpWindowEnds_SendsAgainWithoutCaptcha()
    {
        var h = new ServiceHarness(o => o.Throttling.PerIp = new RateWindow(2, TimeSpan.FromHours(1)));
        var context = new VerificationContext { ClientIp = Ipv4 };
        ResultAssert.Succeeded(await SendEmail(h, "a@example.com", context));
        ResultAssert.Succeeded(await SendEmail(h, "b@example.com", context));

        h.Time.Advance(TimeSpan.FromMinutes(59));
        ResultAssert.Failed(await SendEmail(h, "c@example.com", context), VerificationErrorCodes.CaptchaRequired, VerificationErrorReasons.IpLimit);

        h.Time.Advance(TimeSpan.FromMinutes(1));
        ResultAssert.Succeeded(await SendEmail(h, "c@example.com", context));
    }

    [Fact]
    public async Task SendAsync_OtherIpv4Address_HasItsOwnBucket()
    {
        var h = new ServiceHarness(o => o.Throttling.PerIp = new RateWindow(1, TimeSpan.FromHours(1)));
        ResultAssert.Succeeded(await SendEmail(h, "a@example.com", Ip("203.0.113.7")));

        ResultAssert.Succeeded(await SendEmail(h, "b@example.com", Ip("203.0.113.8")));
        ResultAssert.Failed(await SendEmail(h, "c@example.com", Ip("203.0.113.7")), VerificationErrorCodes.CaptchaRequired, VerificationErrorReasons.IpLimit);
    }

    [Theory]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::2")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:fffe")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:0DB8:0001:0002:0000:0000:0000:0001")]
    public async Task SendAsync_TwoIpv6AddressesInOneSlash64_ShareABucket(string first, string second)
    {
        var h = new ServiceHarness(o => o.Throttling.PerIp = new RateWindow(1, TimeSpan.FromHours(1)));
        ResultAssert.Succeeded(await SendEmail(h, "a@example.com", Ip(first)));

        ResultAssert.Failed(await SendEmail(h, "b@example.com", Ip(second)), VerificationErrorCodes.CaptchaRequired, VerificationErrorReasons.IpLimit);
        Assert.Single(h.Messages);
    }

    [Theory]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:3::1")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:102::1")]
    [InlineData("2001:db8:1:2::1", "2001:db8:2:2::1")]
    public async Task SendAsync_Ipv6AddressesInDifferentSlash64_DoNotShare(string first, string second)
    {
        // The second address differs from the first within the /64 prefix only (a /48 or /56 bucket would share).
        var h = new ServiceHarness(o => o.Throttling.PerIp = new RateWindow(1, TimeSpan.FromHours(1)));
        ResultAssert.Succeeded(await SendEmail(h, "a@example.com", Ip(first)));

        ResultAssert.Succeeded(await SendEmail(h, "b@example.com", Ip(second)));
        Assert.Equal(2, h.Messages.Count);
    }

    [Theory]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("203.0.113.7", "::ffff:203.0.113.7")]
    public async Task SendAsync_Ipv4MappedIpv6_SharesTheBucketOfTheIpv4(string first, string second)
    {
        var h = new ServiceHarness(o => o.Throttling.PerIp = new RateWindow(1, TimeSpan.FromHours(1)));
        ResultAssert.Succeeded(await SendEmail(h, "a@example.com", Ip(first)));

        ResultAssert.Failed(await SendEmail(h, "b@example.com", Ip(second)), VerificationErrorCodes.CaptchaRequired, VerificationErrorReasons.IpLimit);
    }

    // ---- Per device (soft) -----------------------------------------------------------------------------------

    [Fact]
    public async Task SendAsync_SixthSendFromOneDeviceWithinAnHour_CaptchaRequiredDeviceLimitWithRetryAfter()
    {
        var h = new ServiceHarness();
        var device = new VerificationContext { DeviceId = "device-1" };
        for (var i = 0; i < 5; i++)
        {
            ResultAssert.Succeeded(await SendEmail(h, $"user{i}@example.com", device));
            h.Time.Advance(TimeSpan.FromMinutes(2));
        }

        var error = ResultAssert.Failed(await SendEmail(h, "user5@example.com", device), VerificationErrorCodes.CaptchaRequired, VerificationErrorReasons.DeviceLimit);

        Assert.Equal(TimeSpan.FromMinutes(50), error.RetryAfter);
        Assert.Equal(5, h.Messages.Count);

        // Another device is not affected.
        ResultAssert.Succeeded(await SendEmail(h, "user5@example.com", new VerificationContext { DeviceId = "device-2" }));
    }

    [Fact]
    public async Task SendAsync_DeviceWindowEnds_SendsAgainWithoutCaptcha()
    {
        var h = new ServiceHarness(o => o.Throttling.PerDevice = new RateWindow(1, TimeSpan.FromMinutes(30)));
        var device = new VerificationContext { DeviceId = "device-1" };
        ResultAssert.Succeeded(await SendEmail(h, "a@example.com", device));

        h.Time.Advance(TimeSpan.FromMinutes(29));
        var error = ResultAssert.Failed(await SendEmail(h, "b@example.com", device), VerificationErrorCodes.CaptchaRequired, VerificationErrorReasons.DeviceLimit);
        Assert.Equal(TimeSpan.FromMinutes(1), error.RetryAfter);

        h.Time.Advance(TimeSpan.FromMinutes(1));
        ResultAssert.Succeeded(await SendEmail(h, "b@example.com", device));
    }

    // ---- Per number prefix (soft, SMS only) ------------------------------------------------------------------

    [Fact]
    public async Task SendAsync_EleventhNumberOfOnePrefixWithinAnHour_CaptchaRequiredPrefixVelocity()
    {
        var h = new ServiceHarness();
        for (var i = 1; i <= 10; i++)
        {
            ResultAssert.Succeeded(await SendPhone(h, Number(i)));
            h.Time.Advance(TimeSpan.FromMinutes(1));
        }

        var error = ResultAssert.Failed(await SendPhone(h, Number(11)), VerificationErrorCodes.CaptchaRequired, VerificationErrorReasons.PrefixVelocity);

        Assert.Equal(TimeSpan.FromMinutes(50), error.RetryAfter);
        Assert.Equal(10, h.Messages.Count);
    }

    [Fact]
    public async Task SendAsync_OtherNumberPrefix_IsNotAffected()
    {
        var h = new ServiceHarness(o => o.Throttling.PerNumberPrefix = new RateWindow(2, TimeSpan.FromHours(1)));
        ResultAssert.Succeeded(await SendPhone(h, "+86 155 8866 0001"));
        ResultAssert.Succeeded(await SendPhone(h, "+86 155 8866 0002"));
        ResultAssert.Failed(await SendPhone(h, "+86 155 8866 0003"), VerificationErrorCodes.CaptchaRequired, VerificationErrorReasons.PrefixVelocity);

        // +86 155 8867 …: one digit before the last four differs.
        ResultAssert.Succeeded(await SendPhone(h, "+86 155 8867 0003"));
        ResultAssert.Succeeded(await SendPhone(h, "+86 138 0013 8000"));
    }

    [Fact]
    public async Task SendAsync_OtherSpellingOfANumber_CountsInTheSamePrefix()
    {
        var h = new ServiceHarness(o => o.Throttling.PerNumberPrefix = new RateWindow(1, TimeSpan.FromHours(1)));
        ResultAssert.Succeeded(await SendPhone(h, "+86 155 8866 0001"));

        ResultAssert.Failed(await SendPhone(h, "+86-(155)-8866-0002"), VerificationErrorCodes.CaptchaRequired, VerificationErrorReasons.PrefixVelocity);
    }

    [Fact]
    public async Task SendAsync_PrefixWindowEnds_SendsAgainWithoutCaptcha()
    {
        var h = new ServiceHarness(o => o.Throttling.PerNumberPrefix = new RateWindow(1, TimeSpan.FromHours(1)));
        ResultAssert.Succeeded(await SendPhone(h, Number(1)));
        h.Time.Advance(TimeSpan.FromMinutes(45));
        var error = ResultAssert.Failed(await SendPhone(h, Number(2)), VerificationErrorCodes.CaptchaRequired, VerificationErrorReasons.PrefixVelocity);
        Assert.Equal(TimeSpan.FromMinutes(15), error.RetryAfter);

        h.Time.Advance(TimeSpan.FromMinutes(15));
        ResultAssert.Succeeded(await SendPhone(h, Number(2)));
    }

    [Fact]
    public async Task SendAsync_EmailsSharingAllButTheirLastFourCharacters_HaveNoPrefixLimit()
    {
        // "user1@example.com" and "user1@example.org" would share a prefix if the guard applied to email.
        var h = new ServiceHarness(o => o.Throttling.PerNumberPrefix = new RateWindow(1, TimeSpan.FromHours(1)));
        ResultAssert.Succeeded(await SendEmail(h, "user1@example.com"));

        ResultAssert.Succeeded(await SendEmail(h, "user1@example.org"));
        Assert.DoesNotContain(h.Store.Saves.SelectMany(s => s.Charges), c => c.Key.StartsWith("prefix:", StringComparison.Ordinal));
    }

    // ---- Contact burst (soft) --------------------------------------------------------------------------------

    [Fact]
    public async Task SendAsync_FourthSendToOneContactWithinTenMinutes_CaptchaRequiredContactBurst()
    {
        var h = new ServiceHarness(o => o.Throttling.ResendCooldown = TimeSpan.Zero);
        for (var i = 0; i < 3; i++)
        {
            ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone));
            h.Time.Advance(TimeSpan.FromMinutes(1));
        }

        var error = ResultAssert.Failed(await SendPhone(h, ServiceHarness.Phone), VerificationErrorCodes.CaptchaRequired, VerificationErrorReasons.ContactBurst);

        Assert.Equal(TimeSpan.FromMinutes(7), error.RetryAfter);
        Assert.Equal(3, h.Messages.Count);

        // Another contact has its own burst window.
        ResultAssert.Succeeded(await SendPhone(h, "+86 138 0013 8000"));
    }

    [Fact]
    public async Task SendAsync_ContactBurstWindowEnds_SendsAgainWithoutCaptcha()
    {
        var h = new ServiceHarness(o => o.Throttling.ResendCooldown = TimeSpan.Zero);
        for (var i = 0; i < 3; i++)
        {
            ResultAssert.Succeeded(await SendEmail(h, ServiceHarness.Email));
        }

        h.Time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        ResultAssert.Failed(await SendEmail(h, ServiceHarness.Email), VerificationErrorCodes.CaptchaRequired, VerificationErrorReasons.ContactBurst);

        h.Time.Advance(TimeSpan.FromSeconds(1));
        ResultAssert.Succeeded(await SendEmail(h, ServiceHarness.Email));
        Assert.Equal(4, h.Messages.Count);
    }
}
