using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Verification.Shared;

namespace Verification.Extensions;

/// <summary>
/// The sections given to <c>AddCaptcha(section)</c> of the Verification.Captcha package: read, like
/// <c>Verification:Captcha</c>, into the <see cref="VerificationOptions.Captcha"/> of the builder's options (the
/// default options, or a tenant's), after the options' own section (so their values win) and before the options set
/// in code.
/// </summary>
internal static class CaptchaSections
{
    /// <summary>Binds <paramref name="section"/> into the captcha settings of the options named <paramref name="name"/> (several: in order).</summary>
    public static void Use(IServiceCollection services, string name, IConfigurationSection section) => services.AddSingleton(new CaptchaSection(name, section));

    /// <summary>The sections given to <see cref="Use"/> for the options named <paramref name="name"/>, each with the binder method of <c>Verification:Captcha</c>.</summary>
    public static IEnumerable<(IConfiguration Section, string Path, Action<ConfigurationReader, VerificationOptions> Bind)> Of(IServiceProvider services, string name) =>
        services.GetServices<CaptchaSection>()
            .Where(s => string.Equals(s.Name, name, StringComparison.Ordinal))
            .Select(static s => ((IConfiguration)s.Section, s.Section.Path, (Action<ConfigurationReader, VerificationOptions>)BindCaptcha));

    private static void BindCaptcha(ConfigurationReader section, VerificationOptions options) => VerificationOptionsBinder.BindCaptcha(section, options.Captcha);

    private sealed record CaptchaSection(string Name, IConfigurationSection Section);
}
