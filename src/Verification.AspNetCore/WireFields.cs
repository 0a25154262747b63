namespace Verification.AspNetCore;

/// <summary>
/// The wire names of the request and error fields: the one place they are spelled. The success bodies are Core's
/// records, whose names their own <c>JsonPropertyName</c> attributes give; the target and usage values are the
/// enums' <c>JsonStringEnumMemberName</c>s (see <see cref="WireValues"/>).
/// </summary>
internal static class WireFields
{
    public const string PhoneNumber = "phone_number";
    public const string Email = "email";
    public const string Target = "target";
    public const string Usage = "usage";
    public const string VerificationId = "verification_id";
    public const string VerificationCode = "verification_code";
    public const string Token = "token";
    public const string Key = "key";
    public const string Body = "body";

    public const string Error = "error";
    public const string ErrorCode = "error_code";
    public const string ErrorDescription = "error_description";
    public const string Details = "details";
    public const string Field = "field";
    public const string Reason = "reason";
    public const string RetryAfter = "retry_after";
    public const string AttemptsRemaining = "attempts_remaining";
}
