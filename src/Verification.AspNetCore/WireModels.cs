using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Verification.AspNetCore;

/// <summary>The body of <c>POST {prefix}/verification</c>: exactly one of <c>phone_number</c> and <c>email</c>.</summary>
public sealed record SendVerificationBody
{
    /// <summary>The phone number with its country code, for example <c>"+86 15588665555"</c>.</summary>
    [JsonPropertyName(WireFields.PhoneNumber)]
    [Description("The phone number with its country code, for example \"+86 15588665555\". Exactly one of phone_number and email.")]
    public string? PhoneNumber { get; init; }

    /// <summary>The email address.</summary>
    [JsonPropertyName(WireFields.Email)]
    [Description("The email address. Exactly one of phone_number and email.")]
    public string? Email { get; init; }

    /// <summary><c>ANY</c> (default), <c>USER</c> or <c>NOT_USER</c>.</summary>
    [JsonPropertyName(WireFields.Target)]
    [Description("ANY (default), USER (the account must exist) or NOT_USER (it must not).")]
    public string? Target { get; init; }

    /// <summary><c>REGISTER</c>, <c>SIGN_IN</c>, <c>PASSWORD_RESET</c>, <c>EMAIL_ADDRESS_CHANGE</c> or <c>PHONE_NUMBER_CHANGE</c>.</summary>
    [JsonPropertyName(WireFields.Usage)]
    [Description("REGISTER, SIGN_IN, PASSWORD_RESET, EMAIL_ADDRESS_CHANGE or PHONE_NUMBER_CHANGE; optional.")]
    public string? Usage { get; init; }
}

/// <summary>The body of <c>POST {prefix}/verification/verify</c>.</summary>
public sealed record VerifyVerificationBody
{
    /// <summary>The <c>verification_id</c> the send answered.</summary>
    [JsonPropertyName(WireFields.VerificationId)]
    public string? VerificationId { get; init; }

    /// <summary>The code the user received.</summary>
    [JsonPropertyName(WireFields.VerificationCode)]
    public string? VerificationCode { get; init; }
}

/// <summary>The body of <c>POST {prefix}/captcha/data/verify</c>.</summary>
public sealed record CaptchaVerifyBody
{
    /// <summary>The challenge's <c>token</c>.</summary>
    [JsonPropertyName(WireFields.Token)]
    public string? Token { get; init; }

    /// <summary>The text the user read from the picture.</summary>
    [JsonPropertyName(WireFields.Key)]
    public string? Key { get; init; }
}

/// <summary>Every error answer: <c>{"error", "error_code", "error_description", "details"}</c>.</summary>
/// <param name="Error">The wire code, for example <c>"rate_limit_exceeded"</c>.</param>
/// <param name="ErrorCode">Its stable number, for example 4029.</param>
/// <param name="ErrorDescription">Human-readable text.</param>
/// <param name="Details">Typed details, absent when there are none.</param>
public sealed record VerificationErrorBody(
    [property: JsonPropertyName(WireFields.Error)] string Error,
    [property: JsonPropertyName(WireFields.ErrorCode)] int ErrorCode,
    [property: JsonPropertyName(WireFields.ErrorDescription)] string ErrorDescription,
    [property: JsonPropertyName(WireFields.Details)] VerificationErrorDetails? Details = null)
{
    /// <summary>The body of <paramref name="error"/>.</summary>
    /// <param name="error">The error.</param>
    public static VerificationErrorBody From(VerificationError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new(error.Code, error.Number, error.Description, VerificationErrorDetails.From(error));
    }
}

/// <summary>The <c>details</c> of an error body; each member is absent when it does not apply.</summary>
/// <param name="Field">The offending request field.</param>
/// <param name="Reason">A machine-readable reason (<see cref="VerificationErrorReasons"/>).</param>
/// <param name="RetryAfter">Whole seconds to wait (also the <c>Retry-After</c> header).</param>
/// <param name="AttemptsRemaining">How many more attempts the code allows.</param>
public sealed record VerificationErrorDetails(
    [property: JsonPropertyName(WireFields.Field)] string? Field = null,
    [property: JsonPropertyName(WireFields.Reason)] string? Reason = null,
    [property: JsonPropertyName(WireFields.RetryAfter)] long? RetryAfter = null,
    [property: JsonPropertyName(WireFields.AttemptsRemaining)] int? AttemptsRemaining = null)
{
    /// <summary>The details of <paramref name="error"/>; null when it has none.</summary>
    /// <param name="error">The error.</param>
    public static VerificationErrorDetails? From(VerificationError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Field is null && error.Reason is null && error.RetryAfter is null && error.AttemptsRemaining is null
            ? null
            : new(error.Field, error.Reason, error.RetryAfter is { } wait ? RetryAfterSeconds(wait) : null, error.AttemptsRemaining);
    }

    /// <summary>Whole seconds to wait, rounded up so that a client never retries too early; at least 1.</summary>
    internal static long RetryAfterSeconds(TimeSpan wait) => Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds));
}
