namespace Verification;

/// <summary>
/// A check of a code by the contact it was sent to (no verification id), as ASP.NET Core Identity's token providers
/// and Twilio Verify's <c>To</c> + <c>Code</c> checks work. Exactly one of <see cref="PhoneNumber"/> and
/// <see cref="Email"/> must be set, in any spelling that the send accepted.
/// </summary>
/// <param name="PhoneNumber">The phone number the code was sent to, with its country code.</param>
/// <param name="Email">The email address the code was sent to.</param>
/// <param name="Usage">The usage the code was sent for; a code sent for another usage does not match it.</param>
/// <param name="VerificationCode">The digits the person received.</param>
public sealed record CodeCheckRequest(
    string? PhoneNumber,
    string? Email,
    VerificationUsage? Usage,
    string? VerificationCode)
{
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("PhoneNumber = ").Append(PhoneNumber)
            .Append(", Email = ").Append(Email)
            .Append(", Usage = ").Append(Usage)
            .Append(", VerificationCode = ").Append(VerificationCode is null ? "null" : "***");
        return true;
    }
}
