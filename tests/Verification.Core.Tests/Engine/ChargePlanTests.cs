using System.Net;

namespace Verification.Tests;

/// <summary>The abuse policy as a table: which counters a send and a verify charge, and their keys.</summary>
public sealed class ChargePlanTests
{
    private const string Phone = "+8615588665555";

    private static readonly ParsedContact Sms = new(VerificationChannel.Sms, Phone, Phone, "CN");

    private static ParsedContact Email(string address) => new(VerificationChannel.Email, address, address, null);

    [Fact]
    public void ForSend_DefaultSmsWithIpAndDevice_EveryCounterInTableOrder()
    {
        var plan = new ChargePlan(new ThrottlingOptions(), alwaysRequireCaptcha: false);

        var charges = plan.ForSend(Sms, new VerificationContext { ClientIp = IPAddress.Parse("203.0.113.7"), DeviceId = "dev-1" });

        Assert.Equal(
            [
                ("failures:" + Phone, RateLimitKind.Hard, 0L, VerificationErrorReasons.FailureBudget),
                ("daily:" + Phone, RateLimitKind.Hard, 1L, VerificationErrorReasons.DailyLimit),
                ("global-sms-day", RateLimitKind.Hard, 1L, VerificationErrorReasons.GlobalBudget),
                ("global-sms-hour", RateLimitKind.Hard, 1L, VerificationErrorReasons.GlobalBudget),
                ("global-sms-region:CN", RateLimitKind.Hard, 1L, VerificationErrorReasons.GlobalBudget),
                ("prefix-budget:+861558866", RateLimitKind.Hard, 1L, VerificationErrorReasons.PrefixBudget),
                ("cooldown:" + Phone, RateLimitKind.Hard, 1L, VerificationErrorReasons.ResendCooldown),
                ("failures:" + Phone, RateLimitKind.Soft, 0L, VerificationErrorReasons.FailureBudget),
                ("global-sms-hour", RateLimitKind.Soft, 0L, VerificationErrorReasons.GlobalThreshold),
                ("ip:203.0.113.7", RateLimitKind.Soft, 1L, VerificationErrorReasons.IpLimit),
                ("device:dev-1", RateLimitKind.Soft, 1L, VerificationErrorReasons.DeviceLimit),
                ("prefix:+861558866", RateLimitKind.Soft, 1L, VerificationErrorReasons.PrefixVelocity),
                ("burst:" + Phone, RateLimitKind.Soft, 1L, VerificationErrorReasons.ContactBurst),
            ],
            charges.Select(c => (c.Key, c.Kind, c.Amount, c.Reason!)));
    }

    [Fact]
    public void ForSend_Email_GlobalEmailBudgetNoSmsBudgetAndNoPrefix()
    {
        var plan = new ChargePlan(new ThrottlingOptions(), alwaysRequireCaptcha: false);

        var keys = plan.ForSend(Email("alice@example.com"), null).Select(c => c.Key);

        Assert.Equal(
            ["failures:alice@example.com", "daily:alice@example.com", "global-email-day", "global-email-hour", "cooldown:alice@example.com", "failures:alice@example.com", "global-email-hour", "burst:alice@example.com"],
            keys);
    }

    [Fact]
    public void ForSend_LimitsFromOptions_CarriedIntoTheCharges()
    {
        var throttling = new ThrottlingOptions { DailyLimitPerContact = 7, ResendCooldown = TimeSpan.FromSeconds(30), PerDevice = new RateWindow(2, TimeSpan.FromMinutes(5)) };
        var plan = new ChargePlan(throttling, alwaysRequireCaptcha: false);

        var charges = plan.ForSend(Sms, new VerificationContext { DeviceId = "d" }).DistinctBy(c => c.Key).ToDictionary(c => c.Key);

        Assert.Equal((7L, TimeSpan.FromDays(1)), (charges["daily:" + Phone].Limit, charges["daily:" + Phone].Window));
        Assert.Equal((1L, TimeSpan.FromSeconds(30)), (charges["cooldown:" + Phone].Limit, charges["cooldown:" + Phone].Window));
        Assert.Equal((2L, TimeSpan.FromMinutes(5)), (charges["device:d"].Limit, charges["device:d"].Window));
    }

