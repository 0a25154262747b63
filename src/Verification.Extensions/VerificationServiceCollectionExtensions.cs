using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Verification;
using Verification.Extensions;
using Verification.Shared;

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
            AddShared(services);
            services.AddOptions<VerificationOptions>().ValidateOnStart();
            OptionsBinding.Bind<VerificationOptions>(services, null, static sp => Sections(sp), VerificationOptionsBinder.Bind);
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, StartupWarnings>());
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

    /// <summary>
    /// Registers a tenant: an <see cref="IVerificationService"/> keyed <paramref name="name"/> (resolve it with
    /// <c>[FromKeyedServices("tenant-a")] IVerificationService</c> or <c>GetRequiredKeyedService</c>), with its own
    /// <see cref="VerificationOptions"/> named <paramref name="name"/>, bound from <paramref name="section"/> and
    /// validated at start: its own <c>ProjectId</c>, keys and limits, so tenants refuse each other's ids and tokens.
    /// </summary>
    /// <remarks>
    /// <para>The returned builder registers parts for this tenant only: its <c>Add…</c> and <c>Use…</c> methods (senders,
    /// store, user directory, captcha validator, message renderer and wording, the adapter packages' included) register
    /// services keyed <paramref name="name"/>, never the default registration's or another tenant's. Its store is an
    /// in-memory store of its own unless the builder replaces it. Registering keyed services directly
    /// (<c>services.AddKeyedSingleton&lt;ISmsSender&gt;("tenant-a", …)</c>) does the same. A kind of part the tenant has
    /// none of (no keyed SMS sender, say) is the app's unkeyed one. Options of adapter packages
    /// (<c>Verification:Twilio</c>, <c>Verification:Redis</c>…) are the app's, shared by every tenant that uses the
    /// adapter. The unkeyed <c>AddVerification()</c> stays the default and is independent of tenants; an app with
    /// tenants only does not need one.</para>
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The tenant's name: the service key and the options name, for example <c>"tenant-a"</c>.</param>
    /// <param name="section">The tenant's section, shaped like <c>Verification</c>, for example <c>configuration.GetSection("Tenants:A")</c>.</param>
    /// <returns>A builder that adds parts for this tenant only.</returns>
    public static IVerificationBuilder AddVerification(this IServiceCollection services, string name, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(section);
        if (services.Any(d => d.IsKeyedService && d.ServiceType == typeof(IVerificationService) && Equals(d.ServiceKey, name)))
        {
            throw new InvalidOperationException($"The Verification tenant '{name}' is already registered; give each tenant its own name.");
        }

        AddShared(services);
        services.AddOptions<VerificationOptions>(name).ValidateOnStart();
        OptionsBinding.Bind<VerificationOptions>(services, name, _ => [(section, section.Path)], VerificationOptionsBinder.Bind);
        services.AddKeyedSingleton(name, static (sp, key) => new EngineRuntime(EngineFactory.OptionsOf(sp, key).Value, sp.GetService<IMeterFactory>()));
        services.AddKeyedSingleton<IVerificationService>(name, static (sp, key) => EngineFactory.CreateService(sp, key));

        // The tenant's builder registers parts for this tenant only (keyed with its name), its store first.
        var tenant = new TenantServiceCollection(services, name);
        tenant.TryAddSingleton<ICodeStore>(sp => new InMemoryCodeStore(EngineFactory.OptionsOf(sp, name).Value.InMemoryStore.MaxEntries));
        return new VerificationBuilder(tenant);
    }

    /// <summary>What the default registration and every tenant share: validation, the Development key, the clock.</summary>
    private static void AddShared(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<VerificationOptions>, VerificationOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<VerificationOptions>, DevelopmentEphemeralKey>());
        services.TryAddSingleton(TimeProvider.System);
    }

    /// <summary>Marks that Verification's core services are registered.</summary>
    private sealed class VerificationMarker;

    /// <summary>A section given to <c>AddVerification(section)</c>; it replaces the app's <c>Verification</c> section.</summary>
    private sealed record ExplicitSection(IConfigurationSection Section);

    /// <summary>The explicit sections if any were given, otherwise the app's <c>Verification</c> section, if the app has configuration.</summary>
    private static List<(IConfiguration Section, string Path)> Sections(IServiceProvider services)
    {
        var sections = services.GetServices<ExplicitSection>().Select(static s => ((IConfiguration)s.Section, s.Section.Path)).ToList();
        if (sections.Count == 0 && services.GetService<IConfiguration>() is { } configuration)
        {
            sections.Add((configuration.GetSection(VerificationOptions.SectionName), VerificationOptions.SectionName));
        }

        return sections;
    }
}
