using System.Diagnostics.Metrics;

namespace Verification.Tests;

public sealed partial class AbuseLimitTests
{
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
        var code = meters.SmsSender.LastCode!;

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
}
