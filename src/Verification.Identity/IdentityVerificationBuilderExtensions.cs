using Microsoft.Extensions.DependencyInjection.Extensions;
using Verification;
using Verification.Identity;
using Verification.Shared;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Connects Verification with ASP.NET Core Identity's users.</summary>
public static class IdentityVerificationBuilderExtensions
{
    /// <summary>
    /// Makes Identity's <see cref="Microsoft.AspNetCore.Identity.UserManager{TUser}"/> the user directory: <c>is_user</c>
    /// and the <c>USER</c> / <c>NOT_USER</c> targets ask whether a user holds the contact — emails through
    /// <c>FindByEmailAsync</c> (Identity's normalizer), phone numbers in E.164 through the queryable user store (or
    /// a registered <see cref="IUserPhoneNumberLookup{TUser}"/>). Binds <see cref="IdentityVerificationOptions"/> from
    /// <c>Verification:Identity</c>. Register Identity itself too (for example <c>AddIdentityApiEndpoints&lt;TUser&gt;()</c>
    /// with a store). Calling it again is harmless.
    /// </summary>
    /// <typeparam name="TUser">The Identity user type.</typeparam>
    /// <param name="builder">The Verification builder.</param>
    /// <param name="configure">Adjusts the options after configuration binding.</param>
    /// <returns>The builder.</returns>
    public static IVerificationBuilder AddIdentityUsers<TUser>(this IVerificationBuilder builder, Action<IdentityVerificationOptions>? configure = null)
        where TUser : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IUserDirectory, IdentityUserDirectory<TUser>>());
        var options = builder.Services.AddOptions<IdentityVerificationOptions>();
        if (!builder.Services.Any(d => d.ServiceType == typeof(IdentitySectionMarker)))
        {
            builder.Services.AddSingleton<IdentitySectionMarker>();
            OptionsBinding.BindAppSection<IdentityVerificationOptions>(builder.Services, IdentityVerificationOptions.SectionName, static (section, o) =>
            {
                o.AllowPasswords = section.Bool(nameof(IdentityVerificationOptions.AllowPasswords)) ?? o.AllowPasswords;
                o.UseCookies = section.Bool(nameof(IdentityVerificationOptions.UseCookies)) ?? o.UseCookies;
            });
            options.ValidateOnStart();
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        return builder;
    }

    private sealed class IdentitySectionMarker;
}
