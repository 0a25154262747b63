using System.Text.Json.Serialization;

namespace Verification;

/// <summary>The answer to a successful send: the 200 body of <c>POST /auth/v1/verification</c>.</summary>
/// <param name="VerificationId">A signed token naming the pending code; pass it back with the code to verify.</param>
/// <param name="ExpiresIn">Seconds until the code expires.</param>
/// <param name="IsUser">
/// Whether an account exists for the contact; <see langword="null"/> (and left out of the JSON) when no
/// <see cref="IUserDirectory"/> is registered or <see cref="VerificationOptions.IncludeIsUser"/> is off.
/// </param>
public sealed record VerificationResponse(
    [property: JsonPropertyName("verification_id")] string VerificationId,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    [property: JsonPropertyName("is_user"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? IsUser = null)
{
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("VerificationId = ***, ExpiresIn = ").Append(ExpiresIn).Append(", IsUser = ").Append(IsUser);
        return true;
    }
}

/// <summary>The answer to a correct code: the 200 body of <c>POST /auth/v1/verification/verify</c>.</summary>
/// <param name="VerificationToken">
/// A signed, single-use token proving control of the contact; the host's sign-up or sign-in endpoint redeems it
/// with <see cref="IVerificationService.RedeemVerificationTokenAsync"/>.
/// </param>
/// <param name="ExpiresIn">Seconds until the token expires.</param>
public sealed record VerifyResponse(
    [property: JsonPropertyName("verification_token")] string VerificationToken,
    [property: JsonPropertyName("expires_in")] int ExpiresIn)
{
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("VerificationToken = ***, ExpiresIn = ").Append(ExpiresIn);
        return true;
    }
}

/// <summary>What a redeemed verification token proves: who controls which contact, for what purpose.</summary>
/// <param name="Channel">Whether <see cref="Contact"/> is a phone number or an email address.</param>
/// <param name="Contact">
/// The normalized contact: a phone number in E.164 (<c>+8615588665555</c>) or an email address with its domain
/// lower-cased and IDN-encoded (the local part as given).
/// </param>
/// <param name="Usage">The usage the code was sent for, if any.</param>
public sealed record VerifiedContact(
    [property: JsonPropertyName("channel")] VerificationChannel Channel,
    [property: JsonPropertyName("contact")] string Contact,
    [property: JsonPropertyName("usage"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] VerificationUsage? Usage)
{
    /// <summary>The phone number in E.164 when <see cref="Channel"/> is <see cref="VerificationChannel.Sms"/>; otherwise null.</summary>
    [JsonIgnore]
    public string? PhoneNumber => Channel == VerificationChannel.Sms ? Contact : null;

    /// <summary>The email address when <see cref="Channel"/> is <see cref="VerificationChannel.Email"/>; otherwise null.</summary>
    [JsonIgnore]
    public string? Email => Channel == VerificationChannel.Email ? Contact : null;
}
