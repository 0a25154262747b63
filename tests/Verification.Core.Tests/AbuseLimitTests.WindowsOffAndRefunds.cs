namespace Verification.Tests;

public sealed partial class AbuseLimitTests
{
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

        Assert.Equal(12, h.Messages.Count);
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
}
