using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Verification.Shared;

namespace Verification.AspNetCore;

/// <summary>
/// Creates <see cref="VerificationEndpointOptions"/>: a fresh instance read from <c>Verification:Http</c>, then every
/// <c>Configure</c>/<c>PostConfigure</c> of the app, then validation. Configuration is read when the instance is
/// created, so that it always comes first whatever the order of registration.
/// </summary>
internal sealed class VerificationEndpointOptionsFactory(
    IServiceProvider services,
    IEnumerable<IConfigureOptions<VerificationEndpointOptions>> setups,
    IEnumerable<IPostConfigureOptions<VerificationEndpointOptions>> postConfigures,
    IEnumerable<IValidateOptions<VerificationEndpointOptions>> validations)
    : OptionsFactory<VerificationEndpointOptions>(setups, postConfigures, validations)
{
    private static readonly ConditionalWeakTable<VerificationEndpointOptions, IReadOnlyList<string>> ReadErrors = [];

    /// <summary>The options of a mapping: this pipeline, then the route prefix and callback of the call, validated again.</summary>
    public static VerificationEndpointOptions Create(IServiceProvider services, string? routePrefix, Action<VerificationEndpointOptions>? configure)
    {
        var options = services.GetService<IOptionsFactory<VerificationEndpointOptions>>() is VerificationEndpointOptionsFactory registered
            ? registered.Create(Options.DefaultName)
            : new VerificationEndpointOptionsFactory(
                services,
                services.GetServices<IConfigureOptions<VerificationEndpointOptions>>(),
                services.GetServices<IPostConfigureOptions<VerificationEndpointOptions>>(),
                services.GetServices<IValidateOptions<VerificationEndpointOptions>>()).Create(Options.DefaultName);
        if (routePrefix is not null)
        {
            options.RoutePrefix = routePrefix;
        }

        configure?.Invoke(options);
        if (new VerificationEndpointOptionsValidator().Validate(Options.DefaultName, options) is { Failed: true } failed)
        {
            throw new InvalidOperationException(failed.FailureMessage);
        }

        return options;
    }

    protected override VerificationEndpointOptions CreateInstance(string name)
    {
        var options = base.CreateInstance(name);
        if (services.GetService<IConfiguration>()?.GetSection(VerificationEndpointOptions.SectionName) is { } section)
        {
            var reader = new ConfigurationReader(section, VerificationEndpointOptions.SectionName);
            Read(reader, options);
            if (reader.Errors is { Count: > 0 } errors)
            {
                ReadErrors.AddOrUpdate(options, errors);
            }
        }

        return options;
    }

    /// <summary>What could not be read from <c>Verification:Http</c> into an instance (reported by its validation).</summary>
    internal static IReadOnlyList<string> ErrorsOf(VerificationEndpointOptions options) =>
        ReadErrors.TryGetValue(options, out var errors) ? errors : [];

    /// <summary>Reads <c>Verification:Http</c> strictly: a value that cannot be read and an unknown key are errors naming the key.</summary>
    private static void Read(ConfigurationReader section, VerificationEndpointOptions options)
    {
        options.RoutePrefix = section.String(nameof(options.RoutePrefix)) ?? options.RoutePrefix;
        options.AllowedOrigins = section.StringList(nameof(options.AllowedOrigins)) is { Count: > 0 } origins ? origins : options.AllowedOrigins;
        options.ErrorFormat = section.Enum<VerificationErrorFormat>(nameof(options.ErrorFormat), "error format") ?? options.ErrorFormat;
        options.JsonNotFound = section.Bool(nameof(options.JsonNotFound)) ?? options.JsonNotFound;
    }
}

/// <summary>Refuses options that would map broken endpoints, naming the configuration key.</summary>
internal sealed class VerificationEndpointOptionsValidator : IValidateOptions<VerificationEndpointOptions>
{
    public ValidateOptionsResult Validate(string? name, VerificationEndpointOptions options)
    {
        var failures = new List<string>(VerificationEndpointOptionsFactory.ErrorsOf(options));
        const string key = VerificationEndpointOptions.SectionName;
        if (string.IsNullOrWhiteSpace(options.RoutePrefix) || !options.RoutePrefix.StartsWith('/'))
        {
            failures.Add($"{key}:RoutePrefix '{options.RoutePrefix}' must start with '/', for example \"/auth/v1\".");
        }

        foreach (var origin in options.AllowedOrigins ?? [])
        {
            var trimmed = origin?.Trim() ?? string.Empty;
            if (trimmed != "*" && !(Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            {
                failures.Add($"{key}:AllowedOrigins '{origin}' must be \"*\" or an origin such as \"https://app.example.com\".");
            }
        }

        if (!Enum.IsDefined(options.ErrorFormat))
        {
            failures.Add($"{key}:ErrorFormat must be CloudBase or ProblemDetails.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
