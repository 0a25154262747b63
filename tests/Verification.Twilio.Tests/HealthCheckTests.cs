using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Verification.Twilio.Tests;

/// <summary><c>AddVerificationTwilio()</c>: a GET of the account resource against the stand-in; no SMS is sent.</summary>
public sealed class HealthCheckTests
{
    [Fact]
    public async Task AddVerificationTwilio_ActiveAccount_HealthyAfterOneAuthenticatedGetAndNoMessage()
    {
        await using var standIn = await TwilioStandIn.StartAsync();
        using var h = Harness.For(standIn.Endpoint, services: s => s.AddHealthChecks().AddVerificationTwilio(tags: ["ready"]));

        var report = await h.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = Assert.Single(report.Entries);
        Assert.Equal("verification-twilio", entry.Key);
        Assert.Equal(HealthStatus.Healthy, entry.Value.Status);
        Assert.Equal(["verification", "ready"], entry.Value.Tags.Order(StringComparer.Ordinal).Reverse());
        Assert.Empty(standIn.Problems);
        var request = Assert.Single(standIn.Requests);
        Assert.Equal(("GET", $"/2010-04-01/Accounts/{TestAccount.AccountSid}.json"), (request.Method, request.Path));
    }

    [Theory]
    [InlineData("suspended")]
    [InlineData("closed")]
    public async Task AddVerificationTwilio_AccountNotActive_Unhealthy(string status)
    {
        await using var standIn = await TwilioStandIn.StartAsync();
        standIn.AccountStatus = status;
        using var h = Harness.For(standIn.Endpoint, services: s => s.AddHealthChecks().AddVerificationTwilio());

        var entry = Assert.Single((await h.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries).Value;

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains(status, entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddVerificationTwilio_WrongAuthToken_UnhealthyNamingTheSettingNotTheToken()
    {
        await using var standIn = await TwilioStandIn.StartAsync();
        using var h = Harness.For(standIn.Endpoint, o => o.AuthToken = "wrong-token-never-shown-0000000000", s => s.AddHealthChecks().AddVerificationTwilio());

        var entry = Assert.Single((await h.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries).Value;

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("Verification:Twilio:AuthToken", entry.Description, StringComparison.Ordinal);
        Assert.Contains("401", entry.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-token-never-shown", entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddVerificationTwilio_ClosedPort_Unhealthy()
    {
        using var h = Harness.For(TwilioStandIn.ClosedPortEndpoint(), services: s => s.AddHealthChecks().AddVerificationTwilio());

        var entry = Assert.Single((await h.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries).Value;

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("could not be reached", entry.Description, StringComparison.Ordinal);
        Assert.IsType<HttpRequestException>(entry.Exception);
    }
}
