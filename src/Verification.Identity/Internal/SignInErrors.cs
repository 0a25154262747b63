using Microsoft.AspNetCore.Identity;

namespace Verification.Identity;

/// <summary>The input rules of the sign-in endpoints and the errors they answer.</summary>
internal static class SignInErrors
{
    public const int MaxNameLength = 128;
    public const int MaxPasswordLength = 256;

    public static VerificationError InvalidArgument(string field, string reason, string description) =>
        new(VerificationErrorCodes.InvalidArgument, description) { Field = field, Reason = reason };

    public static VerificationError? CheckToken(string? token) =>
        string.IsNullOrEmpty(token) ? InvalidArgument("verification_token", VerificationErrorReasons.Missing, "verification_token is required.") : null;

    public static VerificationError? CheckPassword(string? password, bool allowPasswords)
    {
        if (password is null)
        {
            return null;
        }

        if (!allowPasswords)
        {
            return InvalidArgument("password", VerificationErrorReasons.UnknownValue, "This app does not use passwords: sign up with the verification token alone.");
        }

        return password.Length > MaxPasswordLength
            ? InvalidArgument("password", VerificationErrorReasons.TooLong, $"password is longer than {MaxPasswordLength} characters.")
            : null;
    }

    public static VerificationError? CheckName(string? name)
    {
        if (name is null)
        {
            return null;
        }

        if (name.Length > MaxNameLength)
        {
            return InvalidArgument("name", VerificationErrorReasons.TooLong, $"name is longer than {MaxNameLength} characters.");
        }

        return name.Any(char.IsControl)
            ? InvalidArgument("name", VerificationErrorReasons.ControlCharacters, "name contains control characters.")
            : null;
    }

    /// <summary>Identity's refusal of a new user: a duplicate is <c>already_exists</c>, anything else <c>invalid_argument</c> naming the field.</summary>
    public static VerificationError From(IEnumerable<IdentityError> errors, VerifiedContact contact)
    {
        var list = errors.ToList();
        var describer = new IdentityErrorDescriber();
        if (list.Any(e => e.Code is nameof(describer.DuplicateUserName) or nameof(describer.DuplicateEmail)))
        {
            return AlreadyExists(contact);
        }

        var password = list.Any(e => e.Code.StartsWith("Password", StringComparison.Ordinal));
        return InvalidArgument(
            password ? "password" : FieldOf(contact),
            VerificationErrorReasons.Malformed,
            string.Join(" ", list.Select(e => e.Description)));
    }

    public static string FieldOf(VerifiedContact contact) => contact.Channel == VerificationChannel.Sms ? "phone_number" : "email";

    public static VerificationError AlreadyExists(VerifiedContact contact) =>
        new(VerificationErrorCodes.AlreadyExists, "An account already exists for this contact; sign in instead.") { Field = FieldOf(contact) };

    public static VerificationError Blocked() =>
        new(VerificationErrorCodes.UserBlocked, "This account cannot sign in now (locked out or not allowed).");

    public static VerificationError InvalidPassword() =>
        new(VerificationErrorCodes.InvalidPassword, "The user name or the password is wrong.") { Field = "password" };

    public static VerificationError Unauthenticated(string description) =>
        new(VerificationErrorCodes.Unauthenticated, description);
}
