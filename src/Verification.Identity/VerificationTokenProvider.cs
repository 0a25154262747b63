using Microsoft.AspNetCore.Identity;

namespace Verification.Identity;

/// <summary>The name <see cref="VerificationTokenProvider{TUser}"/> is registered under: <c>"Verification"</c>.</summary>
public static class VerificationTokenProvider
{
    /// <summary>The provider name, for <c>TokenOptions.ChangePhoneNumberTokenProvider</c> and two-factor sign-in.</summary>
    public const string ProviderName = "Verification";
}

/// <summary>
/// An <see cref="IUserTwoFactorTokenProvider{TUser}"/> on Verification's engine: codes that are single use, limited
/// to <c>Verification:Code:MaxAttempts</c> attempts, guarded by the resend cooldown and the other send limits,
/// delivered by the registered SMS and email senders — instead of Identity's TOTP codes, which stay valid for their
/// whole window, can be replayed and have no attempt limit.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="GenerateAsync"/> sends the code itself and returns an empty string: there is nothing for the app to
/// deliver. A send that the engine refuses (cooldown, limits, a channel without a sender) throws
/// <see cref="VerificationRefusedException"/> with the error. <see cref="ValidateAsync"/> checks the code with
/// <see cref="IVerificationService.CheckCodeAsync"/>: the newest live code of that contact for that purpose.
/// </para>
/// <para>
/// The contact: for <c>ChangePhoneNumber:&lt;number&gt;</c> the new number, for <c>ChangeEmail:&lt;email&gt;</c> the
/// new address, for <c>EmailConfirmation</c> the user's email; otherwise the user's confirmed phone number, or else
/// the user's confirmed email. The purpose picks the usage bound into the code: two-factor sign-in
/// <c>SIGN_IN</c>, phone and email changes <c>PHONE_NUMBER_CHANGE</c> / <c>EMAIL_ADDRESS_CHANGE</c>, password
/// reset <c>PASSWORD_RESET</c>, email confirmation <c>REGISTER</c>; a code sent for one purpose does not validate
/// for another.
/// </para>
/// </remarks>
/// <typeparam name="TUser">The Identity user type.</typeparam>
/// <param name="verification">The engine.</param>
public sealed class VerificationTokenProvider<TUser>(IVerificationService verification) : IUserTwoFactorTokenProvider<TUser>
    where TUser : class
{
    private const string ChangePhoneNumberPurpose = "ChangePhoneNumber:";
    private const string ChangeEmailPurpose = "ChangeEmail:";

    /// <inheritdoc />
    public async Task<string> GenerateAsync(string purpose, UserManager<TUser> manager, TUser user)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(user);
        var (phone, email) = await ContactAsync(purpose, manager, user).ConfigureAwait(false);
        if (phone is null && email is null)
        {
            throw new InvalidOperationException($"The user has no confirmed phone number or email to send a '{purpose}' code to; check CanGenerateTwoFactorTokenAsync first.");
        }

        var sent = await verification.SendAsync(new VerificationRequest(phone, email, Usage: UsageOf(purpose))).ConfigureAwait(false);
        return sent.Succeeded ? string.Empty : throw new VerificationRefusedException(sent.Error);
    }

    /// <inheritdoc />
    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<TUser> manager, TUser user)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(user);
        var (phone, email) = await ContactAsync(purpose, manager, user).ConfigureAwait(false);
        if ((phone is null && email is null) || string.IsNullOrWhiteSpace(token))
        {
            return false;
        }

        var checkedCode = await verification.CheckCodeAsync(new CodeCheckRequest(phone, email, UsageOf(purpose), token)).ConfigureAwait(false);
        return checkedCode.Succeeded;
    }

    /// <summary>True when the user has a confirmed phone number or a confirmed email to send codes to.</summary>
    /// <param name="manager">The user manager.</param>
    /// <param name="user">The user.</param>
    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<TUser> manager, TUser user)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(user);
        return await ConfirmedPhoneAsync(manager, user).ConfigureAwait(false) is not null
            || await ConfirmedEmailAsync(manager, user).ConfigureAwait(false) is not null;
    }

    private static async Task<(string? Phone, string? Email)> ContactAsync(string purpose, UserManager<TUser> manager, TUser user)
    {
        if (purpose.StartsWith(ChangePhoneNumberPurpose, StringComparison.Ordinal))
        {
            return (purpose[ChangePhoneNumberPurpose.Length..], null);
        }

        if (purpose.StartsWith(ChangeEmailPurpose, StringComparison.Ordinal))
        {
            return (null, purpose[ChangeEmailPurpose.Length..]);
        }

        if (purpose == UserManager<TUser>.ConfirmEmailTokenPurpose)
        {
            return (null, manager.SupportsUserEmail ? await manager.GetEmailAsync(user).ConfigureAwait(false) : null);
        }

        return await ConfirmedPhoneAsync(manager, user).ConfigureAwait(false) is { } phone
            ? (phone, null)
            : (null, await ConfirmedEmailAsync(manager, user).ConfigureAwait(false));
    }

    private static async Task<string?> ConfirmedPhoneAsync(UserManager<TUser> manager, TUser user) =>
        manager.SupportsUserPhoneNumber
        && await manager.GetPhoneNumberAsync(user).ConfigureAwait(false) is { Length: > 0 } phone
        && await manager.IsPhoneNumberConfirmedAsync(user).ConfigureAwait(false)
            ? phone
            : null;

    private static async Task<string?> ConfirmedEmailAsync(UserManager<TUser> manager, TUser user) =>
        manager.SupportsUserEmail
        && await manager.GetEmailAsync(user).ConfigureAwait(false) is { Length: > 0 } email
        && await manager.IsEmailConfirmedAsync(user).ConfigureAwait(false)
            ? email
            : null;

    private static VerificationUsage? UsageOf(string purpose) => purpose switch
    {
        "TwoFactor" => VerificationUsage.SignIn,
        UserManager<TUser>.ResetPasswordTokenPurpose => VerificationUsage.PasswordReset,
        UserManager<TUser>.ConfirmEmailTokenPurpose => VerificationUsage.Register,
        _ when purpose.StartsWith(ChangePhoneNumberPurpose, StringComparison.Ordinal) => VerificationUsage.PhoneNumberChange,
        _ when purpose.StartsWith(ChangeEmailPurpose, StringComparison.Ordinal) => VerificationUsage.EmailAddressChange,
        _ => null,
    };
}

/// <summary>The engine refused to send a code that <see cref="VerificationTokenProvider{TUser}"/> was asked for.</summary>
public sealed class VerificationRefusedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="error">Why the send was refused (cooldown, a limit, a channel without a sender…).</param>
    public VerificationRefusedException(VerificationError error)
        : base(error?.ToString())
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    /// <summary>Why the send was refused; <see cref="VerificationError.RetryAfter"/> says when to try again.</summary>
    public VerificationError Error { get; }
}
