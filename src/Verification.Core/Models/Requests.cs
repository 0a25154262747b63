using System.Text.Json.Serialization;

namespace Verification;

/// <summary>
/// A request to send a one-time code: the body of <c>POST /auth/v1/verification</c>.
/// Exactly one of <see cref="PhoneNumber"/> and <see cref="Email"/> must be set.
/// </summary>
/// <param name="PhoneNumber">The phone number with its country code, for example <c>"+86 15588665555"</c>.</param>
/// <param name="Email">The email address.</param>
/// <param name="Target">Whether the contact must (not) belong to an account; <see cref="VerificationTarget.Any"/> by default.</param>
/// <param name="Usage">What the code is for; picks the template and is bound into the tokens.</param>
/// <param name="CaptchaToken">
/// A captcha token (the <c>x-captcha-token</c> header on the wire), checked by the registered
/// <see cref="ICaptchaValidator"/> and needed once a soft limit answers <c>captcha_required</c>.
/// </param>
public sealed record VerificationRequest(
    [property: JsonPropertyName("phone_number")] string? PhoneNumber = null,
    [property: JsonPropertyName("email")] string? Email = null,
    [property: JsonPropertyName("target")] VerificationTarget Target = VerificationTarget.Any,
    [property: JsonPropertyName("usage")] VerificationUsage? Usage = null,
    [property: JsonIgnore] string? CaptchaToken = null)
{
    // Records print every member; keep the captcha token out of logs and exception messages.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("PhoneNumber = ").Append(PhoneNumber)
            .Append(", Email = ").Append(Email)
            .Append(", Target = ").Append(Target)
            .Append(", Usage = ").Append(Usage)
            .Append(", CaptchaToken = ").Append(CaptchaToken is null ? "null" : "***");
        return true;
    }
}

/// <summary>A request to check a code: the body of <c>POST /auth/v1/verification/verify</c>.</summary>
/// <param name="VerificationId">The <c>verification_id</c> returned when the code was sent.</param>
/// <param name="VerificationCode">The digits the person received, as a string (leading zeros count).</param>
public sealed record VerifyRequest(
    [property: JsonPropertyName("verification_id")] string? VerificationId,
    [property: JsonPropertyName("verification_code")] string? VerificationCode)
{
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("VerificationId = ").Append(VerificationId is null ? "null" : "***")
            .Append(", VerificationCode = ").Append(VerificationCode is null ? "null" : "***");
        return true;
    }
}

/// <summary>
/// Facts about the caller that the host knows and the request body does not carry. Every member is optional.
/// </summary>
/// <remarks>
/// Hosts behind a reverse proxy set <see cref="ClientIp"/> from what their forwarded-headers configuration
/// trusts; the library never reads <c>X-Forwarded-For</c> itself.
/// </remarks>
public sealed record VerificationContext
{
    /// <summary>The caller's IP address, as the host determined it; used for per-IP limits.</summary>
    public System.Net.IPAddress? ClientIp { get; init; }

    /// <summary>A device identifier (the <c>x-device-id</c> header); used for per-device limits. At most 128 characters.</summary>
    public string? DeviceId { get; init; }

    /// <summary>The culture of the message sent (from <c>Accept-Language</c>); the configured default when null.</summary>
    public System.Globalization.CultureInfo? Culture { get; init; }

    /// <summary>The <c>Idempotency-Key</c> of the request. At most 128 characters.</summary>
    public string? IdempotencyKey { get; init; }
}
