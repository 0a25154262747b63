using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Verification.Tests;

public sealed class AddVerificationTests
{
    private static readonly string HashKey = Convert.ToBase64String(new byte[32]);

    [Fact]
    public async Task AddVerification_WithAppConfiguration_BindsVerificationSectionAndSends()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(Configuration(new()
        {
            ["Verification:ProjectId"] = "demo",
            ["Verification:Tokens:AllowEphemeralKey"] = "true",
            ["Verification:Code:Length"] = "8",
            ["Verification:Code:Lifetime"] = "00:05:00",
            ["Verification:Code:MaxAttempts"] = "3",
            ["Verification:Throttling:ResendCooldown"] = "00:00:30",
            ["Verification:Throttling:DailyLimitPerContact"] = "7",
        }));
        var outbox = new FakeSmsSender();
        services.AddVerification().AddSmsSender(outbox);
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<VerificationOptions>>().Value;
        Assert.Equal("demo", options.ProjectId);
        Assert.Equal(8, options.Code.Length);
        Assert.Equal(TimeSpan.FromMinutes(5), options.Code.Lifetime);
        Assert.Equal(3, options.Code.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Throttling.ResendCooldown);
        Assert.Equal(7, options.Throttling.DailyLimitPerContact);

        var service = provider.GetRequiredService<IVerificationService>();
        var sent = await service.SendAsync(new VerificationRequest(PhoneNumber: "+86 15588665555"));
        Assert.True(sent.Succeeded, sent.ToString());
        Assert.Equal(300, sent.Value.ExpiresIn);
        Assert.Equal(8, outbox.Messages.Single().Code.Length);
    }

    [Fact]
    public void AddVerification_WithAction_OverridesConfiguration()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(Configuration(new()
        {
            ["Verification:Tokens:AllowEphemeralKey"] = "true",
            ["Verification:Code:Length"] = "8",
        }));
        services.AddVerification(o => o.Code.Length = 4);
        using var provider = services.BuildServiceProvider();

        Assert.Equal(4, provider.GetRequiredService<IOptions<VerificationOptions>>().Value.Code.Length);
    }

    [Fact]
    public void AddVerification_WithSection_BindsThatSectionInsteadOfTheAppOne()
    {
        var configuration = Configuration(new()
        {
            ["Verification:ProjectId"] = "app",
            ["Custom:ProjectId"] = "custom",
            ["Custom:Tokens:AllowEphemeralKey"] = "true",
        });
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddVerification(configuration.GetSection("Custom"));
        using var provider = services.BuildServiceProvider();

        Assert.Equal("custom", provider.GetRequiredService<IOptions<VerificationOptions>>().Value.ProjectId);
    }

    [Fact]
    public void AddVerification_WithoutAnyConfiguration_UsesDefaults()
    {
        var services = new ServiceCollection();
        services.AddVerification(o => o.Tokens.AllowEphemeralKey = true);
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<VerificationOptions>>().Value;
        Assert.Equal(6, options.Code.Length);
        Assert.Equal(TimeSpan.FromSeconds(600), options.Code.Lifetime);
        Assert.Equal(5, options.Code.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(60), options.Throttling.ResendCooldown);
        Assert.Equal(30, options.Throttling.DailyLimitPerContact);
        Assert.IsType<VerificationService>(provider.GetRequiredService<IVerificationService>());
        Assert.IsType<InMemoryCodeStore>(provider.GetRequiredService<ICodeStore>());
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public async Task AddVerification_AllowedRegionsFromConfiguration_ReplaceTheDefault()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(Configuration(new()
        {
            ["Verification:Tokens:AllowEphemeralKey"] = "true",
            ["Verification:Phone:AllowedRegions:0"] = "US",
        }));
        services.AddVerification().AddSmsSender(new FakeSmsSender());
        using var provider = services.BuildServiceProvider();
        var service = provider.GetRequiredService<IVerificationService>();

        var us = await service.SendAsync(new VerificationRequest(PhoneNumber: "+1 650 253 0000"));
        var cn = await service.SendAsync(new VerificationRequest(PhoneNumber: "+86 15588665555"));

        Assert.True(us.Succeeded, us.ToString());
        Assert.Equal(VerificationErrorCodes.InvalidPhoneNumber, cn.Error?.Code);
        Assert.Equal(VerificationErrorReasons.RegionNotAllowed, cn.Error?.Reason);
    }

    [Fact]
    public async Task AddVerification_SigningKeysFromConfiguration_TokensValidateAcrossProviders()
    {
        using var rsa = RSA.Create(2048);
        var settings = new Dictionary<string, string?>
        {
            ["Verification:Tokens:SigningKeys:0:KeyId"] = "key-1",
            ["Verification:Tokens:SigningKeys:0:Pem"] = rsa.ExportPkcs8PrivateKeyPem(),
            ["Verification:Tokens:HashKey"] = HashKey,
        };
        var store = new InMemoryCodeStore();
        var outbox = new FakeEmailSender();

        // Two instances of one deployment share keys and store: a code sent by one verifies through the other.
        var first = BuildService(settings, store, outbox);
        var second = BuildService(settings, store, outbox);
        var sent = await first.SendAsync(new VerificationRequest(Email: "someone@example.com"));
        Assert.True(sent.Succeeded, sent.ToString());
        var verified = await second.VerifyAsync(new VerifyRequest(sent.Value.VerificationId, outbox.Messages.Single().Code));
        Assert.True(verified.Succeeded, verified.ToString());
        var redeemed = await first.RedeemVerificationTokenAsync(verified.Value.VerificationToken);
        Assert.Equal("someone@example.com", redeemed.Value?.Contact);

        static IVerificationService BuildService(Dictionary<string, string?> settings, ICodeStore store, FakeEmailSender outbox)
        {
            var services = new ServiceCollection();
            services.AddSingleton<IConfiguration>(Configuration(settings));
            services.AddSingleton(store);
            services.AddVerification().AddEmailSender(outbox);
            return services.BuildServiceProvider().GetRequiredService<IVerificationService>();
        }
    }

    [Fact]
    public void Resolve_WithoutKeys_ThrowsNamingTheSettingsToFix()
    {
        var services = new ServiceCollection();
        services.AddVerification();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IVerificationService>());
        Assert.Contains("Verification:Tokens:SigningKeys", error.Message, StringComparison.Ordinal);
        Assert.Contains("Verification:Tokens:AllowEphemeralKey", error.Message, StringComparison.Ordinal);
        Assert.Contains("Verification:Tokens:HashKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostStart_WithInvalidOptions_FailsAtStartNamingTheSetting()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Verification:Tokens:AllowEphemeralKey"] = "true",
            ["Verification:Code:Length"] = "12",
        });
        builder.Services.AddVerification();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("Verification:Code:Length", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostStart_WithValidOptions_Starts()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Verification:Tokens:AllowEphemeralKey"] = "true" });
        builder.Services.AddVerification();
        using var host = builder.Build();

        await host.StartAsync();
        Assert.NotNull(host.Services.GetRequiredService<IVerificationService>());
        await host.StopAsync();
    }

    [Fact]
    public void Resolve_WithUnconvertibleValue_ThrowsNamingTheKey()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(Configuration(new() { ["Verification:Code:Length"] = "six" }));
        services.AddVerification();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<VerificationOptions>>().Value);
        Assert.Contains("Verification:Code:Length 'six' is not a whole number", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddVerification_CalledTwice_RegistersEachServiceOnce()
    {
        var services = new ServiceCollection();
        services.AddVerification().AddConsoleSender().AddConsoleSender();
        services.AddVerification().AddSmsSender<NamedSender>().AddSmsSender<NamedSender>();

        Assert.Single(services, d => d.ServiceType == typeof(IVerificationService));
        Assert.Single(services, d => d.ServiceType == typeof(ICodeStore));
        var validators = services.Where(d => d.ServiceType == typeof(IValidateOptions<VerificationOptions>)).Select(d => d.ImplementationType).ToList();
        Assert.Equal(validators.Distinct().Count(), validators.Count);
        Assert.Single(services, d => d.ServiceType == typeof(IConfigureOptions<VerificationOptions>));
        Assert.Equal(2, services.Count(d => d.ServiceType == typeof(ISmsSender)));
        Assert.Single(services, d => d.ServiceType == typeof(IEmailSender));
    }

    [Fact]
    public async Task Builder_SendersAndSeams_AreUsedByTheService()
    {
        var services = new ServiceCollection();
        services.AddVerification(o => o.Tokens.AllowEphemeralKey = true)
            .AddSmsSender<NamedSender>()
            .UseUserDirectory<EveryoneExists>()
            .UseCodeStore<ObservableStore>()
            .UseMessageRenderer<PlainRenderer>();
        using var provider = services.BuildServiceProvider();

        var sent = await provider.GetRequiredService<IVerificationService>().SendAsync(new VerificationRequest(PhoneNumber: "+8615588665555", Target: VerificationTarget.User));

        Assert.True(sent.Succeeded, sent.ToString());
        Assert.True(sent.Value.IsUser);
        Assert.Single(Assert.IsType<ObservableStore>(provider.GetRequiredService<ICodeStore>()).Saves);
        var message = provider.GetServices<ISmsSender>().OfType<NamedSender>().Single().Messages.Single();
        Assert.Equal($"code {message.Code}", message.Body);
    }

    [Fact]
    public async Task PickupDirectoryKey_WithNoSenders_DeliversBothChannelsToTheFolder()
    {
        using var folder = new PickupFolder();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(Configuration(new()
        {
            ["Verification:Tokens:AllowEphemeralKey"] = "true",
            ["Verification:PickupDirectory"] = folder.Path,
        }));
        services.AddVerification();
        using var provider = services.BuildServiceProvider();
        var service = provider.GetRequiredService<IVerificationService>();

        Assert.True((await service.SendAsync(new VerificationRequest(PhoneNumber: "+86 15588665555"))).Succeeded);
        Assert.True((await service.SendAsync(new VerificationRequest(Email: "a@example.com"))).Succeeded);

        var channels = folder.ReadFiles().Select(f => f.Channel).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "email", "sms" }, channels);
    }

    [Fact]
    public async Task AddPickupDirectorySender_WritesMessagesToTheFolder()
    {
        using var folder = new PickupFolder();
        var services = new ServiceCollection();
        services.AddVerification(o => o.Tokens.AllowEphemeralKey = true).AddPickupDirectorySender(folder.Path).AddPickupDirectorySender(folder.Path);
        using var provider = services.BuildServiceProvider();

        var sent = await provider.GetRequiredService<IVerificationService>().SendAsync(new VerificationRequest(Email: "b@example.com"));

        Assert.True(sent.Succeeded, sent.ToString());
        Assert.Single(folder.ReadFiles());
        Assert.Single(provider.GetServices<IEmailSender>());
    }

    [Fact]
    public async Task NoSenderForChannel_AnswersFailedPrecondition()
    {
        var services = new ServiceCollection();
        services.AddVerification(o => o.Tokens.AllowEphemeralKey = true).AddSmsSender(new FakeSmsSender());
        using var provider = services.BuildServiceProvider();

        var sent = await provider.GetRequiredService<IVerificationService>().SendAsync(new VerificationRequest(Email: "a@example.com"));

        Assert.Equal(VerificationErrorCodes.FailedPrecondition, sent.Error?.Code);
        Assert.Equal(VerificationErrorReasons.ChannelDisabled, sent.Error?.Reason);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private sealed class NamedSender : ISmsSender
    {
        public List<VerificationMessage> Messages { get; } = [];

        public ValueTask SendAsync(VerificationMessage message, CancellationToken cancellationToken = default)
        {
            Messages.Add(message);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class EveryoneExists : IUserDirectory
    {
        public ValueTask<bool> ExistsAsync(VerificationChannel channel, string contact, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(true);
    }

    private sealed class PlainRenderer : IVerificationMessageRenderer
    {
        public RenderedMessage Render(MessageRenderContext context) => new(null, $"code {context.Code}", null);
    }
}
