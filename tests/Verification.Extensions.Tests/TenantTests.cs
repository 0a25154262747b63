using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Verification.Tests;

/// <summary>Keyed tenants: <c>AddVerification("tenant-a", section)</c>, each with its own project, keys, limits, store and senders.</summary>
public sealed class TenantTests
{
    private const string Phone = "+86 155 8866 5555";

    [Fact]
    public async Task TwoTenants_RefuseEachOthersIdsAndTokens()
    {
        using var provider = TwoTenants(out var smsA, out var smsB);
        var a = provider.GetRequiredKeyedService<IVerificationService>("tenant-a");
        var b = provider.GetRequiredKeyedService<IVerificationService>("tenant-b");

        var sentA = await a.SendAsync(new VerificationRequest(PhoneNumber: Phone));
        var sentB = await b.SendAsync(new VerificationRequest(PhoneNumber: Phone));
        Assert.True(sentA.Succeeded, sentA.ToString());
        Assert.True(sentB.Succeeded, sentB.ToString());
        Assert.Single(smsA.Messages);
        Assert.Single(smsB.Messages);

        // A's verification id is not B's, even with the right code.
        var crossVerify = await b.VerifyAsync(new VerifyRequest(sentA.Value.VerificationId, smsA.LastCode!));
        Assert.False(crossVerify.Succeeded);

        var tokenA = await a.VerifyAsync(new VerifyRequest(sentA.Value.VerificationId, smsA.LastCode!));
        Assert.True(tokenA.Succeeded, tokenA.ToString());
        var crossRedeem = await b.RedeemVerificationTokenAsync(tokenA.Value.VerificationToken);
        Assert.False(crossRedeem.Succeeded);
        Assert.Equal(VerificationErrorCodes.InvalidVerificationToken, crossRedeem.Error!.Code);

        var redeemed = await a.RedeemVerificationTokenAsync(tokenA.Value.VerificationToken);
        Assert.True(redeemed.Succeeded, redeemed.ToString());
    }

    [Fact]
    public void TwoTenants_HaveTheirOwnNamedOptionsAndStores()
    {
        using var provider = TwoTenants(out _, out _);
        var options = provider.GetRequiredService<IOptionsMonitor<VerificationOptions>>();

        Assert.Equal(("project-a", 6), (options.Get("tenant-a").ProjectId, options.Get("tenant-a").Code.Length));
        Assert.Equal(("project-b", 8), (options.Get("tenant-b").ProjectId, options.Get("tenant-b").Code.Length));
        Assert.NotSame(provider.GetRequiredKeyedService<ICodeStore>("tenant-a"), provider.GetRequiredKeyedService<ICodeStore>("tenant-b"));
    }

    [Fact]
    public async Task Tenant_WithoutSendersOfItsOwn_UsesTheAppsSenders()
    {
        var shared = new FakeSmsSender();
        var services = new ServiceCollection();
        services.AddVerification().AddSmsSender(shared);
        services.AddVerification("tenant-a", Section(Settings("A", "project-a", 6)));
        using var provider = services.BuildServiceProvider();

        var sent = await provider.GetRequiredKeyedService<IVerificationService>("tenant-a").SendAsync(new VerificationRequest(PhoneNumber: Phone));

        Assert.True(sent.Succeeded, sent.ToString());
        Assert.Single(shared.Messages);
    }

