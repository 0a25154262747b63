using Microsoft.AspNetCore.Identity;

namespace Verification.Identity;

/// <summary>What sign-up writes into the user store, and Identity's validation of it before a token is redeemed.</summary>
internal static class UserContacts<TUser>
    where TUser : class
{
    /// <summary>The verified contact as the user name and as the confirmed phone number or email.</summary>
    public static async Task SetContactAsync(IUserStore<TUser> store, TUser user, VerifiedContact contact, CancellationToken cancellationToken)
    {
        await store.SetUserNameAsync(user, contact.Contact, cancellationToken).ConfigureAwait(false);
        if (contact.Channel == VerificationChannel.Sms)
        {
            await PhoneStore(store).SetPhoneNumberAsync(user, contact.Contact, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await EmailStore(store).SetEmailAsync(user, contact.Contact, cancellationToken).ConfigureAwait(false);
        }

        await ConfirmAsync(store, user, contact.Channel, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Marks the phone number or the email confirmed (the caller saves the user).</summary>
    public static Task ConfirmAsync(IUserStore<TUser> store, TUser user, VerificationChannel channel, CancellationToken cancellationToken) =>
        channel == VerificationChannel.Sms
            ? PhoneStore(store).SetPhoneNumberConfirmedAsync(user, true, cancellationToken)
            : EmailStore(store).SetEmailConfirmedAsync(user, true, cancellationToken);

    /// <summary>Runs Identity's user and password validators, as CreateAsync will, before the token is redeemed.</summary>
    public static async Task<VerificationError?> ValidateAsync(UserManager<TUser> users, TUser user, string? password, VerifiedContact contact)
    {
        var errors = new List<IdentityError>();
        foreach (var validator in users.UserValidators)
        {
            errors.AddRange((await validator.ValidateAsync(users, user).ConfigureAwait(false)).Errors);
        }

        if (password is not null)
        {
            foreach (var validator in users.PasswordValidators)
            {
                errors.AddRange((await validator.ValidateAsync(users, user, password).ConfigureAwait(false)).Errors);
            }
        }

        return errors.Count == 0 ? null : SignInErrors.From(errors, contact);
    }

    private static IUserPhoneNumberStore<TUser> PhoneStore(IUserStore<TUser> store) =>
        store as IUserPhoneNumberStore<TUser>
        ?? throw new NotSupportedException($"Signing up by phone number needs a user store with phone numbers (IUserPhoneNumberStore<{typeof(TUser).Name}>); {store.GetType().Name} is not one.");

    private static IUserEmailStore<TUser> EmailStore(IUserStore<TUser> store) =>
        store as IUserEmailStore<TUser>
        ?? throw new NotSupportedException($"Signing up by email needs a user store with emails (IUserEmailStore<{typeof(TUser).Name}>); {store.GetType().Name} is not one.");
}
