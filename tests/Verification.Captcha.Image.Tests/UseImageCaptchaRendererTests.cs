using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

using Verification.Captcha.Image;

namespace Verification.Captcha.Image.Tests;

public sealed class UseImageCaptchaRendererTests
{
    [Fact]
    public void UseImageCaptchaRenderer_Default_ResolvesSkiaRendererAsSingleton()
    {
        var services = new ServiceCollection();
        services.AddVerification().UseImageCaptchaRenderer();
        using var provider = services.BuildServiceProvider();

        var renderer = provider.GetRequiredService<ICaptchaImageRenderer>();

        Assert.IsType<SkiaCaptchaImageRenderer>(renderer);
        Assert.Same(renderer, provider.GetRequiredService<ICaptchaImageRenderer>());
        var png = Png.Decode(renderer.RenderPng("ACDE"));
        Assert.Equal((160, 60), (png.Width, png.Height));
    }

    [Fact]
    public void UseImageCaptchaRenderer_CalledTwice_RegistersOnce()
    {
        var services = new ServiceCollection();
        services.AddVerification().UseImageCaptchaRenderer().UseImageCaptchaRenderer();

        Assert.Single(services, d => d.ServiceType == typeof(ICaptchaImageRenderer));
        Assert.Single(services, d => d.ServiceType == typeof(IConfigureOptions<SkiaCaptchaImageOptions>));
        var validators = services.Where(d => d.ServiceType == typeof(IValidateOptions<SkiaCaptchaImageOptions>)).Select(d => d.ImplementationType).ToList();
        Assert.Equal(validators.Distinct().Count(), validators.Count);
        using var provider = services.BuildServiceProvider();
        Assert.IsType<SkiaCaptchaImageRenderer>(provider.GetRequiredService<ICaptchaImageRenderer>());
    }

    [Fact]
    public void UseImageCaptchaRenderer_AnotherRendererRegistered_ReplacesIt()
    {
        var services = new ServiceCollection();
        services.AddSingleton(NSubstitute.Substitute.For<ICaptchaImageRenderer>());
        services.AddVerification().UseImageCaptchaRenderer();
        using var provider = services.BuildServiceProvider();

        Assert.IsType<SkiaCaptchaImageRenderer>(provider.GetRequiredService<ICaptchaImageRenderer>());
    }

    [Fact]
    public void UseImageCaptchaRenderer_WithAppConfiguration_BindsImageSection()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(Configuration(new()
        {
            ["Verification:Captcha:Image:Width"] = "240",
            ["Verification:Captcha:Image:Height"] = "80",
        }));
        services.AddVerification().UseImageCaptchaRenderer();
        using var provider = services.BuildServiceProvider();

        var png = Png.Decode(provider.GetRequiredService<ICaptchaImageRenderer>().RenderPng("HJKL"));

        Assert.Equal((240, 80), (png.Width, png.Height));
    }

    [Fact]
    public void UseImageCaptchaRenderer_WithAction_OverridesConfiguration()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(Configuration(new() { ["Verification:Captcha:Image:Width"] = "240" }));
        services.AddVerification().UseImageCaptchaRenderer(o => o.Width = 200);
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<SkiaCaptchaImageOptions>>().Value;

        Assert.Equal(200, options.Width);
        Assert.Equal(60, options.Height);
    }

    [Fact]
    public void UseImageCaptchaRenderer_InvalidConfiguration_FailsNamingTheKey()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(Configuration(new() { ["Verification:Captcha:Image:Height"] = "5" }));
        services.AddVerification().UseImageCaptchaRenderer();
        using var provider = services.BuildServiceProvider();

        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<ICaptchaImageRenderer>());

        Assert.Contains("Verification:Captcha:Image:Height", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseImageCaptchaRenderer_NullBuilder_ThrowsArgumentNullException()
    {
        var exception = Assert.Throws<ArgumentNullException>(() => ImageCaptchaBuilderExtensions.UseImageCaptchaRenderer(null!));

        Assert.Equal("builder", exception.ParamName);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
