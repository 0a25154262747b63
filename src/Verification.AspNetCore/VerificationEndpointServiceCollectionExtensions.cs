using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Verification.AspNetCore;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the options of the HTTP endpoints.</summary>
public static class VerificationEndpointServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="VerificationEndpointOptions"/> through the options pattern: read from
    /// <c>Verification:Http</c>, then the app's <c>Configure&lt;VerificationEndpointOptions&gt;</c>, validated when the
    /// host starts, and injectable as <c>IOptions&lt;VerificationEndpointOptions&gt;</c> (the error format of the app's
    /// own endpoints follows it). Optional: <c>MapVerificationEndpoints()</c> builds the same options without it,
    /// validated when it maps.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <returns>The options builder, for more configuration or validation.</returns>
    public static OptionsBuilder<VerificationEndpointOptions> AddVerificationEndpoints(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.Replace(ServiceDescriptor.Transient<IOptionsFactory<VerificationEndpointOptions>, VerificationEndpointOptionsFactory>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<VerificationEndpointOptions>, VerificationEndpointOptionsValidator>());
        return services.AddOptions<VerificationEndpointOptions>().ValidateOnStart();
    }
}
