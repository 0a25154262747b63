using Verification.AspNetCore;

namespace Verification.Samples.WebApi;

/// <summary>
/// Readiness on a port of its own. <c>GET /healthz</c> runs the store's check and every configured provider's probe
/// (cached, but still credentialed calls to Twilio, Tencent Cloud, the SMTP server, siteverify), so the sample answers
/// it only on the management endpoint <c>Sample:ManagementUrl</c> — by default <c>http://127.0.0.1:5081</c>, loopback
/// only — and never on the public endpoints; the management endpoint answers nothing but <c>/healthz</c> and
/// <c>/ping</c>. In a container, bind it to every interface (<c>http://0.0.0.0:5081</c>) for the orchestrator's probes
/// and do not publish that port; set it empty to serve no readiness at all. Liveness, <c>GET /ping</c>, runs no check
/// and is public.
/// </summary>
/// <remarks>
/// The endpoint is told by the port the connection arrived on (<see cref="ConnectionInfo.LocalPort"/>), not by the
/// <c>Host</c> header: <c>RequireHost("*:5081")</c> alone would serve readiness on the public port to anyone who
/// sends <c>Host: x:5081</c>.
/// </remarks>
internal static class ManagementEndpoint
{
    /// <summary>The setting that names the management endpoint's URL.</summary>
    public const string Setting = "Sample:ManagementUrl";

    /// <summary>
    /// Adds <c>Sample:ManagementUrl</c> to the URLs the server listens on; returns its port, or null when the setting
    /// is empty (no readiness endpoint). Throws at start when it names no explicit port or the port of a public URL.
    /// </summary>
    public static int? AddManagementEndpoint(this WebApplicationBuilder builder)
    {
        var management = builder.Configuration[Setting];
        if (string.IsNullOrWhiteSpace(management))
        {
            return null;
        }

        var port = BindingAddress.Parse(management.Trim()).Port;
        if (port is <= 0 or > 65535)
        {
            throw new InvalidOperationException($"{Setting} must name an explicit port, for example http://127.0.0.1:5081 (it was '{management}').");
        }

        string[] publicUrls = PublicUrls(builder.Configuration);
        if (publicUrls.Any(url => BindingAddress.Parse(url).Port == port))
        {
            throw new InvalidOperationException($"{Setting} must use a port of its own; {port} is also a public URL's ({string.Join(';', publicUrls)}).");
        }

        builder.WebHost.UseUrls([.. publicUrls, management.Trim()]);
        return port;
    }

    /// <summary>Answers 404 for <c>/healthz</c> on a public endpoint, and for anything but <c>/healthz</c> and <c>/ping</c> on the management endpoint.</summary>
    public static void UseManagementEndpoint(this WebApplication app, int? managementPort) =>
        app.Use((context, next) =>
        {
            var onManagement = managementPort is { } port && context.Connection.LocalPort == port;
            var path = context.Request.Path;
            var readiness = path.Equals("/healthz", StringComparison.OrdinalIgnoreCase);
            var liveness = path.Equals("/ping", StringComparison.OrdinalIgnoreCase);
            return (readiness ? !onManagement : onManagement && !liveness)
                ? VerificationHttpResults.NotFound().ExecuteAsync(context)
                : next(context);
        });

    /// <summary>The URLs the host would listen on without the management endpoint (<c>urls</c>, else <c>http_ports</c>, else Kestrel's default).</summary>
    private static string[] PublicUrls(IConfiguration configuration)
    {
        if (configuration["urls"] is { Length: > 0 } urls)
        {
            return urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        if (configuration["http_ports"] is { Length: > 0 } ports)
        {
            return [.. ports.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => "http://*:" + p)];
        }

        return ["http://localhost:5000"];
    }
}
