using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Verification.Extensions;

/// <summary>
/// In the <c>Development</c> environment, and only there, turns on the ephemeral key when no key is configured, so
/// that a new app works before any key is set (the engine logs its usual warning about ephemeral keys).
/// </summary>
internal sealed class DevelopmentEphemeralKey(IHostEnvironment? environment = null) : IPostConfigureOptions<VerificationOptions>
{
    public void PostConfigure(string? name, VerificationOptions options)
    {
        if (environment is not null && environment.IsDevelopment()
            && options.Tokens is { } tokens && (tokens.SigningKeys is null || tokens.SigningKeys.Count == 0) && string.IsNullOrEmpty(tokens.HashKey))
        {
            tokens.AllowEphemeralKey = true;
        }
    }
}

/// <summary>Start-up warnings about set-ups that work but are probably not what the app wants.</summary>
internal sealed class StartupWarnings(IServiceProvider services, IOptions<VerificationOptions> options, ILogger<StartupWarnings>? logger = null) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (logger is null)
        {
            return Task.CompletedTask;
        }

        var value = options.Value;
        if (value.PickupDirectory is null && !services.GetServices<ISmsSender>().Any() && !services.GetServices<IEmailSender>().Any())
        {
            Log.NoSender(logger);
        }

        var realKeys = value.Tokens.SigningKeys.Count > 0 || !string.IsNullOrEmpty(value.Tokens.HashKey);
        if (realKeys && string.Equals(value.ProjectId, VerificationOptions.DefaultProjectId, StringComparison.Ordinal))
        {
            Log.ImplicitProjectId(logger, VerificationOptions.DefaultProjectId);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
