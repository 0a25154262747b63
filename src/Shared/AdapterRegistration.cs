using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Verification.Shared;

/// <summary>
/// The registration every adapter makes once: its options bound from its configuration section and validated at
/// start, and its validator (HTTP providers add their named client with <c>AdapterHttpClient</c>).
/// </summary>
internal static class AdapterRegistration
{
    /// <summary>
    /// Registers <typeparamref name="TOptions"/> (bound from <paramref name="sectionName"/> by <paramref name="bind"/>,
    /// or from the sections given to the package's <c>Add…(section)</c> method) with <typeparamref name="TValidator"/>
    /// and <c>ValidateOnStart</c>. False, doing nothing, when the package is already registered.
    /// </summary>
    public static bool TryAdd<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TValidator>(
        IServiceCollection services,
        string sectionName,
        Action<ConfigurationReader, TOptions> bind)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(static d => d.ServiceType == typeof(Marker<TOptions>)))
        {
            return false;
        }

        services.AddSingleton<Marker<TOptions>>();
        services.AddOptions<TOptions>().ValidateOnStart();
        OptionsBinding.Bind<TOptions>(services, null, sp =>
        {
            var explicitSections = sp.GetServices<ExplicitSection<TOptions>>().Select(static s => ((IConfiguration)s.Section, s.Section.Path)).ToList();
            return explicitSections.Count > 0 || sp.GetService<IConfiguration>() is not { } configuration
                ? explicitSections
                : [(configuration.GetSection(sectionName), sectionName)];
        }, bind);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return true;
    }

    /// <summary>
    /// The skeleton of every adapter's <c>Add…</c>/<c>Use…</c> method: the null check, the package's options and
    /// validator (<see cref="TryAdd"/>) with <paramref name="registerOnce"/> the first time (its named client, its
    /// part), then the caller's <paramref name="configure"/>, which runs after configuration binding.
    /// </summary>
    /// <returns><paramref name="builder"/>.</returns>
    public static IVerificationBuilder Add<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TValidator>(
        IVerificationBuilder builder,
        string sectionName,
        Action<ConfigurationReader, TOptions> bind,
        Action<IServiceCollection>? registerOnce,
        Action<TOptions>? configure)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (TryAdd<TOptions, TValidator>(builder.Services, sectionName, bind))
        {
            registerOnce?.Invoke(builder.Services);
        }

        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        return builder;
    }

    /// <summary>Binds <typeparamref name="TOptions"/> from <paramref name="section"/> instead of the app's section (several: in order).</summary>
    public static void UseSection<TOptions>(IServiceCollection services, IConfigurationSection section)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(section);
        services.AddSingleton(new ExplicitSection<TOptions>(section));
    }

    /// <summary>Marks that the package of <typeparamref name="TOptions"/> is registered.</summary>
    private sealed class Marker<TOptions>;

    /// <summary>A section given to the package's <c>Add…(section)</c>; it replaces the app's section.</summary>
    private sealed record ExplicitSection<TOptions>(IConfigurationSection Section);
}
