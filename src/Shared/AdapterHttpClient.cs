using Microsoft.Extensions.DependencyInjection;

namespace Verification.Shared;

/// <summary>The named <see cref="HttpClient"/> of every HTTP provider adapter (Twilio, Tencent Cloud, captcha siteverify).</summary>
internal static class AdapterHttpClient
{
    /// <summary>
    /// Adds the named client of an HTTP provider: no redirects (a redirect would drop the POST body or re-send the
    /// credentials elsewhere), none of the factory's loggers (at Trace they put raw request headers, credentials
    /// included, into the structured state; the adapter logs its own outcomes), and no retrying handler added by
    /// the app for every client (<c>ConfigureHttpClientDefaults(b => b.AddStandardResilienceHandler())</c>): the
    /// library decides when a delivery is tried again, and an SMS whose fate is unknown is never re-sent.
    /// </summary>
    public static IHttpClientBuilder Add(IServiceCollection services, string name) =>
        services.AddHttpClient(name)
            .ConfigurePrimaryHttpMessageHandler(static () => new SocketsHttpHandler { AllowAutoRedirect = false })
            .RemoveAllLoggers()
            .ConfigureAdditionalHttpMessageHandlers(static (handlers, _) => RemoveRetryingHandlers(handlers));

    /// <summary>
    /// The handlers that retry, hedge or time out on their own and so would repeat a provider request:
    /// Microsoft.Extensions.Http.Resilience (standard resilience, hedging, custom pipelines) and
    /// Microsoft.Extensions.Http.Polly. Matched by type name, so that no package of Verification depends on them.
    /// </summary>
    internal static bool IsRetryingHandler(DelegatingHandler handler)
    {
        for (var type = handler.GetType(); type is not null && type != typeof(DelegatingHandler); type = type.BaseType)
        {
            if (type.FullName is "Microsoft.Extensions.Http.Resilience.ResilienceHandler" or "Microsoft.Extensions.Http.PolicyHttpMessageHandler")
            {
                return true;
            }
        }

        return false;
    }

    private static void RemoveRetryingHandlers(IList<DelegatingHandler> handlers)
    {
        for (var i = handlers.Count - 1; i >= 0; i--)
        {
            if (IsRetryingHandler(handlers[i]))
            {
                handlers.RemoveAt(i);
            }
        }
    }
}
