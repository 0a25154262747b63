using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Verification.AspNetCore;

/// <summary>
/// The endpoints' CORS, through ASP.NET Core's own: a named policy from <see cref="VerificationEndpointOptions.AllowedOrigins"/>
/// and the app's default policy (exposing <c>Retry-After</c>), required on the group. When the app runs
/// <c>UseCors()</c> its middleware applies the policy; otherwise a CORS middleware that only handles the library's
/// endpoints runs at the place of <c>MapVerificationEndpoints</c>.
/// </summary>
internal static class VerificationCors
{
    /// <summary>The key ASP.NET Core's CORS middleware sets once it has handled a request's endpoint.</summary>
    private const string CorsMiddlewareInvokedKey = "__CorsMiddlewareWithEndpointInvoked";

    /// <summary>What a preflight that asks for no headers is told it may send: the headers the clients send.</summary>
    private const string DocumentedHeaders = "content-type, x-captcha-token, x-device-id, x-request-id, x-sdk-version, idempotency-key, accept-language";

    public static void Apply(IEndpointRouteBuilder endpoints, RouteGroupBuilder group, VerificationEndpointOptions options, string policyName)
    {
        var services = endpoints.ServiceProvider;
        var appCors = services.GetService<ICorsService>();
        var corsOptions = appCors is not null ? services.GetRequiredService<IOptions<CorsOptions>>().Value : new CorsOptions();
        corsOptions.AddPolicy(policyName, Build(options.AllowedOrigins, corsOptions.GetPolicy(corsOptions.DefaultPolicyName)));

        if (endpoints is not IApplicationBuilder app)
        {
            // Inside another group: only the app's UseCors() can apply the policy, so require it only when the app has CORS.
            if (appCors is not null)
            {
                group.RequireCors(policyName);
            }
            else if (options.AllowedOrigins.Count > 0)
            {
                throw new InvalidOperationException($"{VerificationEndpointOptions.SectionName}:AllowedOrigins needs CORS: call MapVerificationEndpoints on the app itself, or register AddCors() and run app.UseCors().");
            }

            return;
        }

        group.RequireCors(policyName);
        var loggerFactory = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        var cors = appCors ?? new CorsService(Options.Create(corsOptions), loggerFactory);
        var provider = appCors is not null ? services.GetRequiredService<ICorsPolicyProvider>() : new DefaultCorsPolicyProvider(Options.Create(corsOptions));
        app.Use(next =>
        {
            var middleware = new CorsMiddleware(next, cors, loggerFactory);
            return context =>
            {
                if (context.Items.ContainsKey(CorsMiddlewareInvokedKey) || context.GetEndpoint()?.Metadata.GetMetadata<VerificationEndpointMetadata>() is null)
                {
                    return next(context);
                }

                OfferDocumentedHeaders(context);
                return middleware.Invoke(context, provider);
            };
        });
    }

    /// <summary>The library's origins, or the app default policy's, may call; POST with any header; Retry-After readable.</summary>
    internal static CorsPolicy Build(IEnumerable<string> allowedOrigins, CorsPolicy? appDefault)
    {
        var origins = allowedOrigins.Select(o => o.Trim().TrimEnd('/')).Where(o => o.Length > 0).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var builder = new CorsPolicyBuilder()
            .WithMethods(HttpMethods.Post)
            .AllowAnyHeader()
            .WithExposedHeaders([HeaderNames.RetryAfter, .. appDefault?.ExposedHeaders ?? []])
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10));
        if (origins.Contains("*") || appDefault?.AllowAnyOrigin == true)
        {
            return builder.AllowAnyOrigin().Build();
        }

        // A function rather than the list alone, so that answers always carry Vary: Origin (one allowed origin included):
        // a shared cache must not hand one origin's answer to another.
        builder.WithOrigins([.. origins]).SetIsOriginAllowed(origin => origins.Contains(origin) || appDefault?.IsOriginAllowed(origin) == true);
        if (appDefault?.SupportsCredentials == true)
        {
            builder.AllowCredentials();
        }

        return builder.Build();
    }

    /// <summary>A preflight that names no headers still learns which ones it may send, once its origin is allowed.</summary>
    private static void OfferDocumentedHeaders(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsOptions(request.Method) || request.Headers.AccessControlRequestMethod.Count == 0 || request.Headers.AccessControlRequestHeaders.Count > 0)
        {
            return;
        }

        var response = context.Response;
        response.OnStarting(() =>
        {
            if (response.Headers.AccessControlAllowOrigin.Count > 0 && response.Headers.AccessControlAllowHeaders.Count == 0)
            {
                response.Headers.AccessControlAllowHeaders = DocumentedHeaders;
            }

            return Task.CompletedTask;
        });
    }
}
