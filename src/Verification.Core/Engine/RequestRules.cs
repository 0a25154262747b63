using System.Globalization;

namespace Verification;

/// <summary>
/// The input rules of the three operations, checked before anything else runs: which fields a send needs and how
/// long the free-text fields may be, what a token field and a typed code may look like. Every violation is an
/// <c>invalid_argument</c> naming the field; nothing here touches a store or a clock.
/// </summary>
internal static class RequestRules
{
    /// <summary>The longest <c>captcha_token</c> accepted.</summary>
    public const int MaxCaptchaTokenLength = 4096;

    /// <summary>The longest <c>device_id</c> or <c>Idempotency-Key</c> accepted.</summary>
    public const int MaxContextFieldLength = 128;

    /// <summary>The longest <c>verification_code</c> input accepted (spaces included).</summary>
    public const int MaxCodeInputLength = 32;

    /// <summary>The shape of a send: known enums, exactly one contact, a sane captcha token and context fields.</summary>
    public static VerificationError? CheckSend(VerificationRequest? request, VerificationContext? context)
    {
        if (request is null)
        {
            return VerificationError.InvalidArgument("phone_number", VerificationErrorReasons.Missing, "The request is missing.");
        }

        if (!Enum.IsDefined(request.Target))
        {
            return VerificationError.InvalidArgument("target", VerificationErrorReasons.UnknownValue, "target must be ANY, USER or NOT_USER.");
        }

        if ((CheckUsage(request.Usage) ?? CheckOneContact(request.PhoneNumber, request.Email)) is { } invalid)
        {
            return invalid;
        }

        if (request.CaptchaToken is { } captcha && (captcha.Length > MaxCaptchaTokenLength || TextRules.HasControlCharacters(captcha)))
        {
            return VerificationError.InvalidArgument("captcha_token", captcha.Length > MaxCaptchaTokenLength ? VerificationErrorReasons.TooLong : VerificationErrorReasons.ControlCharacters, "The captcha token is not valid.");
        }

        return CheckContextField(context?.DeviceId, "device_id") ?? CheckContextField(context?.IdempotencyKey, "idempotency_key");
    }

    /// <summary>A usage, when given, is one of the documented ones.</summary>
    public static VerificationError? CheckUsage(VerificationUsage? usage) =>
        usage is { } value && !Enum.IsDefined(value)
            ? VerificationError.InvalidArgument("usage", VerificationErrorReasons.UnknownValue, "usage must be REGISTER, SIGN_IN, PASSWORD_RESET, EMAIL_ADDRESS_CHANGE or PHONE_NUMBER_CHANGE.")
            : null;

    /// <summary>Exactly one of a phone number and an email is given.</summary>
    public static VerificationError? CheckOneContact(string? phoneNumber, string? email)
    {
        var phone = !string.IsNullOrWhiteSpace(phoneNumber);
        return phone == !string.IsNullOrWhiteSpace(email)
            ? VerificationError.InvalidArgument(phone ? "email" : "phone_number", VerificationErrorReasons.ExactlyOneContact, "Give exactly one of phone_number and email.")
            : null;
    }

    /// <summary>A token field (<c>verification_id</c>, <c>verification_token</c>) is present and not longer than a token can be.</summary>
    public static VerificationError? CheckToken(string? token, string field)
    {
        if (string.IsNullOrEmpty(token))
        {
            return VerificationError.InvalidArgument(field, VerificationErrorReasons.Missing, $"{field} is required.");
        }

        return token.Length > TokenService.MaxTokenLength
            ? VerificationError.InvalidArgument(field, VerificationErrorReasons.TooLong, $"{field} is longer than {TokenService.MaxTokenLength} characters.")
            : null;
    }

    /// <summary>Accepts 4–10 decimal digits in any script (full-width too), with surrounding spaces; yields ASCII digits.</summary>
    public static bool TryNormalizeCode(string? input, out string code, out VerificationError? error)
    {
        code = string.Empty;
        const string field = "verification_code";
        if (string.IsNullOrWhiteSpace(input))
        {
            error = VerificationError.InvalidArgument(field, VerificationErrorReasons.Missing, "verification_code is required.");
            return false;
        }

        if (input.Length > MaxCodeInputLength)
        {
            error = VerificationError.InvalidArgument(field, VerificationErrorReasons.TooLong, "verification_code is too long.");
            return false;
        }

        var trimmed = input.AsSpan().Trim();
        Span<char> digits = stackalloc char[MaxCodeInputLength];
        var count = 0;
        foreach (var c in trimmed)
        {
            var value = CharUnicodeInfo.GetDecimalDigitValue(c);
            if (value < 0 || CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.DecimalDigitNumber)
            {
                error = VerificationError.InvalidArgument(field, VerificationErrorReasons.Malformed, "verification_code must be the digits that were sent.");
                return false;
            }

            digits[count++] = (char)('0' + value);
        }

        if (count is < 4 or > 10)
        {
            error = VerificationError.InvalidArgument(field, VerificationErrorReasons.Malformed, "verification_code must be 4 to 10 digits.");
            return false;
        }

        code = new string(digits[..count]);
        error = null;
        return true;
    }

    private static VerificationError? CheckContextField(string? value, string field)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length > MaxContextFieldLength)
        {
            return VerificationError.InvalidArgument(field, VerificationErrorReasons.TooLong, $"{field} is longer than {MaxContextFieldLength} characters.");
        }

        return TextRules.HasControlCharacters(value)
            ? VerificationError.InvalidArgument(field, VerificationErrorReasons.ControlCharacters, $"{field} contains control characters.")
            : null;
    }
}
