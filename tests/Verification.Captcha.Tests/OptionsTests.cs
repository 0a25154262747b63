using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Verification.Captcha.Tests;

/// <summary>Binding from <c>Verification:Captcha</c>, validation at start, and the registrations.</summary>
public sealed partial class OptionsTests
{
    private const string Secret = "0x4AAAAAAA-real-looking-secret-value";

    [Fact]
    public void AddCaptcha_WithConfiguration_BindsEveryKey()
    {
        using var provider = Build(b => b.AddCaptcha(), new()
        {
            ["Verification:Captcha:Provider"] = "recaptchav3",
            ["Verification:Captcha:Secret"] = Secret,
            ["Verification:Captcha:SiteKey"] = "6Lc-site-key",
            ["Verification:Captcha:Endpoint"] = "https://recaptcha.net/recaptcha/api/siteverify",
            ["Verification:Captcha:MinimumScore"] = "0.7",
            ["Verification:Captcha:ExpectedAction"] = "send_code",
            ["Verification:Captcha:ExpectedHostnames:0"] = "example.com",
            ["Verification:Captcha:ExpectedHostnames:1"] = "www.example.com",
            ["Verification:Captcha:Timeout"] = "00:00:02.5",
        });

        var options = provider.GetRequiredService<IOptions<VerificationOptions>>().Value.Captcha;
        Assert.Equal(CaptchaProvider.ReCaptchaV3, options.Provider);
        Assert.Equal(Secret, options.Secret);
        Assert.Equal("6Lc-site-key", options.SiteKey);
        Assert.Equal(new Uri("https://recaptcha.net/recaptcha/api/siteverify"), options.Endpoint);
        Assert.Equal(0.7, options.MinimumScore);
        Assert.Equal("send_code", options.ExpectedAction);
        Assert.Equal(["example.com", "www.example.com"], options.ExpectedHostnames);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), options.Timeout);

        var validator = Assert.IsType<ReCaptchaValidator>(provider.GetRequiredService<ICaptchaValidator>());
        Assert.Equal(CaptchaProvider.ReCaptchaV3, validator.Provider);
        Assert.Equal(new Uri("https://recaptcha.net/recaptcha/api/siteverify"), validator.Endpoint);
    }

    [Fact]
    public void AddCaptcha_ExpectedHostnamesAsOneValue_SplitsOnCommas()
    {
        using var provider = Build(b => b.AddCaptcha(), new()
        {
            ["Verification:Captcha:Provider"] = "Turnstile",
            ["Verification:Captcha:Secret"] = Secret,
            ["Verification:Captcha:ExpectedHostnames"] = "example.com, www.example.com;login.example.com",
        });

        Assert.Equal(["example.com", "www.example.com", "login.example.com"], provider.GetRequiredService<IOptions<VerificationOptions>>().Value.Captcha.ExpectedHostnames);
    }

    [Fact]
    public void Defaults_AreDocumentedValues()
    {
        var options = new CaptchaOptions();

        Assert.Null(options.Provider);
        Assert.Null(options.Secret);
        Assert.Null(options.Endpoint);
        Assert.Equal(0.5, options.MinimumScore);
        Assert.Empty(options.ExpectedHostnames);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Timeout);
        Assert.Equal("Verification:Captcha", CaptchaOptions.SectionName);
    }

    [Theory]
    [InlineData("Turnstile", typeof(TurnstileCaptchaValidator), CaptchaSiteverify.TurnstileEndpoint)]
    [InlineData("HCaptcha", typeof(HCaptchaValidator), CaptchaSiteverify.HCaptchaEndpoint)]
    [InlineData("ReCaptchaV2", typeof(ReCaptchaValidator), CaptchaSiteverify.ReCaptchaEndpoint)]
    [InlineData("ReCaptchaV3", typeof(ReCaptchaValidator), CaptchaSiteverify.ReCaptchaEndpoint)]
    public void AddCaptcha_EachProvider_UsesItsDocumentedEndpointByDefault(string name, Type type, string endpoint)
    {
        using var provider = Build(b => b.AddCaptcha(), new() { ["Verification:Captcha:Provider"] = name, ["Verification:Captcha:Secret"] = Secret });

        var validator = provider.GetRequiredService<ICaptchaValidator>();

        Assert.IsType(type, validator);
        Assert.Equal(new Uri(endpoint), ((SiteverifyCaptchaValidator)validator).Endpoint);
    }

    [Fact]
    public void Documented_Endpoints_AreTheProvidersSiteverifyUrls()
    {
        Assert.Equal("https://challenges.cloudflare.com/turnstile/v0/siteverify", CaptchaSiteverify.TurnstileEndpoint);
        Assert.Equal("https://api.hcaptcha.com/siteverify", CaptchaSiteverify.HCaptchaEndpoint);
        Assert.Equal("https://www.google.com/recaptcha/api/siteverify", CaptchaSiteverify.ReCaptchaEndpoint);
    }

    [Fact]
    public void AddTurnstileCaptcha_CodeRunsAfterConfiguration_AndWins()
    {
        using var provider = Build(b => b.AddTurnstileCaptcha(o => o.Secret = TestKeys.TurnstileAlwaysPasses), new()
        {
            ["Verification:Captcha:Provider"] = "HCaptcha",
            ["Verification:Captcha:Secret"] = Secret,
            ["Verification:Captcha:Timeout"] = "00:00:03",
        });

        var options = provider.GetRequiredService<IOptions<VerificationOptions>>().Value.Captcha;
        Assert.Equal(CaptchaProvider.Turnstile, options.Provider);
        Assert.Equal(TestKeys.TurnstileAlwaysPasses, options.Secret);
        Assert.Equal(TimeSpan.FromSeconds(3), options.Timeout);
        Assert.IsType<TurnstileCaptchaValidator>(provider.GetRequiredService<ICaptchaValidator>());
    }

    [Fact]
    public void AddTurnstileCaptcha_WithoutCode_TakesTheSecretFromConfiguration()
    {
        using var provider = Build(b => b.AddTurnstileCaptcha(), new() { ["Verification:Captcha:Secret"] = Secret });

        Assert.IsType<TurnstileCaptchaValidator>(provider.GetRequiredService<ICaptchaValidator>());
    }

    [Fact]
    public void AddReCaptcha_ByDefault_IsV2()
    {
        using var provider = Build(b => b.AddReCaptcha(o => o.Secret = Secret));

        Assert.Equal(CaptchaProvider.ReCaptchaV2, Assert.IsType<ReCaptchaValidator>(provider.GetRequiredService<ICaptchaValidator>()).Provider);
    }

    [Fact]
    public void AddReCaptcha_WithV3InConfiguration_IsV3()
    {
        using var provider = Build(b => b.AddReCaptcha(o => o.Secret = Secret), new() { ["Verification:Captcha:Provider"] = "ReCaptchaV3" });

        Assert.Equal(CaptchaProvider.ReCaptchaV3, Assert.IsType<ReCaptchaValidator>(provider.GetRequiredService<ICaptchaValidator>()).Provider);
    }

    [Fact]
    public void AddCaptcha_WithAnExplicitSection_BindsThatSection()
    {
        var configuration = Configuration(new() { ["Captcha:Provider"] = "HCaptcha", ["Captcha:Secret"] = Secret, ["Captcha:SiteKey"] = "site" });
        using var provider = Build(b => b.AddCaptcha(configuration.GetSection("Captcha")));

        var options = provider.GetRequiredService<IOptions<VerificationOptions>>().Value.Captcha;
        Assert.Equal(CaptchaProvider.HCaptcha, options.Provider);
        Assert.Equal("site", options.SiteKey);
    }

    [Fact]
    public void AddCaptcha_WithAnExplicitSection_RefusesAnUnknownKeyNamingIt()
    {
        var configuration = Configuration(new() { ["Captcha:Provider"] = "HCaptcha", ["Captcha:Secret"] = Secret, ["Captcha:Secrte"] = Secret });

        var failure = AssertInvalid(b => b.AddCaptcha(configuration.GetSection("Captcha")));

        var message = Assert.Single(failure.Failures);
        Assert.StartsWith("Captcha:Secrte is not a setting; the keys of Captcha are ", message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddCaptcha_WithAnExplicitSection_UnknownProvider_IsReportedOnceNamingTheKey()
    {
        var configuration = Configuration(new() { ["Captcha:Provider"] = "Recaptcha", ["Captcha:Secret"] = Secret });

        var failure = AssertInvalid(b => b.AddCaptcha(configuration.GetSection("Captcha")));

        Assert.StartsWith("Captcha:Provider 'Recaptcha' is not a known captcha provider", Assert.Single(failure.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void AddCaptcha_MistakesInTheExplicitSectionAndInVerification_AreReportedTogether()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Verification:Code:Length"] = "six",
            ["Captcha:Provider"] = "Turnstile",
            ["Captcha:Secret"] = Secret,
            ["Captcha:Timeout"] = "soon",
        };

        var failure = AssertInvalid(b => b.AddCaptcha(Configuration(settings).GetSection("Captcha")), settings);

        Assert.Contains(failure.Failures, f => f.StartsWith("Verification:Code:Length 'six' is not a whole number", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.StartsWith("Captcha:Timeout 'soon' is not a duration", StringComparison.Ordinal));
        Assert.Equal(2, failure.Failures.Count());
    }

    [Fact]
    public void AddCaptcha_WithAnExplicitSection_WinsOverVerificationCaptcha_AndCodeWinsOverBoth()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Verification:Captcha:Provider"] = "HCaptcha",
            ["Verification:Captcha:MaxTries"] = "3",
            ["Verification:Captcha:Timeout"] = "00:00:04",
            ["Captcha:Provider"] = "Turnstile",
            ["Captcha:Secret"] = Secret,
            ["Captcha:Timeout"] = "00:00:02",
        };

        using var provider = Build(b => b.AddCaptcha(o => o.SiteKey = "from-code").AddCaptcha(Configuration(settings).GetSection("Captcha")), settings);

        var options = provider.GetRequiredService<IOptions<VerificationOptions>>().Value.Captcha;
        Assert.Equal(CaptchaProvider.Turnstile, options.Provider);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Timeout);
        Assert.Equal(3, options.MaxTries);
        Assert.Equal("from-code", options.SiteKey);
        Assert.IsType<TurnstileCaptchaValidator>(provider.GetRequiredService<ICaptchaValidator>());
    }

    [Fact]
    public void AddTurnstileCaptcha_WithATenant_ChecksOnlyTheDefaultOptionsItReads()
    {
        var tenant = Configuration(new() { ["Tenant:Tokens:AllowEphemeralKey"] = "true", ["Tenant:ProjectId"] = "tenant-a" }).GetSection("Tenant");
        var services = new ServiceCollection();
        services.AddVerification(o => o.Tokens.AllowEphemeralKey = true).AddTurnstileCaptcha(o => o.Secret = Secret);
        services.AddVerification("tenant-a", tenant);
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<VerificationOptions>>().Get("tenant-a");

        Assert.Null(options.Captcha.Secret);
        Assert.NotNull(provider.GetRequiredKeyedService<IVerificationService>("tenant-a"));
        Assert.IsType<TurnstileCaptchaValidator>(provider.GetRequiredService<ICaptchaValidator>());
    }

    [Fact]
    public void AddTurnstileCaptcha_OnATenantsBuilder_ReadsAndChecksTheTenantsOptions()
    {
        var configuration = Configuration(new()
        {
            ["Tenants:A:Tokens:AllowEphemeralKey"] = "true",
            ["Tenants:A:ProjectId"] = "tenant-a",
            ["Tenants:A:Captcha:Timeout"] = "00:00:03",
            ["Tenants:B:Tokens:AllowEphemeralKey"] = "true",
            ["Tenants:B:ProjectId"] = "tenant-b",
        });
        var services = new ServiceCollection();
        services.AddVerification("tenant-a", configuration.GetSection("Tenants:A")).AddTurnstileCaptcha(o => o.Secret = Secret);
        services.AddVerification("tenant-b", configuration.GetSection("Tenants:B")).AddTurnstileCaptcha();
        using var provider = services.BuildServiceProvider();

        var validator = Assert.IsType<TurnstileCaptchaValidator>(provider.GetRequiredKeyedService<ICaptchaValidator>("tenant-a"));
        var monitor = provider.GetRequiredService<IOptionsMonitor<VerificationOptions>>();

        Assert.Equal(TimeSpan.FromSeconds(3), monitor.Get("tenant-a").Captcha.Timeout);
        Assert.Equal(Secret, monitor.Get("tenant-a").Captcha.Secret);
        Assert.Null(provider.GetService<ICaptchaValidator>());
        var failure = Assert.Throws<OptionsValidationException>(() => monitor.Get("tenant-b"));
        Assert.Equal("Verification:Captcha:Secret is missing; set the secret key the captcha provider issued for the site (docs/captcha-providers.md lists the providers' test secrets for local use).", Assert.Single(failure.Failures));
        Assert.NotNull(validator);
    }

    [Fact]
    public void Registrations_CalledTwice_AreHarmlessAndLeaveOneValidator()
    {
        var services = new ServiceCollection();
        var builder = services.AddVerification(o => o.Tokens.AllowEphemeralKey = true);
        builder.AddTurnstileCaptcha(o => o.Secret = Secret).AddTurnstileCaptcha(o => o.Secret = Secret).AddCaptcha();

        Assert.Single(services, d => d.ServiceType == typeof(ICaptchaValidator));
        var validators = services.Where(d => d.ServiceType == typeof(IValidateOptions<VerificationOptions>)).Select(d => d.ImplementationType).ToList();
        Assert.Equal(validators.Distinct().Count(), validators.Count);
        Assert.Contains(typeof(CaptchaOptionsValidator), validators);
        Assert.Equal(BindersOf(new ServiceCollection().AddVerification().Services), BindersOf(services));
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        Assert.IsType<TurnstileCaptchaValidator>(provider.GetRequiredService<ICaptchaValidator>());
    }

    [Fact]
    public void Registrations_TheLastProviderWins()
    {
        using var provider = Build(b => b.AddTurnstileCaptcha(o => o.Secret = Secret).AddHCaptcha());

        Assert.IsType<HCaptchaValidator>(provider.GetRequiredService<ICaptchaValidator>());
    }

    [Fact]
    public void AddTurnstileCaptcha_ReplacesAValidatorRegisteredBefore()
    {
        var services = new ServiceCollection();
        services.AddVerification(o => o.Tokens.AllowEphemeralKey = true)
            .UseCaptchaValidator<AlwaysValid>()
            .AddTurnstileCaptcha(o => o.Secret = Secret);

        using var provider = services.BuildServiceProvider();

        Assert.Single(services, d => d.ServiceType == typeof(ICaptchaValidator));
        Assert.IsType<TurnstileCaptchaValidator>(provider.GetRequiredService<ICaptchaValidator>());
    }

    [Fact]
    public void AddCaptcha_RegistersTheNamedHttpClient()
    {
        using var provider = Build(b => b.AddTurnstileCaptcha(o => o.Secret = Secret));

        using var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient(CaptchaSiteverify.HttpClientName);

        Assert.NotNull(client);
    }

    [Fact]
    public async Task Host_WithInvalidCaptchaOptions_FailsToStart()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Verification:Tokens:AllowEphemeralKey"] = "true",
            ["Verification:Captcha:Provider"] = "Turnstile",
        });
        builder.Services.AddVerification().AddCaptcha();
        using var host = builder.Build();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(failure.Failures, f => f.StartsWith("Verification:Captcha:Secret is missing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Host_WithValidCaptchaOptions_StartsAndResolvesTheService()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Verification:Tokens:AllowEphemeralKey"] = "true",
            ["Verification:Captcha:Provider"] = "Turnstile",
            ["Verification:Captcha:Secret"] = TestKeys.TurnstileAlwaysPasses,
        });
        builder.Services.AddVerification().AddCaptcha();
        using var host = builder.Build();

        await host.StartAsync();

        Assert.NotNull(host.Services.GetRequiredService<IVerificationService>());
        Assert.IsType<TurnstileCaptchaValidator>(host.Services.GetRequiredService<ICaptchaValidator>());
        await host.StopAsync();
    }

    [Fact]
    public void ResolvingTheVerificationService_WithInvalidCaptchaOptions_Throws()
    {
        var services = new ServiceCollection();
        services.AddVerification(o => o.Tokens.AllowEphemeralKey = true).AddTurnstileCaptcha();
        using var provider = services.BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IVerificationService>());

        Assert.Contains(failure.Failures, f => f.StartsWith("Verification:Captcha:Secret is missing", StringComparison.Ordinal));
    }

    private static ServiceProvider Build(Action<IVerificationBuilder> register, Dictionary<string, string?>? settings = null)
    {
        var services = new ServiceCollection();
        if (settings is not null)
        {
            services.AddSingleton<IConfiguration>(Configuration(settings));
        }

        register(services.AddVerification(o => o.Tokens.AllowEphemeralKey = true));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    private static OptionsValidationException AssertInvalid(Action<IVerificationBuilder> register, Dictionary<string, string?>? settings = null)
    {
        using var provider = Build(register, settings);
        return Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<VerificationOptions>>().Value);
    }

    /// <summary>The configuration binders of the options (the code given to the methods is registered as instances).</summary>
    private static int BindersOf(IServiceCollection services) =>
        services.Count(d => d.ServiceType == typeof(IConfigureOptions<VerificationOptions>) && d.ImplementationFactory is not null);

    private static IConfigurationRoot Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    private sealed class AlwaysValid : ICaptchaValidator
    {
        public ValueTask<CaptchaValidationResult> ValidateAsync(string captchaToken, VerificationContext? context, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(new CaptchaValidationResult(CaptchaValidationStatus.Valid));
    }
}
