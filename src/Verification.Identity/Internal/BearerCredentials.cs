using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Verification.Identity;

/// <summary>
/// Issues and refreshes credentials with Identity's bearer-token scheme (<see cref="IdentityConstants.BearerScheme"/>):
/// the same protected tickets its <c>BearerTokenHandler</c> writes on sign-in and accepts on every request, so
/// <c>[Authorize]</c> endpoints of the app accept the access token. Only the body differs: CloudBase's snake_case
/// credentials with <c>sub</c>, instead of the handler's camelCase <c>AccessTokenResponse</c>.
/// </summary>
internal static class BearerCredentials
{
    public const string TokenType = "Bearer";

    public static async Task<CredentialsBody> IssueAsync<TUser>(IServiceProvider services, SignInManager<TUser> signIn, TUser user)
        where TUser : class
    {
        var principal = await signIn.CreateUserPrincipalAsync(user).ConfigureAwait(false);
        var options = Options(services);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var access = options.BearerTokenProtector.Protect(new AuthenticationTicket(
            principal,
            new AuthenticationProperties { ExpiresUtc = now + options.BearerTokenExpiration },
            IdentityConstants.BearerScheme + ":AccessToken"));
        var refresh = options.RefreshTokenProtector.Protect(new AuthenticationTicket(
            principal,
            new AuthenticationProperties { ExpiresUtc = now + options.RefreshTokenExpiration },
            IdentityConstants.BearerScheme + ":RefreshToken"));
        var sub = await signIn.UserManager.GetUserIdAsync(user).ConfigureAwait(false);
        return new CredentialsBody(TokenType, access, refresh, (long)options.BearerTokenExpiration.TotalSeconds, sub);
    }

    /// <summary>
    /// The user a refresh token names, when it is genuine, unexpired and the user's security stamp still matches
    /// (as Identity's own <c>/refresh</c> endpoint checks); otherwise null.
    /// </summary>
    public static async Task<TUser?> RedeemRefreshTokenAsync<TUser>(IServiceProvider services, SignInManager<TUser> signIn, string refreshToken)
        where TUser : class
    {
        var ticket = Options(services).RefreshTokenProtector.Unprotect(refreshToken);
        if (ticket?.Properties.ExpiresUtc is not { } expiresUtc || services.GetRequiredService<TimeProvider>().GetUtcNow() >= expiresUtc)
        {
            return null;
        }

        return await signIn.ValidateSecurityStampAsync(ticket.Principal).ConfigureAwait(false);
    }

    /// <summary>The signed-in user of a request carrying an access token of the bearer scheme (or, with <paramref name="cookies"/>, Identity's cookie), or null.</summary>
    public static async Task<ClaimsPrincipal?> AuthenticateAsync(Microsoft.AspNetCore.Http.HttpContext context, bool cookies)
    {
        var result = await context.AuthenticateAsync(cookies ? IdentityConstants.ApplicationScheme : IdentityConstants.BearerScheme).ConfigureAwait(false);
        return result.Succeeded ? result.Principal : null;
    }

    /// <summary>Whether the app registered the authentication scheme <paramref name="scheme"/>.</summary>
    public static bool IsRegistered(IServiceProvider services, string scheme) =>
        services.GetService<IOptions<AuthenticationOptions>>()?.Value.Schemes.Any(s => s.Name == scheme) == true;

    private static BearerTokenOptions Options(IServiceProvider services) =>
        services.GetRequiredService<IOptionsMonitor<BearerTokenOptions>>().Get(IdentityConstants.BearerScheme);
}