    [Fact]
    public async Task TenantBuilders_AddSendersStoresAndWordingForTheirTenantOnly()
    {
        var settings = Settings("A", "project-a", 6);
        foreach (var (key, value) in Settings("B", "project-b", 8))
        {
            settings[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var (smsDefault, smsA, smsB) = (new FakeSmsSender("sms-default"), new FakeSmsSender("sms-a"), new FakeSmsSender("sms-b"));
        var services = new ServiceCollection();
        services.AddVerification(o =>
        {
            o.Tokens.AllowEphemeralKey = true;
            o.Tokens.Algorithm = "HS256";
        }).AddSmsSender(smsDefault);
        services.AddVerification("tenant-a", configuration.GetSection("Tenants:A"))
            .AddSmsSender(smsA)
            .UseCodeStore<CountingStore>()
            .AddMessageTemplate("Sms", "A {code}");
        services.AddVerification("tenant-b", configuration.GetSection("Tenants:B"))
            .AddSmsSender(smsB);
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var byDefault = await provider.GetRequiredService<IVerificationService>().SendAsync(new VerificationRequest(PhoneNumber: Phone));
        var byA = await provider.GetRequiredKeyedService<IVerificationService>("tenant-a").SendAsync(new VerificationRequest(PhoneNumber: Phone));
        var byB = await provider.GetRequiredKeyedService<IVerificationService>("tenant-b").SendAsync(new VerificationRequest(PhoneNumber: Phone));

        Assert.True(byDefault.Succeeded && byA.Succeeded && byB.Succeeded, $"{byDefault} {byA} {byB}");
        Assert.Single(smsDefault.Messages);
        Assert.Equal("A " + smsA.LastCode, Assert.Single(smsA.Messages).Body);
        Assert.Contains("is your", Assert.Single(smsB.Messages).Body, StringComparison.Ordinal);
        Assert.Contains("is your", smsDefault.Messages[0].Body, StringComparison.Ordinal);
        Assert.IsType<CountingStore>(provider.GetRequiredKeyedService<ICodeStore>("tenant-a"));
        Assert.IsType<InMemoryCodeStore>(provider.GetRequiredKeyedService<ICodeStore>("tenant-b"));
        Assert.IsType<InMemoryCodeStore>(provider.GetRequiredService<ICodeStore>());
        Assert.Single(provider.GetServices<ISmsSender>());
    }

    [Fact]
    public void TenantBuilder_SeesOnlyItsOwnParts()
    {
        var services = new ServiceCollection();
        services.AddVerification().AddSmsSender(new FakeSmsSender("default"));
        var tenant = services.AddVerification("tenant-a", Section(Settings("A", "project-a", 6)));

        Assert.DoesNotContain(tenant.Services, d => d.ServiceType == typeof(ISmsSender));
        Assert.Single(tenant.Services, d => d.ServiceType == typeof(ICodeStore));
        tenant.AddSmsSender(new FakeSmsSender("a")).UseCodeStore<CountingStore>();
        Assert.Single(tenant.Services, d => d.ServiceType == typeof(ISmsSender));
        Assert.Equal(typeof(CountingStore), Assert.Single(tenant.Services, d => d.ServiceType == typeof(ICodeStore)).ImplementationType);
        Assert.Equal(2, services.Count(d => d.ServiceType == typeof(ISmsSender)));
        Assert.Single(services, d => d.ServiceType == typeof(ICodeStore) && !d.IsKeyedService);
    }

    [Fact]
    public void Tenant_InvalidSection_FailsNamingTheTenantsKey()
    {
        var settings = Settings("A", "project-a", 6);
        settings["Tenants:A:Code:Lenght"] = "8";
        var services = new ServiceCollection();
        services.AddVerification("tenant-a", Section(settings));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredKeyedService<IVerificationService>("tenant-a"));

        Assert.Contains("Tenants:A:Code:Lenght is not a setting", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tenant_SameNameTwice_Throws()
    {
        var services = new ServiceCollection();
        var section = Section(Settings("A", "project-a", 6));
        services.AddVerification("tenant-a", section);

        Assert.Throws<InvalidOperationException>(() => services.AddVerification("tenant-a", section));
    }

    private static ServiceProvider TwoTenants(out FakeSmsSender smsA, out FakeSmsSender smsB)
    {
        var settings = Settings("A", "project-a", 6);
        foreach (var (key, value) in Settings("B", "project-b", 8))
        {
            settings[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddVerification("tenant-a", configuration.GetSection("Tenants:A"));
        services.AddVerification("tenant-b", configuration.GetSection("Tenants:B"));
        smsA = new FakeSmsSender("sms-a");
        smsB = new FakeSmsSender("sms-b");
        services.AddKeyedSingleton<ISmsSender>("tenant-a", smsA);
        services.AddKeyedSingleton<ISmsSender>("tenant-b", smsB);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    private static Dictionary<string, string?> Settings(string tenant, string projectId, int codeLength) => new()
    {
        [$"Tenants:{tenant}:ProjectId"] = projectId,
        [$"Tenants:{tenant}:Code:Length"] = codeLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [$"Tenants:{tenant}:Tokens:Algorithm"] = "HS256",
        [$"Tenants:{tenant}:Tokens:SigningKeys:0:KeyId"] = "k-" + tenant,
        [$"Tenants:{tenant}:Tokens:SigningKeys:0:Secret"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        [$"Tenants:{tenant}:Tokens:HashKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
    };

    private static IConfigurationSection Section(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection("Tenants:" + settings.Keys.First().Split(':')[1]);
}
