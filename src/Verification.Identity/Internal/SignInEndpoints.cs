using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Verification.AspNetCore;
using static Verification.Identity.SignInErrors;

namespace Verification.Identity;

/// <summary>
/// The handlers behind <c>MapVerificationSignIn&lt;TUser&gt;()</c>: CloudBase's sign-up, sign-in, token refresh and
/// user/me over Identity. A verification token is checked against the call (contact and usage) and the account
/// (exists or not, may sign in) before it is redeemed, so a refused request leaves it usable; it is redeemed once.
/// </summary>
internal sealed class SignInEndpoints<TUser>(IVerificationService verification, IOptions<IdentityVerificationOptions> options, ILogger logger)
    where TUser : class, new()
{
    /// <summary>The claim that holds the display name given at sign-up (<c>name</c>).</summary>
    public const string NameClaimType = "name";


    public Task SignUpAsync(HttpContext context) => GuardAsync(context, async (services, cancellationToken) =>
    {
        var body = await VerificationRequestBody.ReadAsync(context.Request, IdentityJsonContext.Default.SignUpBody, cancellationToken).ConfigureAwait(false);
        if (!body.Succeeded)
        {
            return body.Error;
        }

        var (phone, email, token, name, password) = (body.Value.PhoneNumber, body.Value.Email, body.Value.VerificationToken, body.Value.Name, body.Value.Password);
        var hasPhone = !string.IsNullOrWhiteSpace(phone);
        if (hasPhone && !string.IsNullOrWhiteSpace(email))
        {
            return InvalidArgument("email", VerificationErrorReasons.ExactlyOneContact, "Give at most one of phone_number and email: the one the verification token proves.");
        }

        if ((CheckToken(token) ?? CheckPassword(password, options.Value.AllowPasswords) ?? CheckName(name)) is { } invalid)
        {
            return invalid;
        }

        var expected = hasPhone ? phone : email;
        var checkedToken = await verification.ValidateVerificationTokenAsync(token!, VerificationUsage.Register, expected, cancellationToken).ConfigureAwait(false);
        if (!checkedToken.Succeeded)
        {
            return checkedToken.Error;
        }

        var contact = checkedToken.Value;
        var users = services.GetRequiredService<UserManager<TUser>>();
        if ((await UserLookup<TUser>.FindAsync(services, users, contact.Channel, contact.Contact, cancellationToken).ConfigureAwait(false)).Count > 0)
        {
            return AlreadyExists(contact);
        }

        var user = new TUser();
        await UserContacts<TUser>.SetContactAsync(services.GetRequiredService<IUserStore<TUser>>(), user, contact, cancellationToken).ConfigureAwait(false);
        if (await UserContacts<TUser>.ValidateAsync(users, user, password, contact).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var redeemed = await verification.RedeemVerificationTokenAsync(token!, VerificationUsage.Register, expected, cancellationToken).ConfigureAwait(false);
        if (!redeemed.Succeeded)
        {
            return redeemed.Error;
        }

        var created = password is null
            ? await users.CreateAsync(user).ConfigureAwait(false)
            : await users.CreateAsync(user, password).ConfigureAwait(false);
        if (!created.Succeeded)
        {
            // Only a sign-up racing another one for the same contact gets here (everything else was checked before the redeem).
            return From(created.Errors, contact);
        }

        if (!string.IsNullOrWhiteSpace(name) && users.SupportsUserClaim)
        {
            await users.AddClaimAsync(user, new Claim(NameClaimType, name.Trim())).ConfigureAwait(false);
        }

        Log.SignedUp(logger, contact.Channel);
        return await IssueAsync(services, user).ConfigureAwait(false);
    });

    public Task SignInAsync(HttpContext context) => GuardAsync(context, async (services, cancellationToken) =>
    {
        var body = await VerificationRequestBody.ReadAsync(context.Request, IdentityJsonContext.Default.SignInBody, cancellationToken).ConfigureAwait(false);
        if (!body.Succeeded)
        {
            return body.Error;
        }

        var (username, password, token) = (body.Value.Username, body.Value.Password, body.Value.VerificationToken);
        if (!string.IsNullOrEmpty(token))
        {
            return password is null
                ? await SignInWithTokenAsync(services, token, username, cancellationToken).ConfigureAwait(false)
                : InvalidArgument("password", VerificationErrorReasons.Malformed, "Give a verification_token or a password, not both.");
        }

        if (!options.Value.AllowPasswords)
        {
            return InvalidArgument("verification_token", VerificationErrorReasons.Missing, "verification_token is required: this app signs in with verification codes only.");
        }

        return await SignInWithPasswordAsync(services, username, password, cancellationToken).ConfigureAwait(false);
    });

    public Task RefreshAsync(HttpContext context) => GuardAsync(context, async (services, cancellationToken) =>
    {
        var body = await VerificationRequestBody.ReadAsync(context.Request, IdentityJsonContext.Default.TokenBody, cancellationToken).ConfigureAwait(false);
        if (!body.Succeeded)
        {
            return body.Error;
        }

        var (grantType, refreshToken) = (body.Value.GrantType, body.Value.RefreshToken);
        if (!string.Equals(grantType, "refresh_token", StringComparison.Ordinal))
        {
            return InvalidArgument("grant_type", grantType is null ? VerificationErrorReasons.Missing : VerificationErrorReasons.UnknownValue, "grant_type must be refresh_token.");
        }

        if (string.IsNullOrEmpty(refreshToken))
        {
            return InvalidArgument("refresh_token", VerificationErrorReasons.Missing, "refresh_token is required.");
        }

        var signIn = services.GetRequiredService<SignInManager<TUser>>();
        var user = await BearerCredentials.RedeemRefreshTokenAsync(services, signIn, refreshToken).ConfigureAwait(false);
        if (user is null)
        {
            return Unauthenticated("The refresh token is forged, expired or revoked; sign in again.");
        }

        return await signIn.UserManager.IsLockedOutAsync(user).ConfigureAwait(false) || !await signIn.CanSignInAsync(user).ConfigureAwait(false)
            ? Blocked()
            : await IssueAsync(services, user).ConfigureAwait(false);
    });

    public Task UserMeAsync(HttpContext context) => GuardAsync(context, async (services, _) =>
    {
        var principal = await BearerCredentials.AuthenticateAsync(context, options.Value.UseCookies).ConfigureAwait(false);
        var users = services.GetRequiredService<UserManager<TUser>>();
        if (principal is null || await users.GetUserAsync(principal).ConfigureAwait(false) is not { } user)
        {
            context.Response.Headers.WWWAuthenticate = BearerCredentials.TokenType;
            return Unauthenticated("Sign in first: send the access token as Authorization: Bearer <access_token>.");
        }

        var name = users.SupportsUserClaim
            ? (await users.GetClaimsAsync(user).ConfigureAwait(false)).FirstOrDefault(c => c.Type == NameClaimType)?.Value
            : null;
        return Results.Json(
            new UserInfoBody(
                await users.GetUserIdAsync(user).ConfigureAwait(false),
                await users.GetUserNameAsync(user).ConfigureAwait(false),
                name,
                users.SupportsUserPhoneNumber ? await users.GetPhoneNumberAsync(user).ConfigureAwait(false) : null,
                users.SupportsUserEmail ? await users.GetEmailAsync(user).ConfigureAwait(false) : null),
            IdentityJsonContext.Default.UserInfoBody);
    });

    private async Task<object> SignInWithTokenAsync(IServiceProvider services, string token, string? username, CancellationToken cancellationToken)
    {
        var checkedToken = await verification.ValidateVerificationTokenAsync(token, VerificationUsage.SignIn, username, cancellationToken).ConfigureAwait(false);
        if (!checkedToken.Succeeded)
        {
            return checkedToken.Error;
        }

        var contact = checkedToken.Value;
        var users = services.GetRequiredService<UserManager<TUser>>();
        var found = await UserLookup<TUser>.FindAsync(services, users, contact.Channel, contact.Contact, cancellationToken).ConfigureAwait(false);
        if (found.Count == 0)
        {
            return new VerificationError(VerificationErrorCodes.UserNotFound, "No account exists for this contact; sign up instead.") { Field = FieldOf(contact) };
        }

        if (found.Count > 1)
        {
            return new VerificationError(VerificationErrorCodes.FailedPrecondition, "Several accounts hold this contact, so a code cannot choose one; sign in with a password or ask support.") { Field = FieldOf(contact) };
        }

        var user = found[0];
        if (await users.IsLockedOutAsync(user).ConfigureAwait(false))
        {
            return Blocked();
        }

        var confirmed = contact.Channel == VerificationChannel.Sms
            ? await users.IsPhoneNumberConfirmedAsync(user).ConfigureAwait(false)
            : await users.IsEmailConfirmedAsync(user).ConfigureAwait(false);
        if (!confirmed && await users.HasPasswordAsync(user).ConfigureAwait(false))
        {
            // Someone typed this contact into an account with a password and never proved it: a code for the
            // contact must not hand that account (and its password holder) to the contact's owner, nor the reverse.
            return new VerificationError(VerificationErrorCodes.FailedPrecondition, "The account's contact is not confirmed; sign in with its password and confirm the contact first.")
            {
                Field = FieldOf(contact),
                Reason = VerificationErrorReasons.UnconfirmedContact,
            };
        }

        var redeemed = await verification.RedeemVerificationTokenAsync(token, VerificationUsage.SignIn, username, cancellationToken).ConfigureAwait(false);
        if (!redeemed.Succeeded)
        {
            return redeemed.Error;
        }

        if (!confirmed)
        {
            // The code just proved the contact of a passwordless account.
            await UserContacts<TUser>.ConfirmAsync(services.GetRequiredService<IUserStore<TUser>>(), user, contact.Channel, cancellationToken).ConfigureAwait(false);
            await users.UpdateAsync(user).ConfigureAwait(false);
        }

        if (!await services.GetRequiredService<SignInManager<TUser>>().CanSignInAsync(user).ConfigureAwait(false))
        {
            return Blocked();
        }

        Log.SignedIn(logger, contact.Channel);
        return await IssueAsync(services, user).ConfigureAwait(false);
    }

    private async Task<object> SignInWithPasswordAsync(IServiceProvider services, string? username, string? password, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(username) || username.Length > MaxNameLength)
        {
            return InvalidArgument("username", string.IsNullOrWhiteSpace(username) ? VerificationErrorReasons.Missing : VerificationErrorReasons.TooLong, "username is required (at most 128 characters).");
        }

        if (string.IsNullOrEmpty(password) || password.Length > MaxPasswordLength)
        {
            return InvalidArgument("password", string.IsNullOrEmpty(password) ? VerificationErrorReasons.Missing : VerificationErrorReasons.TooLong, "password is required (at most 256 characters).");
        }

        var signIn = services.GetRequiredService<SignInManager<TUser>>();
        var users = signIn.UserManager;
        var name = username.Trim();
        var user = await users.FindByNameAsync(name).ConfigureAwait(false)
            ?? (name.Contains('@', StringComparison.Ordinal) && users.SupportsUserEmail ? await users.FindByEmailAsync(name).ConfigureAwait(false) : null);
        if (user is null)
        {
            return InvalidPassword();
        }

        if (await users.GetTwoFactorEnabledAsync(user).ConfigureAwait(false))
        {
            return new VerificationError(VerificationErrorCodes.FailedPrecondition, "This account has two-factor sign-in: sign in with a verification code.") { Field = "password" };
        }

        var result = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true).ConfigureAwait(false);
        if (result.IsLockedOut || result.IsNotAllowed)
        {
            return Blocked();
        }

        if (!result.Succeeded)
        {
            return InvalidPassword();
        }

        Log.SignedInWithPassword(logger);
        return await IssueAsync(services, user).ConfigureAwait(false);
    }

    /// <summary>Signs the user in: bearer credentials in the body, or (<see cref="IdentityVerificationOptions.UseCookies"/>) Identity's cookie.</summary>
    private async Task<object> IssueAsync(IServiceProvider services, TUser user)
    {
        var signIn = services.GetRequiredService<SignInManager<TUser>>();
        if (options.Value.UseCookies)
        {
            await signIn.SignInAsync(user, isPersistent: false).ConfigureAwait(false);
            return Results.Json(new SignedInBody(await signIn.UserManager.GetUserIdAsync(user).ConfigureAwait(false)), IdentityJsonContext.Default.SignedInBody);
        }

        return Results.Json(await BearerCredentials.IssueAsync(services, signIn, user).ConfigureAwait(false), IdentityJsonContext.Default.CredentialsBody);
    }

    /// <summary>
    /// Runs a handler in the request's scope and writes its answer: an <see cref="IResult"/>, or a
    /// <see cref="VerificationError"/> as the library's error body. A user store that throws (a database outage)
    /// answers <c>unavailable</c>; nothing escapes as an HTML 500.
    /// </summary>
    private async Task GuardAsync(HttpContext context, Func<IServiceProvider, CancellationToken, Task<object>> handler)
    {
        IResult result;
        try
        {
            var answer = await handler(context.RequestServices, context.RequestAborted).ConfigureAwait(false);
            result = answer as IResult ?? VerificationHttpResults.Error((VerificationError)answer);
        }
        catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
        {
            Log.UserStoreFailed(logger, e);
            result = VerificationHttpResults.Error(new VerificationError(VerificationErrorCodes.Unavailable, "The user store is unavailable; try again later.")
            {
                Reason = VerificationErrorReasons.UserDirectoryUnavailable,
            });
        }

        context.Response.Headers.CacheControl = "no-store";
        await result.ExecuteAsync(context).ConfigureAwait(false);
    }
}