    [Fact]
    public void ForSend_SwitchedOffRows_Absent()
    {
        var throttling = new ThrottlingOptions
        {
            ResendCooldown = TimeSpan.Zero,
            GlobalSmsPerDay = 0,
            GlobalSmsPerHour = 0,
            GlobalSmsPerRegionPerHour = 0,
            SmsPerPrefixPerHour = 0,
            ContactBurst = new RateWindow(0, TimeSpan.FromHours(1)),
            PerIp = new RateWindow(0, TimeSpan.FromHours(1)),
            PerDevice = new RateWindow(0, TimeSpan.FromHours(1)),
            PerNumberPrefix = new RateWindow(0, TimeSpan.FromHours(1)),
        };
        var plan = new ChargePlan(throttling, alwaysRequireCaptcha: false);

        var keys = plan.ForSend(Sms, new VerificationContext { ClientIp = IPAddress.Loopback, DeviceId = "d" }).Select(c => c.Key);

        Assert.Equal(["failures:" + Phone, "daily:" + Phone, "failures:" + Phone], keys);
    }

    [Fact]
    public void ForSend_AlwaysRequireCaptcha_AnAlwaysFullSoftWindow()
    {
        var plan = new ChargePlan(new ThrottlingOptions(), alwaysRequireCaptcha: true);

        var always = Assert.Single(plan.ForSend(Email("a@example.com"), null), c => c.Key == "always");

        Assert.Equal((0L, 0L, RateLimitKind.Soft), (always.Limit, always.Amount, always.Kind));
        Assert.True(always.IsRefusedAt(0));
    }

    [Theory]
    [InlineData("+8615588665555", "+8615588665555", true)]
    [InlineData("+8615588665555", "+8615588660000", true)]
    [InlineData("+8615588665555", "+8615588669999", true)]
    [InlineData("+8615588665555", "+8615588605555", false)]
    [InlineData("+8615588665555", "+8615588565555", false)]
    public void NumberPrefix_NumbersDifferingInTheLastFourDigitsOnly_ShareTheCounter(string a, string b, bool shared)
    {
        Assert.Equal(shared, ChargePlan.NumberPrefix(a)?.ToString() == ChargePlan.NumberPrefix(b)?.ToString());
    }

    [Fact]
    public void NumberPrefix_DropsExactlyTheLastFourDigits()
    {
        Assert.Equal("+861558866", ChargePlan.NumberPrefix("+8615588665555")?.ToString());
        Assert.Equal("+1202555", ChargePlan.NumberPrefix("+12025550123")?.ToString());
        Assert.Null(ChargePlan.NumberPrefix("+1234567"));
    }

    [Fact]
    public async Task SendAsync_SweepThroughTheLastFourDigits_PrefixGuardAsksForACaptcha()
    {
        var h = new ServiceHarness(o => o.Throttling.PerNumberPrefix = new RateWindow(2, TimeSpan.FromHours(1)));

        var first = await h.Service.SendAsync(new VerificationRequest(PhoneNumber: "+86 155 8866 5555"));
        var second = await h.Service.SendAsync(new VerificationRequest(PhoneNumber: "+86 155 8866 0001"));
        var third = await h.Service.SendAsync(new VerificationRequest(PhoneNumber: "+86 155 8866 9999"));
        var otherBlock = await h.Service.SendAsync(new VerificationRequest(PhoneNumber: "+86 155 8865 9999"));

        Assert.True(first.Succeeded && second.Succeeded, $"{first} / {second}");
        Assert.Equal((VerificationErrorCodes.CaptchaRequired, VerificationErrorReasons.PrefixVelocity), (third.Error?.Code, third.Error?.Reason));
        Assert.True(otherBlock.Succeeded, otherBlock.ToString());
    }

    [Fact]
    public void ForVerify_ChargesOneFailureAgainstTheBackstop()
    {
        var plan = new ChargePlan(new ThrottlingOptions { FailedAttemptsPerContact = 4, FailedAttemptsBackstop = 30, FailedAttemptsWindow = TimeSpan.FromMinutes(20) }, false);

        var charge = plan.ForVerify(Phone);

        Assert.Equal(new RateCharge("failures:" + Phone, 30, TimeSpan.FromMinutes(20), 1, RateLimitKind.Hard, VerificationErrorReasons.FailureBudget), charge);
    }

