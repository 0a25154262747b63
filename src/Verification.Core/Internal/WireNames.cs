namespace Verification;

/// <summary>The wire spellings of the enums, for token claims and messages.</summary>
internal static class WireNames
{
    public static string Of(VerificationUsage usage) => usage switch
    {
        VerificationUsage.Register => "REGISTER",
        VerificationUsage.SignIn => "SIGN_IN",
        VerificationUsage.PasswordReset => "PASSWORD_RESET",
        VerificationUsage.EmailAddressChange => "EMAIL_ADDRESS_CHANGE",
        VerificationUsage.PhoneNumberChange => "PHONE_NUMBER_CHANGE",
        _ => throw new ArgumentOutOfRangeException(nameof(usage), usage, null),
    };

    public static bool TryParseUsage(string? value, out VerificationUsage usage)
    {
        usage = value switch
        {
            "REGISTER" => VerificationUsage.Register,
            "SIGN_IN" => VerificationUsage.SignIn,
            "PASSWORD_RESET" => VerificationUsage.PasswordReset,
            "EMAIL_ADDRESS_CHANGE" => VerificationUsage.EmailAddressChange,
            "PHONE_NUMBER_CHANGE" => VerificationUsage.PhoneNumberChange,
            _ => 0,
        };
        return usage != 0;
    }
}
