using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Verification.MailKit.Tests.Infrastructure;

namespace Verification.MailKit.Tests;

/// <summary><c>AddVerificationSmtp()</c>: a pooled connection answers NOOP against the real SmtpServer; no message is sent.</summary>
public sealed class SmtpHealthCheckTests
{
    [Fact]
    public async Task AddVerificationSmtp_ServerUpWithAuthentication_HealthyTaggedVerificationAndSendsNothing()
    {
        await using var server = TestSmtpServer.Start(userName: "mailer", password: Smtp.Password);
        await using var provider = Build(server.Port, o => (o.UserName, o.Password) = ("mailer", Smtp.Password));

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = Assert.Single(report.Entries);
        Assert.Equal("verification-smtp", entry.Key);
        Assert.Equal(HealthStatus.Healthy, entry.Value.Status);
        Assert.Contains("verification", entry.Value.Tags);
        Assert.Contains("ready", entry.Value.Tags);
        Assert.Empty(server.Messages);
        Assert.Equal(1, server.Sessions);

        // The connection went back to the pool: a second check reuses it.
        Assert.Equal(HealthStatus.Healthy, (await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Status);
        Assert.Equal(1, server.Sessions);
        Assert.Empty(server.Messages);
    }

    [Fact]
    public async Task AddVerificationSmtp_ClosedPort_Unhealthy()
    {
        await using var provider = Build(Smtp.ClosedPort());

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = Assert.Single(report.Entries).Value;
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("connect", entry.Description, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(entry.Exception);
    }

    [Fact]
    public async Task AddVerificationSmtp_WrongPassword_UnhealthyWithoutThePassword()
    {
        await using var server = TestSmtpServer.Start(userName: "mailer", password: Smtp.Password);
        await using var provider = Build(server.Port, o => (o.UserName, o.Password) = ("mailer", "wrong-Pa55word-xyz"), HealthStatus.Degraded);

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = Assert.Single(report.Entries).Value;
        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.DoesNotContain("wrong-Pa55word-xyz", entry.Description, StringComparison.Ordinal);
        Assert.Empty(server.Messages);
    }

    [Fact]
    public async Task AddVerificationSmtp_WithoutTheSender_ThrowsNamingTheCallToMake()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddVerification();
        services.AddHealthChecks().AddVerificationSmtp();
        await using var provider = services.BuildServiceProvider();

        // A misconfiguration, like the other checks of Verification: the message names the call that fixes it.
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => provider.GetRequiredService<HealthCheckService>().CheckHealthAsync());

        Assert.Contains("AddSmtpEmail", e.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(int port, Action<SmtpEmailOptions>? configure = null, HealthStatus? failureStatus = null)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddVerification().AddSmtpEmail(o =>
        {
            var defaults = Smtp.Options(port, configure);
            (o.Host, o.Port, o.Security, o.From, o.UserName, o.Password, o.Timeout) =
                (defaults.Host, defaults.Port, defaults.Security, defaults.From, defaults.UserName, defaults.Password, defaults.Timeout);
        });
        services.AddHealthChecks().AddVerificationSmtp(failureStatus: failureStatus, tags: ["ready"]);
        return services.BuildServiceProvider();
    }
}
