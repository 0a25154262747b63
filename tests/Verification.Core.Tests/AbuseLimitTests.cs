using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Verification.Tests;

/// <summary>
/// The abuse protection of <see cref="VerificationService.SendAsync"/> (docs/abuse-protection.md; threats T6 and T11 of
/// docs/security.md): the
/// global SMS budget, the soft windows that ask for a captcha, the Idempotency-Key, uniform answers for existing
/// and unknown contacts, the validation of the new settings and the metrics. Every window is checked for its
/// limit, its reset and its RetryAfter, on a fake clock.
/// </summary>
public sealed class AbuseLimitTests
{
    private const string CaptchaToken = "solved-captcha";

    private static readonly IPAddress Ipv4 = IPAddress.Parse("203.0.113.7");

    // ---- Global SMS budget (hard) -----------------------------------------------------------------------------

    [Fact]
    public async Task SendAsync_GlobalSmsPerHourSpent_RateLimitedGlobalBudgetWithRetryAfter()
    {
        var h = new ServiceHarness(o =>
        {
            o.Throttling.GlobalCaptchaShare = 1; // the hard cap under test, without its soft tier and reserved share
            o.Throttling.GlobalReservedShare = 0;
            o.Throttling.GlobalSmsPerHour = 3;
            o.Throttling.GlobalSmsPerDay = 0;
        });
        for (var i = 1; i <= 3; i++)
        {
            ResultAssert.Succeeded(await SendPhone(h, Number(i)));
            h.Time.Advance(TimeSpan.FromMinutes(10));
        }

        var error = ResultAssert.Failed(await SendPhone(h, Number(4)), VerificationErrorCodes.RateLimitExceeded, VerificationErrorReasons.GlobalBudget);

        Assert.Equal(TimeSpan.FromMinutes(30), error.RetryAfter);
        Assert.Equal(3, h.Outbox.Messages.Count);
    }

