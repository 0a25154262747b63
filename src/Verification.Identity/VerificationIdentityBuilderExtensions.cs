using Microsoft.AspNetCore.Identity;
using Verification.Identity;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="VerificationTokenProvider{TUser}"/> with ASP.NET Core Identity.</summary>
public static class VerificationIdentityBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="VerificationTokenProvider{TUser}"/> under <see cref="VerificationTokenProvider.ProviderName"/>
    /// and makes it Identity's phone-number change provider (<c>TokenOptions.ChangePhoneNumberTokenProvider</c>).
    /// Two-factor sign-in uses it through <c>SignInManager.TwoFactorSignInAsync("Verification", code, …)</c>; for
    /// email changes or confirmation set <c>TokenOptions.ChangeEmailTokenProvider</c> or
    /// <c>EmailConfirmationTokenProvider</c> to the same name. Needs <c>services.AddVerification()</c> with senders.
    /// </summary>
    /// <param name="builder">The Identity builder.</param>
    /// <returns>The builder.</returns>
    public static IdentityBuilder AddVerificationTokenProvider(this IdentityBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddTokenProvider(VerificationTokenProvider.ProviderName, typeof(VerificationTokenProvider<>).MakeGenericType(builder.UserType));
        builder.Services.Configure<IdentityOptions>(static o => o.Tokens.ChangePhoneNumberTokenProvider = VerificationTokenProvider.ProviderName);
        return builder;
    }
}
