using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Verification;

/// <summary>
/// Binds an adapter's options from its section of the app's <see cref="IConfiguration"/>, when the app registered
/// one (a worker built without configuration just skips it). One registration a package: its <c>Add…</c> method runs
/// it once, guarded by the package's marker.
/// </summary>
internal static class AppConfigurationSection
{
    /// <summary>Registers <paramref name="bind"/> for <paramref name="sectionName"/> as an <see cref="IConfigureOptions{TOptions}"/>.</summary>
    /// <param name="services">The app's services.</param>
    /// <param name="sectionName">The section, for example <c>Verification:Twilio</c>; also given to <paramref name="bind"/> to name keys in errors.</param>
    /// <param name="bind">Reads the section into the options.</param>
    public static void Bind<TOptions>(IServiceCollection services, string sectionName, Action<IConfiguration, string, TOptions> bind)
        where TOptions : class =>
        services.AddSingleton<IConfigureOptions<TOptions>>(sp => new ConfigureOptions<TOptions>(options =>
        {
            if (sp.GetService<IConfiguration>() is { } configuration)
            {
                bind(configuration.GetSection(sectionName), sectionName, options);
            }
        }));

    /// <summary>The trimmed value of <paramref name="key"/> in <paramref name="section"/>; null when absent or empty.</summary>
    public static string? Read(IConfiguration section, string key) =>
        section[key]?.Trim() is { Length: > 0 } value ? value : null;
}
