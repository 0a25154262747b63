using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Verification.Shared;

namespace Verification.Extensions;

/// <summary>
/// The sections given to <c>AddCaptcha(section)</c> of the Verification.Captcha package: read, like
/// <c>Verification:Captcha</c>, into the <see cref="VerificationOptions.Captcha"/> of the default options, after the
/// <c>Verification</c> section (so their values win) and before the options set in code.
/// </summary>
internal static class CaptchaSections
{
    /// <summary>Binds <paramref name="section"/> into the default options' captcha settings (several: in order).</summary>
    public static void Use(IServiceCollection services, IConfigurationSection section) => services.AddSingleton(new CaptchaSection(section));

    /// <summary>The sections given to <see cref="Use"/>, each with the binder method of <c>Verification:Captcha</c>.</summary>
    public static IEnumerable<(IConfiguration Section, string Path, Action<ConfigurationReader, VerificationOptions> Bind)> Of(IServiceProvider services) =>
        services.GetServices<CaptchaSection>().Select(static s => ((IConfiguration)s.Section, s.Section.Path, (Action<ConfigurationReader, VerificationOptions>)BindCaptcha));

    private static void BindCaptcha(ConfigurationReader section, VerificationOptions options) => VerificationOptionsBinder.BindCaptcha(section, options.Captcha);

    private sealed record CaptchaSection(IConfigurationSection Section);
}
