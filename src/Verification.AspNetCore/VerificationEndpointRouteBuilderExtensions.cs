using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Verification.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the documented verification API.</summary>
public static class VerificationEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>POST {prefix}/verification</c> (send a code) and <c>POST {prefix}/verification/verify</c> (check it)
    /// onto <see cref="Verification.IVerificationService"/>, and, when the built-in image captcha is registered
    /// (<c>UseImageCaptcha()</c>), <c>POST {prefix}/captcha/data</c> and <c>POST {prefix}/captcha/data/verify</c>, with JSON errors for every failure under the prefix
    /// (400, 404, 405, 429, 500, 503…) and CORS for the configured origins. The prefix is <c>/auth/v1</c> unless
    /// <c>Verification:Http:RoutePrefix</c> or <paramref name="configure"/> says otherwise.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="configure">Adjusts the options read from <c>Verification:Http</c>.</param>
    /// <returns>The route group, for conventions such as rate limiting or authorization policies.</returns>
    /// <remarks>
    /// The client IP is <c>HttpContext.Connection.RemoteIpAddress</c>. Behind a reverse proxy, configure ASP.NET
    /// Core's forwarded-headers middleware (<c>app.UseForwardedHeaders()</c>) with the proxies you trust; the
    /// library never reads <c>X-Forwarded-For</c> itself.
    /// </remarks>
    public static RouteGroupBuilder MapVerificationEndpoints(this IEndpointRouteBuilder endpoints, Action<VerificationEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = VerificationEndpoints.ReadOptions(endpoints.ServiceProvider, configure);
        var handlers = new VerificationEndpoints(endpoints.ServiceProvider, options);

        var group = endpoints.MapGroup(options.RoutePrefix.TrimEnd('/'));
        Map(group, "/verification", handlers.SendAsync, handlers);
        Map(group, "/verification/verify", handlers.VerifyAsync, handlers);

        if (handlers.HasImageCaptcha)
        {
            Map(group, "/captcha/data", handlers.CaptchaDataAsync, handlers);
            Map(group, "/captcha/data/verify", handlers.CaptchaVerifyAsync, handlers);
        }

        group.Map("/{**path}", handlers.NotFoundAsync).WithOrder(2).WithDisplayName("Verification: not found");
        return group;
    }

    private static void Map(RouteGroupBuilder group, string pattern, RequestDelegate handler, VerificationEndpoints handlers)
    {
        group.MapPost(pattern, handler).WithDisplayName("Verification: POST " + pattern);
        group.MapMethods(pattern, ["OPTIONS"], handlers.PreflightAsync).WithDisplayName("Verification: OPTIONS " + pattern);

        // Every other method (GET, TRACE, made-up ones…) gets the JSON 405; the order keeps POST and OPTIONS first.
        group.Map(pattern, handlers.MethodNotAllowedAsync).WithOrder(1).WithDisplayName("Verification: 405 " + pattern);
    }
}
