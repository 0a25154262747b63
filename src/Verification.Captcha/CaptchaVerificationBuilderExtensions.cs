using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Verification;
using Verification.Captcha;
using Verification.Shared;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Adds a siteverify captcha validator (Cloudflare Turnstile, hCaptcha, Google reCAPTCHA v2 / v3) to Verification.
/// </summary>
/// <remarks>
/// <para>Each method registers the validator as the single <see cref="ICaptchaValidator"/> (it replaces one registered
/// before), binds <see cref="CaptchaProviderOptions"/> from the <c>Verification:Captcha</c> section of the app's
/// <see cref="IConfiguration"/> when one is registered, and validates them at start: the host fails to start (or
/// resolving <see cref="IVerificationService"/> throws <see cref="OptionsValidationException"/>) with messages that
/// name the key to fix. Code given to the methods runs after configuration binding, so it wins. Calling them again
/// is harmless.</para>
/// <para>The validators fail closed: a provider that cannot be asked or answers something unreadable makes the
/// send answer <c>unavailable</c> (503), never pass. A token is accepted once: a replay answers
/// <c>captcha_invalid</c> with reason <c>duplicate</c>. See <c>docs/captcha-providers.md</c>.</para>
/// <para>Requests go through the <see cref="CaptchaProviderOptions.HttpClientName"/> client of
/// <see cref="System.Net.Http.IHttpClientFactory"/>, which follows no redirects.</para>
/// </remarks>
public static class CaptchaVerificationBuilderExtensions
{
    /// <summary>
    /// Adds the captcha validator named by <c>Verification:Captcha:Provider</c> (<c>Turnstile</c>, <c>HCaptcha</c>,
    /// <c>ReCaptchaV2</c> or <c>ReCaptchaV3</c>), configured from the <c>Verification:Captcha</c> section.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IVerificationBuilder AddCaptcha(this IVerificationBuilder builder) => AddCore(builder, null);

    /// <summary>
    /// Adds the captcha validator named by <c>Verification:Captcha:Provider</c> (or set by <paramref name="configure"/>),
    /// configured from the <c>Verification:Captcha</c> section and then by <paramref name="configure"/>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets options; runs after configuration binding, so it wins.</param>
    /// <returns>The builder.</returns>
    public static IVerificationBuilder AddCaptcha(this IVerificationBuilder builder, Action<CaptchaProviderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddCore(builder, configure);
    }

    /// <summary>
    /// Adds the captcha validator named by the <c>Provider</c> key of <paramref name="section"/>, with the options
    /// bound from <paramref name="section"/> instead of the app's <c>Verification:Captcha</c> section.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="section">The section to bind, for example <c>configuration.GetSection("Captcha")</c>.</param>
    /// <returns>The builder.</returns>
    public static IVerificationBuilder AddCaptcha(this IVerificationBuilder builder, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        AddCore(builder, null);
        AdapterRegistration.UseSection<CaptchaProviderOptions>(builder.Services, section);
        return builder;
    }

    /// <summary>Adds Cloudflare Turnstile as the captcha validator.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">
    /// Sets options (<see cref="CaptchaProviderOptions.Secret"/> at least, unless configuration has it); runs after
    /// configuration binding.
    /// </param>
    /// <returns>The builder.</returns>
    public static IVerificationBuilder AddTurnstileCaptcha(this IVerificationBuilder builder, Action<CaptchaProviderOptions>? configure = null) =>
        AddProvider(builder, static o => o.Provider = CaptchaProvider.Turnstile, configure);

    /// <summary>Adds hCaptcha as the captcha validator.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">
    /// Sets options (<see cref="CaptchaProviderOptions.Secret"/> at least, and <see cref="CaptchaProviderOptions.SiteKey"/> to bind
    /// tokens to the site); runs after configuration binding.
    /// </param>
    /// <returns>The builder.</returns>
    public static IVerificationBuilder AddHCaptcha(this IVerificationBuilder builder, Action<CaptchaProviderOptions>? configure = null) =>
        AddProvider(builder, static o => o.Provider = CaptchaProvider.HCaptcha, configure);

    /// <summary>
    /// Adds Google reCAPTCHA as the captcha validator: v2, unless <see cref="CaptchaProviderOptions.Provider"/> is
    /// <see cref="CaptchaProvider.ReCaptchaV3"/> (in configuration, or set by <paramref name="configure"/>), which
    /// also checks <see cref="CaptchaProviderOptions.MinimumScore"/> and <see cref="CaptchaProviderOptions.ExpectedAction"/>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets options (<see cref="CaptchaProviderOptions.Secret"/> at least); runs after configuration binding.</param>
    /// <returns>The builder.</returns>
    public static IVerificationBuilder AddReCaptcha(this IVerificationBuilder builder, Action<CaptchaProviderOptions>? configure = null) =>
        AddProvider(
            builder,
            static o => o.Provider = o.Provider == CaptchaProvider.ReCaptchaV3 ? CaptchaProvider.ReCaptchaV3 : CaptchaProvider.ReCaptchaV2,
            configure);

    /// <summary>
    /// Adds a health check of the captcha provider: its siteverify endpoint must answer a POST of the configured
    /// secret and a placeholder response by judging the placeholder (no real token is spent). Needs
    /// <c>AddVerification().AddCaptcha(…)</c> (or AddTurnstileCaptcha / AddHCaptcha / AddReCaptcha). Tagged
    /// <c>verification</c> besides <paramref name="tags"/>.
    /// </summary>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">The status reported on failure; defaults to unhealthy.</param>
    /// <param name="tags">More tags to filter checks by.</param>
    /// <param name="timeout">How long the check may take; defaults to none beyond <see cref="CaptchaProviderOptions.Timeout"/>.</param>
    /// <returns>The health checks builder.</returns>
    public static IHealthChecksBuilder AddVerificationCaptcha(
        this IHealthChecksBuilder builder,
        string name = "verification-captcha",
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null,
        TimeSpan? timeout = null)
    {
        return HealthCheckTags.Register(
            builder,
            name,
            static sp =>
            {
                var validator = sp.GetService<ICaptchaValidator>() as SiteverifyCaptchaValidator
                    ?? throw new InvalidOperationException("AddVerificationCaptcha() needs a siteverify captcha provider: call services.AddVerification().AddCaptcha(…).");
                return ProbeHealthCheck.Remote($"{validator.Provider} siteverify", validator.ProbeAsync);
            },
            failureStatus,
            tags,
            timeout);
    }

    private static IVerificationBuilder AddProvider(IVerificationBuilder builder, Action<CaptchaProviderOptions> setProvider, Action<CaptchaProviderOptions>? configure)
    {
        AddCore(builder, setProvider);
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        return builder;
    }

    private static IVerificationBuilder AddCore(IVerificationBuilder builder, Action<CaptchaProviderOptions>? configure)
    {
        AdapterRegistration.Add<CaptchaProviderOptions, CaptchaOptionsValidator>(builder, CaptchaProviderOptions.SectionName, CaptchaOptionsBinder.Bind, RegisterOnce, configure);

        // A singleton that asks IHttpClientFactory for a client per call, rather than a typed client captured for
        // ever by the singleton engine: handler rotation (DNS changes) keeps working.
        builder.Services.Replace(ServiceDescriptor.Singleton<ICaptchaValidator>(SiteverifyCaptchaValidator.Create));
        return builder;
    }

    private static void RegisterOnce(IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        AdapterHttpClient.Add(services, CaptchaProviderOptions.HttpClientName);
    }
}
