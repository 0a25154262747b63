using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Verification;
using Verification.AspNetCore;
using Verification.Identity;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps CloudBase's sign-up, sign-in, token refresh and user/me endpoints over ASP.NET Core Identity.</summary>
public static class VerificationSignInEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps, under the same prefix as <c>MapVerificationEndpoints()</c> (<c>/auth/v1</c> unless
    /// <c>Verification:Http:RoutePrefix</c> or <paramref name="configure"/> says otherwise):
    /// <c>POST {prefix}/signup</c> (<c>verification_token</c>, optional <c>phone_number</c> or <c>email</c>,
    /// <c>name</c>, <c>password</c>), <c>POST {prefix}/signin</c> (<c>verification_token</c> with an optional
    /// <c>username</c>, or <c>username</c> + <c>password</c> when <see cref="IdentityVerificationOptions.AllowPasswords"/>),
    /// <c>POST {prefix}/token</c> (<c>grant_type=refresh_token</c>, <c>refresh_token</c>) and <c>GET {prefix}/user/me</c>.
    /// Sign-up, sign-in and refresh answer CloudBase's credentials (<c>token_type</c>, <c>access_token</c>,
    /// <c>refresh_token</c>, <c>expires_in</c>, <c>sub</c>) issued through Identity's bearer-token scheme
    /// (<see cref="IdentityConstants.BearerScheme"/>), so the app's <c>[Authorize]</c> endpoints accept them; errors
    /// are the library's JSON error body.
    /// </summary>
    /// <typeparam name="TUser">The Identity user type.</typeparam>
    /// <param name="endpoints">The app.</param>
    /// <param name="configure">Adjusts the HTTP options read from <c>Verification:Http</c> (the route prefix).</param>
    /// <returns>The route group, for conventions such as CORS or rate limiting.</returns>
    /// <exception cref="InvalidOperationException">Identity's bearer-token scheme or Verification is not registered.</exception>
    public static RouteGroupBuilder MapVerificationSignIn<TUser>(this IEndpointRouteBuilder endpoints, Action<VerificationEndpointOptions>? configure = null)
        where TUser : class, new()
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        var identity = services.GetService<IOptions<IdentityVerificationOptions>>() ?? Microsoft.Extensions.Options.Options.Create(new IdentityVerificationOptions());
        var scheme = identity.Value.UseCookies ? IdentityConstants.ApplicationScheme : IdentityConstants.BearerScheme;
        if (!BearerCredentials.IsRegistered(services, scheme))
        {
            throw new InvalidOperationException(
                $"MapVerificationSignIn<{typeof(TUser).Name}>() signs users in with ASP.NET Core Identity's scheme '{scheme}', which is not registered. " +
                $"Call services.AddIdentityApiEndpoints<{typeof(TUser).Name}>() (or AddIdentityCore<{typeof(TUser).Name}>().AddSignInManager() with AddAuthentication().AddBearerToken(IdentityConstants.BearerScheme), or AddIdentity<{typeof(TUser).Name}, TRole>() for cookies).");
        }

        var verification = services.GetService<IVerificationService>()
            ?? throw new InvalidOperationException("MapVerificationSignIn needs Verification: call services.AddVerification().AddIdentityUsers<TUser>().");
        var options = VerificationEndpointOptionsFactory.Create(services, null, configure);
        if (string.IsNullOrWhiteSpace(options.RoutePrefix) || !options.RoutePrefix.StartsWith('/'))
        {
            throw new InvalidOperationException($"Verification:Http:RoutePrefix '{options.RoutePrefix}' must start with '/', for example \"/auth/v1\".");
        }

        var handlers = new SignInEndpoints<TUser>(
            verification,
            identity,
            services.GetService<ILoggerFactory>()?.CreateLogger("Verification.Identity") ?? NullLogger.Instance);

        var group = endpoints.MapGroup(options.RoutePrefix.TrimEnd('/'));
        group.MapPost("/signup", handlers.SignUpAsync).WithDisplayName("Verification: POST /signup");
        group.MapPost("/signin", handlers.SignInAsync).WithDisplayName("Verification: POST /signin");
        group.MapPost("/token", handlers.RefreshAsync).WithDisplayName("Verification: POST /token");
        group.MapGet("/user/me", handlers.UserMeAsync).WithDisplayName("Verification: GET /user/me");
        return group;
    }
}
