using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Verification;
using Verification.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the documented verification API.</summary>
public static class VerificationEndpointRouteBuilderExtensions
{
    private const string Tag = "Verification";
    private const string Json = "application/json";

    /// <summary>How many mappings each app (its services) made per tenant key, for unique operation ids.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IServiceProvider, Dictionary<string, int>> Mappings = new();

    /// <summary>
    /// Maps <c>POST {prefix}/verification</c> (send a code) and <c>POST {prefix}/verification/verify</c> (check it)
    /// onto <see cref="IVerificationService"/>, and, when the built-in image captcha is registered
    /// (<c>UseImageCaptcha()</c>), <c>POST {prefix}/captcha/data</c> and <c>POST {prefix}/captcha/data/verify</c>; each
    /// with its OpenAPI description, JSON errors (a JSON 405 with <c>Allow</c> for another method) and the
    /// endpoints' CORS policy. The prefix is <c>/auth/v1</c> unless <c>Verification:Http:RoutePrefix</c>,
    /// <c>Configure&lt;VerificationEndpointOptions&gt;</c> or a <c>configure</c> callback says otherwise (in that order
    /// of precedence). Other paths under the prefix belong to the app.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <returns>The route group, for conventions (rate limiting, authorization) and for the app's own endpoints under the prefix.</returns>
    /// <remarks>
    /// The client IP is <c>HttpContext.Connection.RemoteIpAddress</c>. Behind a reverse proxy, configure ASP.NET
    /// Core's forwarded-headers middleware (<c>app.UseForwardedHeaders()</c>) with the proxies you trust; the
    /// library never reads <c>X-Forwarded-For</c> itself.
    /// </remarks>
    public static RouteGroupBuilder MapVerificationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return Map(endpoints, routePrefix: null, serviceKey: null, configure: null);
    }

    /// <summary>Maps the endpoints as <see cref="MapVerificationEndpoints(IEndpointRouteBuilder)"/> does, with <paramref name="configure"/> adjusting the options last.</summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="configure">Adjusts the options after configuration and <c>Configure&lt;VerificationEndpointOptions&gt;</c>.</param>
    /// <returns>The route group.</returns>
    public static RouteGroupBuilder MapVerificationEndpoints(this IEndpointRouteBuilder endpoints, Action<VerificationEndpointOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return Map(endpoints, routePrefix: null, serviceKey: null, configure);
    }

    /// <summary>
    /// Maps the same endpoints at <paramref name="routePrefix"/>, onto the <see cref="IVerificationService"/>
    /// registered with <paramref name="serviceKey"/> (its keyed <see cref="IImageCaptcha"/> serves the captcha
    /// endpoints), so that one host serves several projects, each with its own keys, senders and limits. For
    /// example <c>app.MapVerificationEndpoints("/tenant-a/auth/v1", serviceKey: "tenant-a")</c>.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="routePrefix">The prefix of these endpoints, for example <c>"/tenant-a/auth/v1"</c>.</param>
    /// <param name="serviceKey">The key of the services to use; null for the unkeyed ones.</param>
    /// <param name="configure">Adjusts the options, last.</param>
    /// <returns>The route group.</returns>
    public static RouteGroupBuilder MapVerificationEndpoints(this IEndpointRouteBuilder endpoints, string routePrefix, object? serviceKey = null, Action<VerificationEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(routePrefix);
        return Map(endpoints, routePrefix, serviceKey, configure);
    }

    private static RouteGroupBuilder Map(IEndpointRouteBuilder endpoints, string? routePrefix, object? serviceKey, Action<VerificationEndpointOptions>? configure)
    {
        var services = endpoints.ServiceProvider;
        var options = VerificationEndpointOptionsFactory.Create(services, routePrefix, configure);
        var handlers = new VerificationEndpoints(
            serviceKey is null ? services.GetRequiredService<IVerificationService>() : services.GetRequiredKeyedService<IVerificationService>(serviceKey),
            serviceKey is null ? services.GetService<IImageCaptcha>() : services.GetKeyedService<IImageCaptcha>(serviceKey),
            services.GetService<ILoggerFactory>()?.CreateLogger("Verification.AspNetCore") ?? NullLogger.Instance);

        var prefix = options.RoutePrefix.TrimEnd('/');
        var tenant = serviceKey is null ? null : Convert.ToString(serviceKey, System.Globalization.CultureInfo.InvariantCulture);
        var group = endpoints.MapGroup(prefix)
            .WithTags(tenant is null ? Tag : $"{Tag} ({tenant})")
            .WithMetadata(new VerificationEndpointMetadata(options.ErrorFormat));
        var operations = new Operations(group, options.ErrorFormat, OperationIdSuffix(services, tenant));

        // Lambdas with a CancellationToken, so that they are route handlers (described to OpenAPI, and compiled by the
        // Request Delegate Generator) rather than plain RequestDelegates; they return the IResult to write.
        operations.Describe(group.MapPost("/verification", (HttpContext context, CancellationToken _) => handlers.SendAsync(context)),
            "/verification", "SendVerification", "Send a one-time code",
            "Sends a code by SMS or email to exactly one of phone_number and email, and answers the verification_id to check it with.",
            typeof(SendVerificationBody), typeof(VerificationResponse), [400, 404, 409, 429, 500, 503]);
        operations.Describe(group.MapPost("/verification/verify", (HttpContext context, CancellationToken _) => handlers.VerifyAsync(context)),
            "/verification/verify", "VerifyVerification", "Check a one-time code",
            "Checks verification_code against verification_id and answers a single-use verification_token that the app's own endpoints redeem.",
            typeof(VerifyVerificationBody), typeof(VerifyResponse), [400, 429, 500, 503]);
        if (handlers.HasImageCaptcha)
        {
            operations.Describe(group.MapPost("/captcha/data", (HttpContext context, CancellationToken _) => handlers.CaptchaDataAsync(context)),
                "/captcha/data", "CreateCaptcha", "Get an image captcha challenge",
                "Answers a picture (data URL) and the token of its challenge; the body is ignored.",
                requestType: null, typeof(CaptchaChallenge), [429, 500, 503]);
            operations.Describe(group.MapPost("/captcha/data/verify", (HttpContext context, CancellationToken _) => handlers.CaptchaVerifyAsync(context)),
                "/captcha/data/verify", "VerifyCaptcha", "Solve an image captcha challenge",
                "Checks the key read from the picture and answers the captcha_token that a send carries in x-captcha-token.",
                typeof(CaptchaVerifyBody), typeof(CaptchaSolution), [400, 429, 500, 503]);
        }

        VerificationCors.Apply(endpoints, group, options, routePrefix is null && serviceKey is null
            ? VerificationEndpointOptions.CorsPolicyName
            : $"{VerificationEndpointOptions.CorsPolicyName}:{prefix}");
        if (options.JsonNotFound)
        {
            UseJsonNotFound(endpoints, prefix);
        }

        return group;
    }

    /// <summary>
    /// What makes this mapping's operation ids (ASP.NET Core endpoint names, which must be unique) its own: the
    /// tenant's key, and a number from the second mapping of the same key on (for example inside another group).
    /// </summary>
    private static string OperationIdSuffix(IServiceProvider services, string? tenant)
    {
        var mappings = Mappings.GetOrCreateValue(services);
        lock (mappings)
        {
            var key = tenant ?? string.Empty;
            var count = mappings[key] = mappings.GetValueOrDefault(key) + 1;
            var suffix = tenant is null ? string.Empty : "_" + tenant;
            return count == 1 ? suffix : $"{suffix}_{count}";
        }
    }

    /// <summary>The opt-in JSON 404: only for requests under the prefix that no endpoint of the app matched.</summary>
    private static void UseJsonNotFound(IEndpointRouteBuilder endpoints, string prefix)
    {
        if (endpoints is not IApplicationBuilder app)
        {
            throw new InvalidOperationException($"{VerificationEndpointOptions.SectionName}:JsonNotFound needs MapVerificationEndpoints to be called on the app itself (WebApplication), not on a route group.");
        }

        app.Use(next => context =>
            context.GetEndpoint() is null && context.Request.Path.StartsWithSegments(prefix)
                ? VerificationEndpoints.NotFoundAsync(context)
                : next(context));
    }

    /// <summary>Describes one POST endpoint to OpenAPI, and maps its JSON 405 for the other methods.</summary>
    private sealed class Operations(RouteGroupBuilder group, VerificationErrorFormat errorFormat, string operationIdSuffix)
    {
        public void Describe(RouteHandlerBuilder endpoint, string pattern, string operationId, string summary, string description, Type? requestType, Type responseType, int[] errorStatuses)
        {
            endpoint
                .WithName(operationId + operationIdSuffix)
                .WithSummary(summary)
                .WithDescription(description)
                .WithDisplayName("Verification: POST " + pattern)
                .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, responseType, [Json]));
            if (requestType is not null)
            {
                // The body's schema, without content types: those would make routing refuse other ones, and the body
                // is read as JSON whatever the Content-Type says (the CloudBase client posts text/plain).
                endpoint.WithMetadata(new AcceptsMetadata([], requestType, isOptional: false));
            }

            foreach (var status in errorStatuses)
            {
                endpoint.WithMetadata(errorFormat == VerificationErrorFormat.ProblemDetails
                    ? new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), ["application/problem+json"])
                    : new ProducesResponseTypeMetadata(status, typeof(VerificationErrorBody), [Json]));
            }

            // Every other method (GET, TRACE, made-up ones…) gets the JSON 405; the order keeps POST first.
            group.Map(pattern, VerificationEndpoints.OtherMethodAsync)
                .WithOrder(1)
                .WithDisplayName("Verification: 405 " + pattern)
                .ExcludeFromDescription();
        }
    }
}
