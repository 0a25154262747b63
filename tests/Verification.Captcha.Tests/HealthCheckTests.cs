using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Verification.Captcha.Tests;

/// <summary>
/// <c>AddVerificationCaptcha()</c>: siteverify must judge a placeholder response with the configured secret; the
/// stand-ins answer like the providers do.
/// </summary>
public sealed class HealthCheckTests
{
    [Theory]
    [InlineData(TestKeys.TurnstileAlwaysPasses)]
    [InlineData(TestKeys.TurnstileAlwaysFails)]
    [InlineData(TestKeys.TurnstileTokenSpent)]
    public async Task AddVerificationCaptcha_TurnstileJudgesThePlaceholder_Healthy(string secret)
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.Turnstile());
        using var h = Check(b => b.AddTurnstileCaptcha(o => (o.Secret, o.Endpoint) = (secret, standIn.Endpoint)));

        var report = await h.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = Assert.Single(report.Entries);
        Assert.Equal("verification-captcha", entry.Key);
        Assert.Equal(HealthStatus.Healthy, entry.Value.Status);
        Assert.Contains("verification", entry.Value.Tags);
        var request = Assert.Single(standIn.Requests);
        Assert.Equal(secret, request.Fields["secret"]);
        Assert.False(string.IsNullOrEmpty(request.Fields["response"]));
    }

    [Fact]
    public async Task AddVerificationCaptcha_WrongSecret_UnhealthyNamingTheSettingNotTheSecret()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.Turnstile());
        using var h = Check(b => b.AddTurnstileCaptcha(o => (o.Secret, o.Endpoint) = ("0x-wrong-secret-never-shown", standIn.Endpoint)));

        var entry = Assert.Single((await h.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries).Value;

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("invalid-input-secret", entry.Description, StringComparison.Ordinal);
        Assert.Contains("Verification:Captcha:Secret", entry.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("0x-wrong-secret-never-shown", entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddVerificationCaptcha_HCaptchaTestKeys_Healthy()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.HCaptcha());
        using var h = Check(b => b.AddHCaptcha(o => (o.Secret, o.SiteKey, o.Endpoint) = (TestKeys.HCaptchaSecret, TestKeys.HCaptchaSiteKey, standIn.Endpoint)));

        var entry = Assert.Single((await h.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries).Value;

        Assert.Equal(HealthStatus.Healthy, entry.Status);
    }

    [Fact]
    public async Task AddVerificationCaptcha_ServerError_Unhealthy()
    {
        await using var standIn = await StandIn.StartAsync(StandIn.Raw(503, "text/plain", "down"));
        using var h = Check(b => b.AddTurnstileCaptcha(o => (o.Secret, o.Endpoint) = (TestKeys.TurnstileAlwaysPasses, standIn.Endpoint)));

        var entry = Assert.Single((await h.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries).Value;

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("HTTP 503", entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddVerificationCaptcha_ClosedPort_Unhealthy()
    {
        using var h = Check(b => b.AddTurnstileCaptcha(o => (o.Secret, o.Endpoint) = (TestKeys.TurnstileAlwaysPasses, StandIn.ClosedPortEndpoint())));

        var entry = Assert.Single((await h.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries).Value;

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("could not be reached", entry.Description, StringComparison.Ordinal);
    }

    private static Harness Check(Action<IVerificationBuilder> register) => new(b =>
    {
        register(b);
        b.Services.AddHealthChecks().AddVerificationCaptcha();
    });
}
