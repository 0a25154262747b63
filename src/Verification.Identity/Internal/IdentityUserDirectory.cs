using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Verification.Identity;

/// <summary>
/// <see cref="IUserDirectory"/> over <see cref="UserManager{TUser}"/>: an account exists when a user holds the
/// contact, confirmed or not. The engine is a singleton and UserManager is scoped, so each lookup has its own scope.
/// </summary>
internal sealed class IdentityUserDirectory<TUser>(IServiceScopeFactory scopes) : IUserDirectory
    where TUser : class
{
    public async ValueTask<bool> ExistsAsync(VerificationChannel channel, string contact, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contact);
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<TUser>>();
            return (await UserLookup<TUser>.FindAsync(scope.ServiceProvider, users, channel, contact, cancellationToken).ConfigureAwait(false)).Count > 0;
        }
    }
}
