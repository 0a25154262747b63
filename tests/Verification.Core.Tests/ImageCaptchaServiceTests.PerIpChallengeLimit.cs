using System.Buffers.Text;
using System.Net;

namespace Verification.Tests;

public sealed partial class ImageCaptchaServiceTests
{
    // ---- Per-IP challenge limit ------------------------------------------------------------------------------

    [Fact]
    public async Task CreateChallengeAsync_FourthFromOneIpWithinAnHour_RateLimitedCaptchaLimit()
    {
        var h = new CaptchaHarness(o => o.Captcha.ChallengesPerIpPerHour = 3);
        var context = new VerificationContext { ClientIp = IPAddress.Parse("203.0.113.7") };
        for (var i = 0; i < 3; i++)
        {
            ResultAssert.Succeeded(await h.Captcha.CreateChallengeAsync(context));
            h.Time.Advance(TimeSpan.FromMinutes(5));
        }

        var error = ResultAssert.Failed(await h.Captcha.CreateChallengeAsync(context), VerificationErrorCodes.RateLimitExceeded, VerificationErrorReasons.CaptchaLimit);

        Assert.Equal(TimeSpan.FromMinutes(45), error.RetryAfter);
        Assert.Equal(3, h.Renderer.Texts.Count);

        // Another client is not affected; the same client may ask again once the hour is over.
        ResultAssert.Succeeded(await h.Captcha.CreateChallengeAsync(new VerificationContext { ClientIp = IPAddress.Parse("203.0.113.8") }));
        h.Time.Advance(TimeSpan.FromMinutes(45));
        ResultAssert.Succeeded(await h.Captcha.CreateChallengeAsync(context));
    }

    [Fact]
    public async Task CreateChallengeAsync_Ipv6AddressesOfOneSlash64_ShareTheChallengeLimit()
    {
        var h = new CaptchaHarness(o => o.Captcha.ChallengesPerIpPerHour = 1);
        ResultAssert.Succeeded(await h.Captcha.CreateChallengeAsync(new VerificationContext { ClientIp = IPAddress.Parse("2001:db8:1:2::1") }));

        ResultAssert.Failed(
            await h.Captcha.CreateChallengeAsync(new VerificationContext { ClientIp = IPAddress.Parse("2001:db8:1:2::99") }),
            VerificationErrorCodes.RateLimitExceeded,
            VerificationErrorReasons.CaptchaLimit);
    }

    [Fact]
    public async Task CreateChallengeAsync_ChallengeLimitZero_IsOff()
    {
        var h = new CaptchaHarness(o => o.Captcha.ChallengesPerIpPerHour = 0);
        var context = new VerificationContext { ClientIp = IPAddress.Parse("203.0.113.7") };

        for (var i = 0; i < 5; i++)
        {
            ResultAssert.Succeeded(await h.Captcha.CreateChallengeAsync(context));
        }

        Assert.All(h.Store.Saves, s => Assert.Empty(s.Charges));
    }
}
