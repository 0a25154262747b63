using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace Verification.Tests;

/// <summary>What a new app meets in its first hour: a key in Development, warnings about risky set-ups.</summary>
public sealed class FirstHourTests
{
    [Fact]
    public async Task Start_DevelopmentWithoutKeys_UsesAnEphemeralKeyAndWarns()
    {
        using var host = Host(Environments.Development, new());

        await host.StartAsync();
        var service = host.Services.GetRequiredService<IVerificationService>();
        var sent = await service.SendAsync(new VerificationRequest(Email: "dev@example.com"));
        await host.StopAsync();

        Assert.True(host.Services.GetRequiredService<IOptions<VerificationOptions>>().Value.Tokens.AllowEphemeralKey);
        Assert.True(sent.Succeeded, sent.ToString());
        Assert.Contains(host.Services.GetFakeLogCollector().GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains("ephemeral", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public async Task Start_OtherEnvironmentWithoutKeys_FailsNamingTheKeys(string environment)
    {
        using var host = Host(environment, new());

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Verification:Tokens:SigningKeys", error.Message, StringComparison.Ordinal);
        Assert.Contains("Verification:Tokens:HashKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_DevelopmentWithConfiguredKeys_KeepsThem()
    {
        using var host = Host(Environments.Development, RealKeys("dev-app"));

        await host.StartAsync();
        await host.StopAsync();

        Assert.False(host.Services.GetRequiredService<IOptions<VerificationOptions>>().Value.Tokens.AllowEphemeralKey);
    }

    [Fact]
    public async Task Start_RealKeysWithTheImplicitProjectId_Warns()
    {
        var settings = RealKeys(projectId: null);
        using var host = Host(Environments.Production, settings);

        await host.StartAsync();
        await host.StopAsync();

        Assert.Contains(Warnings(host), m => m.Contains("implicit Verification:ProjectId 'default'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_RealKeysWithAProjectId_DoesNotWarnAboutIt()
    {
        using var host = Host(Environments.Production, RealKeys("shop"));

        await host.StartAsync();
        await host.StopAsync();

        Assert.DoesNotContain(Warnings(host), m => m.Contains("ProjectId", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_NoSenderAndNoPickupDirectory_WarnsNamingWhatToAdd()
    {
        using var host = Host(Environments.Production, RealKeys("shop"), addSender: false);

        await host.StartAsync();
        await host.StopAsync();

        Assert.Contains(Warnings(host), m => m.StartsWith("Verification has no sender", StringComparison.Ordinal) && m.Contains("Verification:PickupDirectory", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_WithASender_DoesNotWarnAboutSenders()
    {
        using var host = Host(Environments.Production, RealKeys("shop"));

        await host.StartAsync();
        await host.StopAsync();

        Assert.DoesNotContain(Warnings(host), m => m.Contains("no sender", StringComparison.Ordinal));
    }

    private static Dictionary<string, string?> RealKeys(string? projectId)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Verification:Tokens:Algorithm"] = "HS256",
            ["Verification:Tokens:SigningKeys:0:KeyId"] = "k1",
            ["Verification:Tokens:SigningKeys:0:Secret"] = Convert.ToBase64String(new byte[32]),
            ["Verification:Tokens:HashKey"] = Convert.ToBase64String(new byte[32]),
        };
        if (projectId is not null)
        {
            settings["Verification:ProjectId"] = projectId;
        }

        return settings;
    }

    private static IHost Host(string environment, Dictionary<string, string?> settings, bool addSender = true)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = environment });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddFakeLogging();
        var verification = builder.Services.AddVerification();
        if (addSender)
        {
            verification.AddConsoleSender();
        }

        return builder.Build();
    }

    private static List<string> Warnings(IHost host) =>
        [.. host.Services.GetFakeLogCollector().GetSnapshot().Where(static r => r.Level == LogLevel.Warning).Select(static r => r.Message)];
}
