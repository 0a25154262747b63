using System.Text.Json.Serialization;

namespace Verification;

/// <summary>
/// Whether the contact a code is sent to must, must not, or may belong to an existing account
/// (the <c>target</c> field of <c>POST /auth/v1/verification</c>).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<VerificationTarget>))]
public enum VerificationTarget
{
    /// <summary><c>"ANY"</c> (the default): send whether or not an account exists.</summary>
    [JsonStringEnumMemberName("ANY")]
    Any = 0,

    /// <summary><c>"USER"</c>: the account must exist, otherwise <c>user_not_found</c>.</summary>
    [JsonStringEnumMemberName("USER")]
    User = 1,

    /// <summary><c>"NOT_USER"</c>: the account must not exist, otherwise <c>already_exists</c>.</summary>
    [JsonStringEnumMemberName("NOT_USER")]
    NotUser = 2,
}

/// <summary>
/// What the code is for (the <c>usage</c> field). It picks the message template and is bound into the
/// verification id and the verification token, so a code sent for one purpose cannot be redeemed for another.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<VerificationUsage>))]
public enum VerificationUsage
{
    /// <summary><c>"REGISTER"</c>: signing up a new account.</summary>
    [JsonStringEnumMemberName("REGISTER")]
    Register = 1,

    /// <summary><c>"SIGN_IN"</c>: signing in to an existing account.</summary>
    [JsonStringEnumMemberName("SIGN_IN")]
    SignIn = 2,

    /// <summary><c>"PASSWORD_RESET"</c>: resetting a password.</summary>
    [JsonStringEnumMemberName("PASSWORD_RESET")]
    PasswordReset = 3,

    /// <summary><c>"EMAIL_ADDRESS_CHANGE"</c>: proving ownership of a new email address.</summary>
    [JsonStringEnumMemberName("EMAIL_ADDRESS_CHANGE")]
    EmailAddressChange = 4,

    /// <summary><c>"PHONE_NUMBER_CHANGE"</c>: proving ownership of a new phone number.</summary>
    [JsonStringEnumMemberName("PHONE_NUMBER_CHANGE")]
    PhoneNumberChange = 5,
}

/// <summary>The way a code travels to its recipient.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<VerificationChannel>))]
public enum VerificationChannel
{
    /// <summary>A text message to a phone number.</summary>
    [JsonStringEnumMemberName("sms")]
    Sms = 1,

    /// <summary>An email message.</summary>
    [JsonStringEnumMemberName("email")]
    Email = 2,
}
