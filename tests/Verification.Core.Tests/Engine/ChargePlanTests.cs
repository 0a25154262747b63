using System.Net;

namespace Verification.Tests;

/// <summary>The abuse policy as a table: which counters a send and a verify charge, and their keys.</summary>
public sealed class ChargePlanTests
{
    private const string Phone = "+8615588665555";

    [Fact]
    public void ForSend_DefaultSmsWithIpAndDevice_EveryCounterInTableOrder()
    {
        var plan = new ChargePlan(new ThrottlingOptions(), alwaysRequireCaptcha: false);

        var charges = plan.ForSend(VerificationChannel.Sms, Phone, new VerificationContext { ClientIp = IPAddress.Parse("203.0.113.7"), DeviceId = "dev-1" });

        Assert.Equal(
            [
                ("failures:" + Phone, RateLimitKind.Hard, 0L, VerificationErrorReasons.FailureBudget),
                ("daily:" + Phone, RateLimitKind.Hard, 1L, VerificationErrorReasons.DailyLimit),
                ("global-sms-day", RateLimitKind.Hard, 1L, VerificationErrorReasons.GlobalBudget),
                ("global-sms-hour", RateLimitKind.Hard, 1L, VerificationErrorReasons.GlobalBudget),
                ("cooldown:" + Phone, RateLimitKind.Hard, 1L, VerificationErrorReasons.ResendCooldown),
                ("ip:203.0.113.7", RateLimitKind.Soft, 1L, VerificationErrorReasons.IpLimit),
                ("device:dev-1", RateLimitKind.Soft, 1L, VerificationErrorReasons.DeviceLimit),
                ("prefix:+861558866", RateLimitKind.Soft, 1L, VerificationErrorReasons.PrefixVelocity),
                ("burst:" + Phone, RateLimitKind.Soft, 1L, VerificationErrorReasons.ContactBurst),
            ],
            charges.Select(c => (c.Key, c.Kind, c.Amount, c.Reason!)));
    }

    [Fact]
    public void ForSend_Email_NoGlobalSmsBudgetAndNoPrefix()
    {
        var plan = new ChargePlan(new ThrottlingOptions(), alwaysRequireCaptcha: false);

        var keys = plan.ForSend(VerificationChannel.Email, "alice@example.com", null).Select(c => c.Key);

        Assert.Equal(["failures:alice@example.com", "daily:alice@example.com", "cooldown:alice@example.com", "burst:alice@example.com"], keys);
    }

    [Fact]
    public void ForSend_LimitsFromOptions_CarriedIntoTheCharges()
    {
        var throttling = new ThrottlingOptions { DailyLimitPerContact = 7, ResendCooldown = TimeSpan.FromSeconds(30), PerDevice = new RateWindow(2, TimeSpan.FromMinutes(5)) };
        var plan = new ChargePlan(throttling, alwaysRequireCaptcha: false);

        var charges = plan.ForSend(VerificationChannel.Sms, Phone, new VerificationContext { DeviceId = "d" }).ToDictionary(c => c.Key);

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
            ContactBurst = new RateWindow(0, TimeSpan.FromHours(1)),
            PerIp = new RateWindow(0, TimeSpan.FromHours(1)),
            PerDevice = new RateWindow(0, TimeSpan.FromHours(1)),
            PerNumberPrefix = new RateWindow(0, TimeSpan.FromHours(1)),
        };
        var plan = new ChargePlan(throttling, alwaysRequireCaptcha: false);

        var keys = plan.ForSend(VerificationChannel.Sms, Phone, new VerificationContext { ClientIp = IPAddress.Loopback, DeviceId = "d" }).Select(c => c.Key);

        Assert.Equal(["failures:" + Phone, "daily:" + Phone], keys);
    }

    [Fact]
    public void ForSend_AlwaysRequireCaptcha_AnAlwaysFullSoftWindow()
    {
        var plan = new ChargePlan(new ThrottlingOptions(), alwaysRequireCaptcha: true);

        var always = Assert.Single(plan.ForSend(VerificationChannel.Email, "a@example.com", null), c => c.Key == "always");

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
        Assert.Equal(shared, ChargePlan.NumberPrefix(a) == ChargePlan.NumberPrefix(b));
    }

    [Fact]
    public void NumberPrefix_DropsExactlyTheLastFourDigits()
    {
        Assert.Equal("+861558866", ChargePlan.NumberPrefix("+8615588665555"));
        Assert.Equal("+1202555", ChargePlan.NumberPrefix("+12025550123"));
        Assert.Null(ChargePlan.NumberPrefix("+1234567"));
    }

    [Fact]
    public void ForVerify_ChargesOneFailureOfTheConfiguredBudget()
    {
        var plan = new ChargePlan(new ThrottlingOptions { FailedAttemptsPerContact = 4, FailedAttemptsWindow = TimeSpan.FromHours(2) }, false);

        var charge = plan.ForVerify(Phone);

        Assert.Equal(new RateCharge("failures:" + Phone, 4, TimeSpan.FromHours(2), 1, RateLimitKind.Hard, VerificationErrorReasons.FailureBudget), charge);
    }

    [Theory]
    [InlineData(VerificationErrorReasons.DailyLimit, "today")]
    [InlineData(VerificationErrorReasons.GlobalBudget, "SMS budget")]
    [InlineData(VerificationErrorReasons.FailureBudget, "wrong codes")]
    [InlineData(VerificationErrorReasons.ResendCooldown, "moments ago")]
    [InlineData(null, "moments ago")]
    public void Describe_EachHardReason_ItsWording(string? reason, string words)
    {
        Assert.Contains(words, ChargePlan.Describe(reason), StringComparison.Ordinal);
    }
}
