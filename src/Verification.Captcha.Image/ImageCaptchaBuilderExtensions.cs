using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Verification;
using Verification.Captcha.Image;
using Verification.Shared;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the built-in image captcha to Verification: its engine, its SkiaSharp renderer, or both.</summary>
public static class ImageCaptchaBuilderExtensions
{
    /// <summary>
    /// Sets <see cref="SkiaCaptchaImageRenderer"/> as the singleton <see cref="ICaptchaImageRenderer"/>, replacing
    /// any other. Its <see cref="SkiaCaptchaImageOptions"/> bind from the <c>Verification:Captcha:Image</c> section of
    /// the app's configuration (when one is registered) and are validated at start. Calling it again is harmless.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets options; runs after configuration binding, so it wins.</param>
    /// <returns>The builder.</returns>
    public static IVerificationBuilder UseImageCaptchaRenderer(this IVerificationBuilder builder, Action<SkiaCaptchaImageOptions>? configure = null)
    {
        AdapterRegistration.Add<SkiaCaptchaImageOptions, SkiaCaptchaImageOptionsValidator>(builder, SkiaCaptchaImageOptions.SectionName, Bind, null, configure);
        builder.Services.Replace(ServiceDescriptor.Singleton<ICaptchaImageRenderer>(
            static sp => new SkiaCaptchaImageRenderer(sp.GetRequiredService<IOptions<SkiaCaptchaImageOptions>>().Value)));
        return builder;
    }

    /// <summary>
    /// Turns on the built-in image captcha with this renderer: <see cref="UseImageCaptchaRenderer"/> plus
    /// <see cref="UseImageCaptcha"/>, so <see cref="ImageCaptchaService"/> answers <c>POST /auth/v1/captcha/data</c> and
    /// <c>/captcha/data/verify</c> and validates the captcha tokens of sends.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the picture's options; runs after configuration binding, so it wins.</param>
    /// <returns>The builder.</returns>
    public static IVerificationBuilder AddImageCaptcha(this IVerificationBuilder builder, Action<SkiaCaptchaImageOptions>? configure = null) =>
        builder.UseImageCaptchaRenderer(configure).UseImageCaptcha();

    /// <summary>
    /// Makes the built-in image captcha the captcha of sends, replacing any other <see cref="ICaptchaValidator"/>:
    /// <see cref="ImageCaptchaService"/> (the <see cref="IImageCaptcha"/> whose endpoints Verification.AspNetCore maps)
    /// on the host's keys and store. It needs an <see cref="ICaptchaImageRenderer"/>: <see cref="UseImageCaptchaRenderer"/>,
    /// or your own registered before the service is first resolved.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IVerificationBuilder UseImageCaptcha(this IVerificationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton(static sp => new ImageCaptchaService(
            sp.GetRequiredService<IOptions<VerificationOptions>>(),
            sp.GetRequiredService<ICodeStore>(),
            sp.GetRequiredService<ICaptchaImageRenderer>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<ImageCaptchaService>>(),
            sp.GetRequiredService<EngineRuntime>(),
            meterFactory: null));
        builder.Services.TryAddSingleton<IImageCaptcha>(static sp => sp.GetRequiredService<ImageCaptchaService>());
        builder.Services.Replace(ServiceDescriptor.Singleton<ICaptchaValidator>(static sp => sp.GetRequiredService<ImageCaptchaService>()));
        return builder;
    }

    /// <summary>Reads the <c>Verification:Captcha:Image</c> keys.</summary>
    private static void Bind(ConfigurationReader section, SkiaCaptchaImageOptions options)
    {
        options.Width = section.Int("Width") ?? options.Width;
        options.Height = section.Int("Height") ?? options.Height;
    }

    /// <summary>Checks the size at start; messages name the configuration keys.</summary>
    private sealed class SkiaCaptchaImageOptionsValidator : IValidateOptions<SkiaCaptchaImageOptions>
    {
        public ValidateOptionsResult Validate(string? name, SkiaCaptchaImageOptions options)
        {
            var errors = SkiaCaptchaImageOptions.Validate(options);
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