    [Fact]
    public async Task SendAsync_GlobalSmsPerHourWindowEnds_SendsAgain()
    {
        var h = new ServiceHarness(o =>
        {
            o.Throttling.GlobalCaptchaShare = 1; // the hard cap under test, without its soft tier and reserved share
            o.Throttling.GlobalReservedShare = 0;
            o.Throttling.GlobalSmsPerHour = 2;
            o.Throttling.GlobalSmsPerDay = 0;
        });
        ResultAssert.Succeeded(await SendPhone(h, Number(1)));
        ResultAssert.Succeeded(await SendPhone(h, Number(2)));

        h.Time.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));
        var error = ResultAssert.Failed(await SendPhone(h, Number(3)), VerificationErrorCodes.RateLimitExceeded, VerificationErrorReasons.GlobalBudget);
        Assert.Equal(TimeSpan.FromSeconds(1), error.RetryAfter);

        h.Time.Advance(TimeSpan.FromSeconds(1));
        ResultAssert.Succeeded(await SendPhone(h, Number(3)));
        Assert.Equal(3, h.Outbox.Messages.Count);
    }

    [Fact]
    public async Task SendAsync_GlobalSmsPerDaySpent_RateLimitedGlobalBudgetUntilTheDayEnds()
    {
        // The hourly budget (default 1000) is far away; the daily one is the limit under test.
        var h = new ServiceHarness(o =>
        {
            o.Throttling.GlobalSmsPerDay = 3;
            o.Throttling.GlobalReservedShare = 0; // the hard cap under test, without its reserved share
        });
        for (var i = 1; i <= 3; i++)
        {
            ResultAssert.Succeeded(await SendPhone(h, Number(i)));
            h.Time.Advance(TimeSpan.FromHours(2));
        }

        var error = ResultAssert.Failed(await SendPhone(h, Number(4)), VerificationErrorCodes.RateLimitExceeded, VerificationErrorReasons.GlobalBudget);
        Assert.Equal(TimeSpan.FromHours(18), error.RetryAfter);

        // A fresh hour does not help against the daily budget.
        h.Time.Advance(TimeSpan.FromHours(18) - TimeSpan.FromSeconds(1));
        error = ResultAssert.Failed(await SendPhone(h, Number(4)), VerificationErrorCodes.RateLimitExceeded, VerificationErrorReasons.GlobalBudget);
        Assert.Equal(TimeSpan.FromSeconds(1), error.RetryAfter);

        h.Time.Advance(TimeSpan.FromSeconds(1));
        ResultAssert.Succeeded(await SendPhone(h, Number(4)));
        Assert.Equal(4, h.Outbox.Messages.Count);
    }

    [Fact]
    public async Task SendAsync_Emails_DoNotCountAgainstTheGlobalSmsBudget()
    {
        var h = new ServiceHarness(o =>
        {
            o.Throttling.GlobalCaptchaShare = 1; // the hard cap under test, without its soft tier and reserved share
            o.Throttling.GlobalReservedShare = 0;
            o.Throttling.GlobalSmsPerHour = 2;
            o.Throttling.GlobalSmsPerDay = 2;
        });
        for (var i = 0; i < 3; i++)
        {
            ResultAssert.Succeeded(await SendEmail(h, $"user{i}@example.com"));
        }

        ResultAssert.Succeeded(await SendPhone(h, Number(1)));
        ResultAssert.Succeeded(await SendPhone(h, Number(2)));
        ResultAssert.Failed(await SendPhone(h, Number(3)), VerificationErrorCodes.RateLimitExceeded, VerificationErrorReasons.GlobalBudget);

        // Once the SMS budget is spent, email still goes out.
        ResultAssert.Succeeded(await SendEmail(h, "user3@example.com"));
        Assert.Equal(6, h.Outbox.Messages.Count);
    }

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
        Assert.Equal(10, h.Outbox.Messages.Count);
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
        Assert.Single(h.Outbox.Messages);
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
        Assert.Equal(2, h.Outbox.Messages.Count);
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
        Assert.Equal(5, h.Outbox.Messages.Count);

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
        Assert.Equal(10, h.Outbox.Messages.Count);
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
        Assert.Equal(3, h.Outbox.Messages.Count);

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
        Assert.Equal(4, h.Outbox.Messages.Count);
    }

    // ---- AlwaysRequire and the soft → captcha → pass path ----------------------------------------------------

    [Fact]
    public async Task SendAsync_AlwaysRequireWithoutToken_CaptchaRequiredAlwaysAndNothingSent()
    {
        var validator = Validator(CaptchaValidationStatus.Valid);
        var h = new ServiceHarness(o => o.Captcha.AlwaysRequire = true, captchaValidator: validator);

        var error = ResultAssert.Failed(await SendPhone(h, ServiceHarness.Phone), VerificationErrorCodes.CaptchaRequired, VerificationErrorReasons.Always);

        Assert.Empty(h.Outbox.Messages);
        await validator.DidNotReceiveWithAnyArgs().ValidateAsync(default!, default, default);
    }

    [Fact]
    public async Task SendAsync_AlwaysRequire_NoRetryAfterBecauseWaitingNeverHelps()
    {
        // The "always" window never ends: a retry_after would send clients into a loop of waiting and retrying.
        var h = new ServiceHarness(o => o.Captcha.AlwaysRequire = true, captchaValidator: Validator(CaptchaValidationStatus.Valid));

        var error = ResultAssert.Failed(await SendPhone(h, ServiceHarness.Phone), VerificationErrorCodes.CaptchaRequired, VerificationErrorReasons.Always);

        Assert.Null(error.RetryAfter);
    }

    [Fact]
    public async Task SendAsync_AlwaysRequireWithValidToken_SendsEveryTime()
    {
        var validator = Validator(CaptchaValidationStatus.Valid);
        var h = new ServiceHarness(o => o.Captcha.AlwaysRequire = true, captchaValidator: validator);

        ResultAssert.Succeeded(await SendPhone(h, Number(1), captchaToken: "token-1"));
        ResultAssert.Succeeded(await SendEmail(h, ServiceHarness.Email, captchaToken: "token-2"));

        Assert.Equal(2, h.Outbox.Messages.Count);
        await validator.Received(1).ValidateAsync("token-1", Arg.Any<VerificationContext?>(), Arg.Any<CancellationToken>());
        await validator.Received(1).ValidateAsync("token-2", Arg.Any<VerificationContext?>(), Arg.Any<CancellationToken>());
    }

    [Theory]
    [InlineData(VerificationErrorReasons.IpLimit)]
    [InlineData(VerificationErrorReasons.DeviceLimit)]
    [InlineData(VerificationErrorReasons.PrefixVelocity)]
    [InlineData(VerificationErrorReasons.ContactBurst)]
    [InlineData(VerificationErrorReasons.Always)]
    public async Task SendAsync_SoftLimitThenSameRequestWithValidCaptchaToken_Sends(string reason)
    {
        var validator = Validator(CaptchaValidationStatus.Valid);
        var h = new ServiceHarness(o => OnlySoftLimit(o, reason), captchaValidator: validator);
        var context = new VerificationContext { ClientIp = Ipv4, DeviceId = "device-1" };
        if (reason != VerificationErrorReasons.Always)
        {
            ResultAssert.Succeeded(await h.Service.SendAsync(SoftRequest(reason, 1), context));
        }

        var request = SoftRequest(reason, 2);
        var sentBefore = h.Outbox.Messages.Count;
        ResultAssert.Failed(await h.Service.SendAsync(request, context), VerificationErrorCodes.CaptchaRequired, reason);
        Assert.Equal(sentBefore, h.Outbox.Messages.Count);

        var response = ResultAssert.Succeeded(await h.Service.SendAsync(request with { CaptchaToken = CaptchaToken }, context));

        Assert.Equal(sentBefore + 1, h.Outbox.Messages.Count);
        ResultAssert.Succeeded(await h.Service.VerifyAsync(new VerifyRequest(response.VerificationId, h.Outbox.Last.Code)));
        await validator.Received(1).ValidateAsync(CaptchaToken, context, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task SendAsync_InvalidCaptchaTokenAtASoftLimit_CaptchaInvalidAndNothingSent()
    {
        var h = new ServiceHarness(o => o.Captcha.AlwaysRequire = true, captchaValidator: Validator(CaptchaValidationStatus.Invalid, VerificationErrorReasons.Used));

        ResultAssert.Failed(await SendPhone(h, ServiceHarness.Phone, captchaToken: CaptchaToken), VerificationErrorCodes.CaptchaInvalid, VerificationErrorReasons.Used);

        Assert.Empty(h.Outbox.Messages);
        Assert.Empty(h.Store.Saves);
    }

    [Fact]
    public async Task SendAsync_CooldownWithValidCaptchaToken_StillRateLimited()
    {
        var h = new ServiceHarness(captchaValidator: Validator(CaptchaValidationStatus.Valid));
        ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone));
        h.Time.Advance(TimeSpan.FromSeconds(15));

        var error = ResultAssert.Failed(
            await SendPhone(h, ServiceHarness.Phone, captchaToken: CaptchaToken),
            VerificationErrorCodes.RateLimitExceeded,
            VerificationErrorReasons.ResendCooldown);

        Assert.Equal(TimeSpan.FromSeconds(45), error.RetryAfter);
        Assert.Single(h.Outbox.Messages);
    }

    [Fact]
    public async Task SendAsync_GlobalBudgetWithValidCaptchaToken_StillRateLimited()
    {
        var h = new ServiceHarness(
            o =>
            {
                o.Throttling.GlobalSmsPerHour = 1;
                o.Throttling.GlobalCaptchaShare = 1;
                o.Throttling.GlobalReservedShare = 0; // no reserved share: the captcha solver finds the cap spent too
            },
            captchaValidator: Validator(CaptchaValidationStatus.Valid));
        ResultAssert.Succeeded(await SendPhone(h, Number(1)));

        ResultAssert.Failed(
            await SendPhone(h, Number(2), captchaToken: CaptchaToken),
            VerificationErrorCodes.RateLimitExceeded,
            VerificationErrorReasons.GlobalBudget);
        Assert.Single(h.Outbox.Messages);
    }

    [Fact]
    public async Task SendAsync_DailyLimitWithValidCaptchaToken_StillRateLimited()
    {
        var h = new ServiceHarness(
            o =>
            {
                o.Throttling.DailyLimitPerContact = 2;
                o.Throttling.ResendCooldown = TimeSpan.Zero;
            },
            captchaValidator: Validator(CaptchaValidationStatus.Valid));
        ResultAssert.Succeeded(await SendEmail(h, ServiceHarness.Email));
        ResultAssert.Succeeded(await SendEmail(h, ServiceHarness.Email));

        ResultAssert.Failed(
            await SendEmail(h, ServiceHarness.Email, captchaToken: CaptchaToken),
            VerificationErrorCodes.RateLimitExceeded,
            VerificationErrorReasons.DailyLimit);
    }

    [Fact]
    public async Task SendAsync_HardAndSoftLimitReachedTogether_ReportsTheHardOne()
    {
        // Solving a captcha would not help against the cooldown, so the client must not be asked for one.
        var h = new ServiceHarness(o => o.Throttling.ContactBurst = new RateWindow(1, TimeSpan.FromMinutes(10)));
        ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone));

        ResultAssert.Failed(await SendPhone(h, ServiceHarness.Phone), VerificationErrorCodes.RateLimitExceeded, VerificationErrorReasons.ResendCooldown);
    }

    [Fact]
    public async Task SendAsync_CaptchaRequiredRefusal_ChargesNothing()
    {
        var h = new ServiceHarness(o => o.Throttling.PerIp = new RateWindow(1, TimeSpan.FromHours(1)));
        var context = new VerificationContext { ClientIp = Ipv4 };
        ResultAssert.Succeeded(await SendEmail(h, "a@example.com", context));
        ResultAssert.Failed(await SendEmail(h, "b@example.com", context), VerificationErrorCodes.CaptchaRequired, VerificationErrorReasons.IpLimit);

        // The refused send did not start b@'s cooldown, burst or daily count: from another IP it goes through at once.
        ResultAssert.Succeeded(await SendEmail(h, "b@example.com", Ip("198.51.100.1")));
    }

    // ---- Windows turned off; refunds -------------------------------------------------------------------------

    [Fact]
    public async Task SendAsync_SoftWindowsWithLimitZero_NeverAskForACaptcha()
    {
        var h = new ServiceHarness(o =>
        {
            o.Throttling.ResendCooldown = TimeSpan.Zero;
            o.Throttling.ContactBurst.Limit = 0;
            o.Throttling.PerIp.Limit = 0;
            o.Throttling.PerDevice.Limit = 0;
            o.Throttling.PerNumberPrefix.Limit = 0;
        });
        var context = new VerificationContext { ClientIp = Ipv4, DeviceId = "device-1" };

        for (var i = 0; i < 12; i++)
        {
            ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone, context));
        }

        Assert.Equal(12, h.Outbox.Messages.Count);
        string[] turnedOff = [VerificationErrorReasons.ContactBurst, VerificationErrorReasons.IpLimit, VerificationErrorReasons.DeviceLimit, VerificationErrorReasons.PrefixVelocity];
        Assert.DoesNotContain(h.Store.Saves.SelectMany(s => s.Charges), c => turnedOff.Contains(c.Reason));
    }

    [Fact]
    public async Task SendAsync_OneSoftWindowWithLimitZero_LeavesTheOthersOn()
    {
        var h = new ServiceHarness(o =>
        {
            o.Throttling.PerIp.Limit = 0;
            o.Throttling.PerDevice = new RateWindow(1, TimeSpan.FromHours(1));
        });
        var context = new VerificationContext { ClientIp = Ipv4, DeviceId = "device-1" };
        ResultAssert.Succeeded(await SendEmail(h, "a@example.com", context));

        ResultAssert.Failed(await SendEmail(h, "b@example.com", context), VerificationErrorCodes.CaptchaRequired, VerificationErrorReasons.DeviceLimit);
    }

    [Fact]
    public async Task SendAsync_GlobalBudgetsZero_ChargeNoGlobalCounter()
    {
        var h = new ServiceHarness(o =>
        {
            o.Throttling.GlobalSmsPerHour = 0;
            o.Throttling.GlobalSmsPerDay = 0;
            o.Throttling.GlobalSmsPerRegionPerHour = 0;
        });

        ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone));

        var charges = Assert.Single(h.Store.Saves).Charges;
        Assert.DoesNotContain(charges, c => c.Reason == VerificationErrorReasons.GlobalBudget);
    }

    [Fact]
    public async Task SendAsync_FailedDelivery_RefundsTheSoftCountersAndTheGlobalBudget()
    {
        var sender = new ScriptedSender("flaky").ThenThrow(new DeliveryException(DeliveryFailureKind.Transient, "gateway busy"));
        var h = new ServiceHarness(
            o =>
            {
            o.Throttling.GlobalCaptchaShare = 1; // the hard cap under test, without its soft tier and reserved share
            o.Throttling.GlobalReservedShare = 0;
                o.Throttling.GlobalSmsPerHour = 1;
                o.Throttling.GlobalSmsPerDay = 1;
                o.Throttling.ContactBurst = new RateWindow(1, TimeSpan.FromMinutes(10));
                o.Throttling.PerIp = new RateWindow(1, TimeSpan.FromHours(1));
                o.Throttling.PerDevice = new RateWindow(1, TimeSpan.FromHours(1));
                o.Throttling.PerNumberPrefix = new RateWindow(1, TimeSpan.FromHours(1));
            },
            smsSenders: [sender]);
        var context = new VerificationContext { ClientIp = Ipv4, DeviceId = "device-1" };

        ResultAssert.Failed(await SendPhone(h, ServiceHarness.Phone, context), VerificationErrorCodes.Unavailable, VerificationErrorReasons.DeliveryFailed);

        // Every window of the failed send was given back: the retry is neither throttled nor asked for a captcha.
        ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone, context));
        Assert.Single(sender.Delivered);

        // ...and the windows count again once a send went through.
        ResultAssert.Failed(await SendPhone(h, "+86 138 0013 8000", context), VerificationErrorCodes.RateLimitExceeded, VerificationErrorReasons.GlobalBudget);
    }

    // ---- Idempotency-Key -------------------------------------------------------------------------------------

    [Fact]
    public async Task SendAsync_SameIdempotencyKeyAndContactWithinCooldown_ReplaysTheSameIdWithoutASecondMessage()
    {
        var h = new ServiceHarness();
        var context = new VerificationContext { IdempotencyKey = "order-42" };
        var first = ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone, context));
        Assert.Equal(600, first.ExpiresIn);

        h.Time.Advance(TimeSpan.FromSeconds(20));
        var second = ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone, context));
        h.Time.Advance(TimeSpan.FromSeconds(39));
        var third = ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.PhoneE164, context));

        Assert.Equal(first.VerificationId, second.VerificationId);
        Assert.Equal(first.VerificationId, third.VerificationId);
        Assert.Equal(580, second.ExpiresIn);
        Assert.Equal(541, third.ExpiresIn);
        var message = Assert.Single(h.Outbox.Messages);
        Assert.Single(h.Store.Saves);

        // The replayed id is the live one: the code of the single message verifies it.
        ResultAssert.Succeeded(await h.Service.VerifyAsync(new VerifyRequest(third.VerificationId, message.Code)));
    }

    [Fact]
    public async Task SendAsync_IdempotentReplay_KeepsIsUser()
    {
        var directory = Users(ServiceHarness.PhoneE164);
        var h = new ServiceHarness(userDirectory: directory);
        var context = new VerificationContext { IdempotencyKey = "k" };
        var first = ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone, context));

        var replay = ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone, context));

        Assert.True(first.IsUser);
        Assert.True(replay.IsUser);
        Assert.Single(h.Outbox.Messages);
    }

    [Fact]
    public async Task SendAsync_SameIdempotencyKeyForAnotherContact_ScopedByContactSoASendOfItsOwn()
    {
        var h = new ServiceHarness();
        var context = new VerificationContext { IdempotencyKey = "order-42" };
        var first = ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone, context));

        var other = ResultAssert.Succeeded(await SendPhone(h, "+86 138 0013 8000", context));

        Assert.NotEqual(first.VerificationId, other.VerificationId);
        Assert.Equal(2, h.Outbox.Messages.Count);
    }

    [Fact]
    public async Task SendAsync_SameIdempotencyKeyAndContactWithAnotherUsageOrTarget_IdempotencyKeyReused()
    {
        var h = new ServiceHarness(userDirectory: Users(ServiceHarness.PhoneE164));
        var context = new VerificationContext { IdempotencyKey = "order-42" };
        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, Usage: VerificationUsage.SignIn), context));

        var usage = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, Usage: VerificationUsage.PasswordReset), context),
            VerificationErrorCodes.IdempotencyKeyReused,
            VerificationErrorReasons.IdempotencyKeyReused);
        var target = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, Target: VerificationTarget.User, Usage: VerificationUsage.SignIn), context),
            VerificationErrorCodes.IdempotencyKeyReused);

        Assert.Equal("idempotency_key", usage.Field);
        Assert.Equal(4011, target.Number);
        Assert.Single(h.Outbox.Messages);
    }

    [Fact]
    public async Task SendAsync_SameIdempotencyKeyAfterTheCooldown_IsForgottenAndSendsANewCode()
    {
        var h = new ServiceHarness();
        var context = new VerificationContext { IdempotencyKey = "order-42" };
        var first = ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone, context));

        h.Time.Advance(TimeSpan.FromSeconds(60));
        var second = ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone, context));

        Assert.NotEqual(first.VerificationId, second.VerificationId);
        Assert.Equal(600, second.ExpiresIn);
        Assert.Equal(2, h.Outbox.Messages.Count);

        // Forgotten for every contact: the key may now name another one.
        h.Time.Advance(TimeSpan.FromSeconds(60));
        ResultAssert.Succeeded(await SendPhone(h, "+86 138 0013 8000", context));
    }

    [Fact]
    public async Task SendAsync_FailedDeliveryWithIdempotencyKey_DoesNotRecordTheKey()
    {
        var sender = new ScriptedSender("flaky").ThenThrow(new DeliveryException(DeliveryFailureKind.Transient, "gateway busy"));
        var h = new ServiceHarness(smsSenders: [sender]);
        var context = new VerificationContext { IdempotencyKey = "order-42" };

        ResultAssert.Failed(await SendPhone(h, ServiceHarness.Phone, context), VerificationErrorCodes.Unavailable, VerificationErrorReasons.DeliveryFailed);
        var retry = ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone, context));
        var replay = ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone, context));

        Assert.Equal(2, sender.Calls);
        var delivered = Assert.Single(sender.Delivered);
        Assert.Equal(retry.VerificationId, replay.VerificationId);
        ResultAssert.Succeeded(await h.Service.VerifyAsync(new VerifyRequest(retry.VerificationId, delivered.Code)));
    }

    [Fact]
    public async Task SendAsync_ConcurrentRequestsWithOneIdempotencyKey_AllGetTheSameIdAndOneMessage()
    {
        // Regression: the losers of the race used to get the cooldown's rate_limit_exceeded, although a
        // repeated Idempotency-Key within the cooldown must answer with the same verification_id.
        var h = new ServiceHarness();
        var context = new VerificationContext { IdempotencyKey = "order-42" };

        var results = await Concurrently.RunAsync(16, _ => h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone), context));

        var message = Assert.Single(h.Outbox.Messages);
        Assert.All(results, r => Assert.True(r.Succeeded, r.ToString()));
        var id = Assert.Single(results.Select(r => r.Value!.VerificationId).Distinct());
        Assert.Single(h.Store.Saves);

        var replay = ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone), context));
        Assert.Equal(id, replay.VerificationId);
        ResultAssert.Succeeded(await h.Service.VerifyAsync(new VerifyRequest(replay.VerificationId, message.Code)));
    }

    [Fact]
    public async Task SendAsync_IdempotencyKeyWhileItsSendIsStillDelivering_GetsTheSameIdWithoutASecondMessage()
    {
        var sender = new ScriptedSender("slow");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sender.Then(async (message, ct) =>
        {
            sender.Entered.TrySetResult();
            await gate.Task.WaitAsync(ct);
        });
        var h = new ServiceHarness(smsSenders: [sender]);
        var context = new VerificationContext { IdempotencyKey = "order-42" };

        var first = h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone), context).AsTask();
        await sender.Entered.Task;
        var second = ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.PhoneE164), context));
        gate.SetResult();
        var firstResult = ResultAssert.Succeeded(await first);

        Assert.Equal(firstResult.VerificationId, second.VerificationId);
        Assert.Equal(1, sender.Calls);
    }

    [Fact]
    public async Task SendAsync_IdempotencyKeyOfASendRefusedByTheCooldown_IsWithdrawn()
    {
        var h = new ServiceHarness();
        ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone, null));
        var context = new VerificationContext { IdempotencyKey = "order-43" };

        // Refused 30 s into the cooldown: a reservation left behind would live until 90 s and replay a dead id at 60 s.
        h.Time.Advance(TimeSpan.FromSeconds(30));
        ResultAssert.Failed(await SendPhone(h, ServiceHarness.Phone, context), VerificationErrorCodes.RateLimitExceeded, VerificationErrorReasons.ResendCooldown);
        h.Time.Advance(TimeSpan.FromSeconds(30));
        var sent = ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone, context));

        Assert.Equal(2, h.Outbox.Messages.Count);
        ResultAssert.Succeeded(await h.Service.VerifyAsync(new VerifyRequest(sent.VerificationId, h.Outbox.Last.Code)));
    }

    // ---- Enumeration -----------------------------------------------------------------------------------------

    [Fact]
    public async Task SendAsync_TargetAnyWithUserDirectory_ExistingAndUnknownContactsGetTheSameShape()
    {
        var h = new ServiceHarness(userDirectory: Users(ServiceHarness.PhoneE164));

        var existing = ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone));
        var unknown = ResultAssert.Succeeded(await SendPhone(h, "+86 138 0013 8000"));

        Assert.Equal(PropertyNames(existing), PropertyNames(unknown));
        Assert.Equal(new[] { "expires_in", "is_user", "verification_id" }, PropertyNames(existing));
        Assert.Equal(existing.ExpiresIn, unknown.ExpiresIn);
        Assert.True(existing.IsUser);
        Assert.False(unknown.IsUser);
        Assert.Equal(2, h.Outbox.Messages.Count);
    }

    [Fact]
    public async Task SendAsync_TargetAnyWithIncludeIsUserOff_ExistingAndUnknownContactsBothOmitIsUser()
    {
        var h = new ServiceHarness(o => o.IncludeIsUser = false, userDirectory: Users(ServiceHarness.PhoneE164));

        var existing = ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone));
        var unknown = ResultAssert.Succeeded(await SendPhone(h, "+86 138 0013 8000"));

        Assert.Null(existing.IsUser);
        Assert.Null(unknown.IsUser);
        Assert.Equal(new[] { "expires_in", "verification_id" }, PropertyNames(existing));
        Assert.Equal(new[] { "expires_in", "verification_id" }, PropertyNames(unknown));
        Assert.Equal(2, h.Outbox.Messages.Count);
    }

    // ---- Options ---------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("Throttling:PerIp:Limit", "-1")]
    [InlineData("Throttling:PerDevice:Limit", "-1")]
    [InlineData("Throttling:PerNumberPrefix:Limit", "-1")]
    [InlineData("Throttling:ContactBurst:Limit", "-5")]
    [InlineData("Throttling:PerIp:Limit", "1000001")]
    [InlineData("Throttling:PerIp:Window", "00:00:00")]
    [InlineData("Throttling:PerDevice:Window", "31.00:00:00")]
    [InlineData("Throttling:GlobalSmsPerHour", "-1")]
    [InlineData("Throttling:GlobalSmsPerDay", "-1")]
    [InlineData("Captcha:KeyLength", "3")]
    [InlineData("Captcha:KeyLength", "7")]
    [InlineData("Captcha:MaxTries", "0")]
    [InlineData("Captcha:MaxTries", "11")]
    [InlineData("Captcha:ChallengeLifetime", "00:00:09")]
    [InlineData("Captcha:ChallengeLifetime", "00:30:01")]
    [InlineData("Captcha:TokenLifetime", "00:00:00")]
    [InlineData("Captcha:TokenLifetime", "01:00:00")]
    [InlineData("Captcha:ChallengesPerIpPerHour", "-1")]
    public void Validate_AbuseSettingOutOfRange_FailsNamingTheKey(string key, string value)
    {
        var options = ServiceHarness.CreateOptions();
        Set(options, key, value);

        var result = new VerificationOptionsValidator().Validate(MsOptions.DefaultName, options);

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.Contains("Verification:" + key, failure, StringComparison.Ordinal);
        var thrown = Assert.Throws<OptionsValidationException>(() => new VerificationService(MsOptions.Create(options), new InMemoryCodeStore(), [], []));
        Assert.Contains("Verification:" + key, thrown.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Throttling:PerIp")]
    [InlineData("Throttling:PerDevice")]
    [InlineData("Throttling:PerNumberPrefix")]
    [InlineData("Throttling:ContactBurst")]
    public void Validate_NullWindow_FailsNamingTheKey(string key)
    {
        var options = ServiceHarness.CreateOptions();
        switch (key)
        {
            case "Throttling:PerIp": options.Throttling.PerIp = null!; break;
            case "Throttling:PerDevice": options.Throttling.PerDevice = null!; break;
            case "Throttling:PerNumberPrefix": options.Throttling.PerNumberPrefix = null!; break;
            default: options.Throttling.ContactBurst = null!; break;
        }

        var failure = Assert.Single(new VerificationOptionsValidator().Validate(MsOptions.DefaultName, options).Failures!);

        Assert.Contains("Verification:" + key, failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Throttling:PerIp:Limit", "0")]
    [InlineData("Throttling:PerIp:Limit", "1000000")]
    [InlineData("Throttling:PerIp:Window", "00:00:01")]
    [InlineData("Throttling:PerDevice:Window", "30.00:00:00")]
    [InlineData("Throttling:GlobalSmsPerHour", "0")]
    [InlineData("Throttling:GlobalSmsPerDay", "0")]
    [InlineData("Captcha:KeyLength", "4")]
    [InlineData("Captcha:KeyLength", "6")]
    [InlineData("Captcha:MaxTries", "1")]
    [InlineData("Captcha:MaxTries", "10")]
    [InlineData("Captcha:ChallengeLifetime", "00:00:10")]
    [InlineData("Captcha:ChallengeLifetime", "00:30:00")]
    [InlineData("Captcha:TokenLifetime", "00:00:10")]
    [InlineData("Captcha:TokenLifetime", "00:30:00")]
    [InlineData("Captcha:ChallengesPerIpPerHour", "0")]
    public void Validate_AbuseSettingAtItsBound_Succeeds(string key, string value)
    {
        var options = ServiceHarness.CreateOptions();
        Set(options, key, value);

        var result = new VerificationOptionsValidator().Validate(MsOptions.DefaultName, options);

        Assert.False(result.Failed, string.Join(Environment.NewLine, result.Failures ?? []));
    }

    [Fact]
    public void Validate_WindowTurnedOffWithZeroLength_Succeeds()
    {
        // A window whose limit is 0 is off; its length does not matter.
        var options = ServiceHarness.CreateOptions();
        options.Throttling.PerIp = new RateWindow(0, TimeSpan.Zero);

        Assert.False(new VerificationOptionsValidator().Validate(MsOptions.DefaultName, options).Failed);
    }

    // ---- Metrics ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task SendAsync_Sms_CountsCodesSentWithChannelSmsAndRegionCN()
    {
        using var meters = new MeteredService();
        using var sent = meters.Collect("verification.codes.sent");

        ResultAssert.Succeeded(await meters.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));

        var measurement = Assert.Single(sent.GetMeasurementSnapshot());
        Assert.Equal(1, measurement.Value);
        Assert.Equal("sms", measurement.Tags["verification.channel"]);
        Assert.Equal("CN", measurement.Tags["verification.region"]);
    }

    [Fact]
    public async Task SendAsync_Email_CountsCodesSentWithChannelEmailAndNoRegion()
    {
        using var meters = new MeteredService();
        using var sent = meters.Collect("verification.codes.sent");

        ResultAssert.Succeeded(await meters.Service.SendAsync(new VerificationRequest(Email: ServiceHarness.Email)));

        var measurement = Assert.Single(sent.GetMeasurementSnapshot());
        Assert.Equal("email", measurement.Tags["verification.channel"]);
        Assert.Equal("none", measurement.Tags["verification.region"]);
    }

    [Fact]
    public async Task SendAsync_Refused_CountsARefusalAndNoCodeSent()
    {
        using var meters = new MeteredService(o => o.Throttling.PerIp = new RateWindow(1, TimeSpan.FromHours(1)));
        using var sent = meters.Collect("verification.codes.sent");
        using var refused = meters.Collect("verification.sends.refused");
        var context = new VerificationContext { ClientIp = Ipv4 };
        ResultAssert.Succeeded(await meters.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone), context));

        await meters.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone), context);
        await meters.Service.SendAsync(new VerificationRequest(Email: ServiceHarness.Email), context);

        Assert.Single(sent.GetMeasurementSnapshot());
        var measurements = refused.GetMeasurementSnapshot();
        Assert.Equal(2, measurements.Count);
        Assert.All(measurements, m => Assert.Equal(1, m.Value));
        Assert.Equal(VerificationErrorCodes.RateLimitExceeded, measurements[0].Tags["error.type"]);
        Assert.Equal(VerificationErrorReasons.ResendCooldown, measurements[0].Tags["verification.reason"]);
        Assert.Equal(VerificationErrorCodes.CaptchaRequired, measurements[1].Tags["error.type"]);
        Assert.Equal(VerificationErrorReasons.IpLimit, measurements[1].Tags["verification.reason"]);
    }

    [Fact]
    public async Task VerifyAsync_WrongThenRightCode_CountsVerificationsWithOutcomeWrongThenVerified()
    {
        using var meters = new MeteredService();
        using var verifications = meters.Collect("verification.codes.verifications");
        var sent = ResultAssert.Succeeded(await meters.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));
        var code = meters.Outbox.Last.Code;

        await meters.Service.VerifyAsync(new VerifyRequest(sent.VerificationId, ServiceHarness.WrongCode(code)));
        ResultAssert.Succeeded(await meters.Service.VerifyAsync(new VerifyRequest(sent.VerificationId, code)));

        var measurements = verifications.GetMeasurementSnapshot();
        Assert.Equal(2, measurements.Count);
        Assert.Equal(new[] { "wrong", "verified" }, measurements.Select(m => m.Tags["verification.outcome"] as string).ToArray());
        Assert.All(measurements, m =>
        {
            Assert.Equal(1, m.Value);
            Assert.Equal("sms", m.Tags["verification.channel"]);
            Assert.Equal("CN", m.Tags["verification.region"]);
        });
    }

    [Fact]
    public async Task SendAsync_MeterFromTheFactory_IsNotSeenByAnotherFactory()
    {
        // The collectors of one factory see only the services it made, so parallel tests do not see each other.
        using var meters = new MeteredService();
        using var other = new MeteredService();
        using var sent = meters.Collect("verification.codes.sent");

        ResultAssert.Succeeded(await other.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));

        Assert.Empty(sent.GetMeasurementSnapshot());
    }

    // ---- Helpers ---------------------------------------------------------------------------------------------

    /// <summary>+86 155 8866 nnnn: numbers that share the prefix +861558866.</summary>
    private static string Number(int i) => "+86 155 8866 " + i.ToString("D4", CultureInfo.InvariantCulture);

    private static VerificationContext Ip(string address) => new() { ClientIp = IPAddress.Parse(address) };

    private static ValueTask<VerificationResult<VerificationResponse>> SendPhone(ServiceHarness h, string phone, VerificationContext? context = null, string? captchaToken = null) =>
        h.Service.SendAsync(new VerificationRequest(PhoneNumber: phone, CaptchaToken: captchaToken), context);

    private static ValueTask<VerificationResult<VerificationResponse>> SendEmail(ServiceHarness h, string email, VerificationContext? context = null, string? captchaToken = null) =>
        h.Service.SendAsync(new VerificationRequest(Email: email, CaptchaToken: captchaToken), context);

    private static ICaptchaValidator Validator(CaptchaValidationStatus status, string? reason = null)
    {
        var validator = Substitute.For<ICaptchaValidator>();
        validator.ValidateAsync(default!, default, default)
            .ReturnsForAnyArgs(new ValueTask<CaptchaValidationResult>(new CaptchaValidationResult(status, reason)));
        return validator;
    }

    private static IUserDirectory Users(params string[] existing)
    {
        var directory = Substitute.For<IUserDirectory>();
        directory.ExistsAsync(default, default!, default)
            .ReturnsForAnyArgs(call => new ValueTask<bool>(existing.Contains(call.ArgAt<string>(1), StringComparer.Ordinal)));
        return directory;
    }

    private static string[] PropertyNames(VerificationResponse response)
    {
        using var document = JsonDocument.Parse(JsonSerializer.Serialize(response));
        return [.. document.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];
    }

    /// <summary>Turns every soft window off except the one that <paramref name="reason"/> names, which allows one send.</summary>
    private static void OnlySoftLimit(VerificationOptions options, string reason)
    {
        var throttling = options.Throttling;
        throttling.ResendCooldown = TimeSpan.Zero;
        throttling.ContactBurst.Limit = 0;
        throttling.PerIp.Limit = 0;
        throttling.PerDevice.Limit = 0;
        throttling.PerNumberPrefix.Limit = 0;
        var one = new RateWindow(1, TimeSpan.FromHours(1));
        switch (reason)
        {
            case VerificationErrorReasons.IpLimit: throttling.PerIp = one; break;
            case VerificationErrorReasons.DeviceLimit: throttling.PerDevice = one; break;
            case VerificationErrorReasons.PrefixVelocity: throttling.PerNumberPrefix = one; break;
            case VerificationErrorReasons.ContactBurst: throttling.ContactBurst = one; break;
            default: options.Captcha.AlwaysRequire = true; break;
        }
    }

    /// <summary>The n-th request of a soft-limit scenario: distinct contacts, except for the per-contact burst.</summary>
    private static VerificationRequest SoftRequest(string reason, int n) => reason switch
    {
        VerificationErrorReasons.PrefixVelocity => new VerificationRequest(PhoneNumber: Number(n)),
        VerificationErrorReasons.ContactBurst => new VerificationRequest(Email: ServiceHarness.Email),
        _ => new VerificationRequest(Email: $"user{n}@example.com"),
    };

    private static void Set(VerificationOptions options, string key, string value)
    {
        var number = int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;
        var duration = TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var d) ? d : TimeSpan.Zero;
        var t = options.Throttling;
        var c = options.Captcha;
        switch (key)
        {
            case "Throttling:PerIp:Limit": t.PerIp.Limit = number; break;
            case "Throttling:PerDevice:Limit": t.PerDevice.Limit = number; break;
            case "Throttling:PerNumberPrefix:Limit": t.PerNumberPrefix.Limit = number; break;
            case "Throttling:ContactBurst:Limit": t.ContactBurst.Limit = number; break;
            case "Throttling:PerIp:Window": t.PerIp.Window = duration; break;
            case "Throttling:PerDevice:Window": t.PerDevice.Window = duration; break;
            case "Throttling:GlobalSmsPerHour": t.GlobalSmsPerHour = number; break;
            case "Throttling:GlobalSmsPerDay": t.GlobalSmsPerDay = number; break;
            case "Captcha:KeyLength": c.KeyLength = number; break;
            case "Captcha:MaxTries": c.MaxTries = number; break;
            case "Captcha:ChallengeLifetime": c.ChallengeLifetime = duration; break;
            case "Captcha:TokenLifetime": c.TokenLifetime = duration; break;
            case "Captcha:ChallengesPerIpPerHour": c.ChallengesPerIpPerHour = number; break;
            default: throw new ArgumentOutOfRangeException(nameof(key), key, "No setter for this key.");
        }
    }

    /// <summary>A service whose <c>Verification</c> meter comes from a real <see cref="IMeterFactory"/> (AddMetrics).</summary>
    private sealed class MeteredService : IDisposable
    {
        private readonly ServiceProvider _provider;

        public MeteredService(Action<VerificationOptions>? configure = null)
        {
            _provider = new ServiceCollection().AddMetrics().BuildServiceProvider();
            Meters = _provider.GetRequiredService<IMeterFactory>();
            var options = ServiceHarness.CreateOptions();
            configure?.Invoke(options);
            Service = new VerificationService(MsOptions.Create(options), new InMemoryCodeStore(), [Outbox], [Outbox], timeProvider: Time, meterFactory: Meters);
        }

        public IMeterFactory Meters { get; }

        public FakeTimeProvider Time { get; } = new(ServiceHarness.Start);

        public OutboxSender Outbox { get; } = new();

        public VerificationService Service { get; }

        public MetricCollector<long> Collect(string instrument) => new(Meters, "Verification", instrument);

        public void Dispose() => _provider.Dispose();
    }
}
