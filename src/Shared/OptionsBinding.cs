using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Verification.Shared;

/// <summary>
/// Binds a package's options from configuration with <c>ConfigurationReader</c> and reports what could not be
/// read at start, with the package's own validation: the one binding strategy of every Verification package.
/// </summary>
internal static class OptionsBinding
{
    /// <summary>The errors found while binding each options instance, reported by <see cref="BindingErrorsValidator{TOptions}"/>.</summary>
    private static readonly ConditionalWeakTable<object, IReadOnlyList<string>> Errors = [];

    /// <summary>What could not be read into <paramref name="options"/> (reported at start by the binding's own validation).</summary>
    public static IReadOnlyList<string> ErrorsOf(object options) => Errors.TryGetValue(options, out var errors) ? errors : [];

    /// <summary>Binds the options named <paramref name="name"/> from the app's <paramref name="sectionName"/> section, when the app has configuration.</summary>
    public static void BindAppSection<TOptions>(IServiceCollection services, string sectionName, Action<ConfigurationReader, TOptions> bind, string? name = null)
        where TOptions : class =>
        Bind(services, name, sp => sp.GetService<IConfiguration>() is { } configuration ? [(configuration.GetSection(sectionName), sectionName)] : [], bind);

    /// <summary>
    /// Binds the options named <paramref name="name"/> (null: the unnamed options) from the sections
    /// <paramref name="sections"/> returns, in order (a later section's values win).
    /// </summary>
    public static void Bind<TOptions>(
        IServiceCollection services,
        string? name,
        Func<IServiceProvider, IEnumerable<(IConfiguration Section, string Path)>> sections,
        Action<ConfigurationReader, TOptions> bind)
        where TOptions : class
    {
        services.AddSingleton<IConfigureOptions<TOptions>>(sp => new Binder<TOptions>(name ?? Options.DefaultName, () => sections(sp), bind));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, BindingErrorsValidator<TOptions>>());
    }

    private sealed class Binder<TOptions>(
        string name,
        Func<IEnumerable<(IConfiguration Section, string Path)>> sections,
        Action<ConfigurationReader, TOptions> bind) : IConfigureNamedOptions<TOptions>
        where TOptions : class
    {
        public void Configure(TOptions options) => Configure(Options.DefaultName, options);

        public void Configure(string? name1, TOptions options)
        {
            if (!string.Equals(name1 ?? Options.DefaultName, name, StringComparison.Ordinal))
            {
                return;
            }

            var errors = new List<string>();
            foreach (var (section, path) in sections())
            {
                var reader = new ConfigurationReader(section, path);
                bind(reader, options);
                errors.AddRange(reader.Errors);
            }

            Errors.AddOrUpdate(options, errors);
        }
    }

    /// <summary>Fails the validation at start with every value that could not be read and every unknown key.</summary>
    private sealed class BindingErrorsValidator<TOptions> : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options) =>
            Errors.TryGetValue(options, out var errors) && errors.Count > 0 ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Skip;
    }
}
