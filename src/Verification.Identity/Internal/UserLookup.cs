using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Verification.Identity;

/// <summary>Finds users by a verified contact: emails through Identity's normalizer, phone numbers in E.164.</summary>
internal static class UserLookup<TUser>
    where TUser : class
{
    private static readonly Func<string, Expression<Func<TUser, bool>>>? PhoneEquals = BuildPhoneEquals();

    /// <summary>The users holding the contact (at most two are read: two already mean "ambiguous").</summary>
    public static async Task<IReadOnlyList<TUser>> FindAsync(IServiceProvider services, UserManager<TUser> users, VerificationChannel channel, string contact, CancellationToken cancellationToken)
    {
        if (channel == VerificationChannel.Email)
        {
            return await users.FindByEmailAsync(contact).ConfigureAwait(false) is { } user ? [user] : [];
        }

        if (services.GetService<IUserPhoneNumberLookup<TUser>>() is { } lookup)
        {
            return await lookup.FindByPhoneNumberAsync(contact, cancellationToken).ConfigureAwait(false);
        }

        if (!users.SupportsQueryableUsers || PhoneEquals is null)
        {
            throw new InvalidOperationException(
                $"Finding {typeof(TUser).Name} users by phone number needs a queryable user store (IQueryableUserStore<{typeof(TUser).Name}>) and a string PhoneNumber property, " +
                $"or a registered IUserPhoneNumberLookup<{typeof(TUser).Name}>.");
        }

        var query = users.Users.Where(PhoneEquals(contact)).Take(2);
        var found = new List<TUser>(2);
        if (query is IAsyncEnumerable<TUser> asynchronous)
        {
            await foreach (var user in asynchronous.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                found.Add(user);
            }
        }
        else
        {
            found.AddRange(query);
        }

        return found;
    }

    /// <summary>
    /// <c>u =&gt; u.PhoneNumber == phone</c> for user types with a string <c>PhoneNumber</c> (IdentityUser has one),
    /// with the number read from a closure so that query providers send it as a parameter.
    /// </summary>
    [UnconditionalSuppressMessage("Trimming", "IL2090", Justification = "Identity's own stores read and write the PhoneNumber property, so it is kept; were it trimmed away, the lookup would refuse with the message naming IUserPhoneNumberLookup rather than answer wrongly.")]
    private static Func<string, Expression<Func<TUser, bool>>>? BuildPhoneEquals()
    {
        var property = typeof(TUser).GetProperty("PhoneNumber");
        if (property is null || property.PropertyType != typeof(string) || !property.CanRead)
        {
            return null;
        }

        return phone =>
        {
            var holder = new PhoneHolder(phone);
            var user = Expression.Parameter(typeof(TUser), "u");
            var value = Expression.Property(Expression.Constant(holder), HolderValue);
            return Expression.Lambda<Func<TUser, bool>>(Expression.Equal(Expression.Property(user, property), value), user);
        };
    }

    private static readonly System.Reflection.PropertyInfo HolderValue = typeof(PhoneHolder).GetProperty(nameof(PhoneHolder.Value))!;

    private sealed class PhoneHolder(string value)
    {
        public string Value { get; } = value;
    }
}