    [Fact]
    public void ForSend_FailureBudget_SoftAtTheBudgetHardAtTheBackstopOneCounter()
    {
        var plan = new ChargePlan(new ThrottlingOptions { FailedAttemptsPerContact = 4, FailedAttemptsBackstop = 30 }, false);

        var failures = plan.ForSend(Sms, null).Where(c => c.Key == "failures:" + Phone).Select(c => (c.Kind, c.Limit, c.Amount));

        Assert.Equal([(RateLimitKind.Hard, 30L, 0L), (RateLimitKind.Soft, 4L, 0L)], failures);
    }

    [Theory]
    [InlineData(false, 800L)]
    [InlineData(true, 1000L)]
    public void ForSend_GlobalBudgets_ReservedShareOnlyForReservedSends(bool reserved, long limit)
    {
        var plan = new ChargePlan(new ThrottlingOptions { GlobalSmsPerHour = 1000, GlobalSmsPerDay = 1000, GlobalSmsPerRegionPerHour = 1000, GlobalReservedShare = 0.2, GlobalCaptchaShare = 0.5 }, false);

        var charges = plan.ForSend(Sms, null, reserved: reserved);

        Assert.All(charges.Where(ChargePlan.IsGlobalBudget), c => Assert.Equal(limit, c.Limit));
        Assert.Equal(500L, Assert.Single(charges, c => c.Reason == VerificationErrorReasons.GlobalThreshold).Limit);
    }

    [Fact]
    public void ForSend_Ipv6Client_WindowsPer64And56And48()
    {
        var plan = new ChargePlan(new ThrottlingOptions(), false);

        var keys = plan.ForSend(Sms, new VerificationContext { ClientIp = IPAddress.Parse("2001:db8:1234:5678:9abc::1") })
            .Where(c => c.Reason == VerificationErrorReasons.IpLimit).Select(c => c.Key);

        Assert.Equal(["ip:20010db812345678::/64", "ip:20010db8123456::/56", "ip:20010db81234::/48"], keys);
    }

    [Fact]
    public void ForSend_Targeted_LookupWindowsCheckedNotCharged_ForLookupMismatchCharges()
    {
        var plan = new ChargePlan(new ThrottlingOptions(), false);
        var context = new VerificationContext { ClientIp = IPAddress.Parse("203.0.113.7"), DeviceId = "dev-1" };

        var checkedOnly = plan.ForSend(Sms, context, targeted: true).Where(c => c.Reason == VerificationErrorReasons.LookupLimit);
        var untargeted = plan.ForSend(Sms, context).Where(c => c.Reason == VerificationErrorReasons.LookupLimit);
        var mismatch = plan.ForLookupMismatch(context);

        Assert.Equal([("lookup-ip:203.0.113.7", 0L), ("lookup-device:dev-1", 0L)], checkedOnly.Select(c => (c.Key, c.Amount)));
        Assert.Empty(untargeted);
        Assert.Equal([("lookup-ip:203.0.113.7", 1L, RateLimitKind.Soft), ("lookup-device:dev-1", 1L, RateLimitKind.Soft)], mismatch.Select(c => (c.Key, c.Amount, c.Kind)));
    }

    [Theory]
    [InlineData(VerificationErrorReasons.DailyLimit, "today")]
    [InlineData(VerificationErrorReasons.GlobalBudget, "sending budget")]
    [InlineData(VerificationErrorReasons.PrefixBudget, "numbers like this one")]
    [InlineData(VerificationErrorReasons.FailureBudget, "wrong codes")]
    [InlineData(VerificationErrorReasons.ResendCooldown, "moments ago")]
    [InlineData(null, "moments ago")]
    public void Describe_EachHardReason_ItsWording(string? reason, string words)
    {
        Assert.Contains(words, ChargePlan.Describe(reason), StringComparison.Ordinal);
    }
}
