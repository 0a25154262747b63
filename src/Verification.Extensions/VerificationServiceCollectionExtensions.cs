using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Verification;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Verification with a service collection.</summary>
public static class VerificationServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IVerificationService"/> with the in-memory store and binds <see cref="VerificationOptions"/>
    /// from the <c>Verification</c> section of the app's <see cref="IConfiguration"/> (when one is registered),
    /// validated at start. Calling it again is harmless.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>A builder to add senders, a user directory, a captcha validator or another store.</returns>
    public static IVerificationBuilder AddVerification(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!services.Any(d => d.ServiceType == typeof(VerificationMarker)))
        {
            services.AddSingleton<VerificationMarker>();
            services.AddOptions<VerificationOptions>().ValidateOnStart();
            services.AddSingleton<IConfigureOptions<VerificationOptions>, BindFromAppConfiguration>();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<VerificationOptions>, VerificationOptionsValidator>());
            services.TryAddSingleton(TimeProvider.System);
            services.TryAddSingleton<ICodeStore>(static sp => new InMemoryCodeStore(sp.GetRequiredService<IOptions<VerificationOptions>>().Value.InMemoryStore.MaxEntries));
            services.TryAddSingleton(static sp => new EngineRuntime(sp.GetRequiredService<IOptions<VerificationOptions>>().Value, sp.GetService<IMeterFactory>()));
            services.TryAddSingleton<IVerificationService>(static sp => EngineFactory.CreateService(sp));
        }

        return new VerificationBuilder(services);
    }

    /// <summary>
    /// Registers Verification (see <see cref="AddVerification(IServiceCollection)"/>) and configures its options in
    /// code, after the <c>Verification</c> configuration section is bound.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets options; runs after configuration binding, so it wins.</param>
    /// <returns>A builder to add senders, a user directory, a captcha validator or another store.</returns>
    public static IVerificationBuilder AddVerification(this IServiceCollection services, Action<VerificationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = services.AddVerification();
        services.Configure(configure);
        return builder;
    }

    /// <summary>
    /// Registers Verification (see <see cref="AddVerification(IServiceCollection)"/>) with its options bound from
    /// <paramref name="section"/> instead of the app's <c>Verification</c> section.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The section to bind, for example <c>configuration.GetSection("Verification")</c>.</param>
    /// <returns>A builder to add senders, a user directory, a captcha validator or another store.</returns>
    public static IVerificationBuilder AddVerification(this IServiceCollection services, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var builder = services.AddVerification();
        services.AddSingleton(new ExplicitSection(section));
        return builder;
    }

    /// <summary>Marks that Verification's core services are registered.</summary>
    private sealed class VerificationMarker;

    /// <summary>A section given to <c>AddVerification(section)</c>; it replaces the app's <c>Verification</c> section.</summary>
    private sealed record ExplicitSection(IConfigurationSection Section);

    /// <summary>Binds the explicit sections if any were given, otherwise the app's <c>Verification</c> section, if the app has configuration.</summary>
    private sealed class BindFromAppConfiguration(IEnumerable<ExplicitSection> explicitSections, IConfiguration? configuration = null)
        : IConfigureOptions<VerificationOptions>
    {
        public void Configure(VerificationOptions options)
        {
            var sections = explicitSections.Select(s => (IConfiguration)s.Section).ToList();
            if (sections.Count == 0 && configuration is not null)
            {
                sections.Add(configuration.GetSection(VerificationOptions.SectionName));
            }

            foreach (var section in sections)
            {
                section.Bind(options);
            }
        }
    }
}
