namespace Verification.Captcha;

/// <summary>
/// The <see cref="CaptchaValidationResult.Reason"/> values the siteverify validators give besides the providers'
/// own <c>error-codes</c> (such as <c>invalid-input-response</c> or <c>timeout-or-duplicate</c>), which are passed
/// through as the provider wrote them.
/// </summary>
public static class CaptchaValidationReasons
{
    /// <summary>Invalid: the token was already accepted once by this application.</summary>
    public const string Duplicate = "duplicate";

    /// <summary>Invalid: the token is longer than <see cref="CaptchaSiteverify.MaxTokenLength"/>; the provider was not called.</summary>
    public const string TokenTooLong = "token_too_long";

    /// <summary>Invalid: the token is empty or holds control characters; the provider was not called.</summary>
    public const string MalformedToken = "malformed_token";

    /// <summary>Invalid: the provider answered <c>success: false</c> without an error code.</summary>
    public const string Refused = "refused";

    /// <summary>Invalid: reCAPTCHA v3 scored the request below <see cref="CaptchaOptions.MinimumScore"/>.</summary>
    public const string LowScore = "low_score";

    /// <summary>Invalid: a reCAPTCHA v3 answer carried no score (a v2 key used as v3?).</summary>
    public const string MissingScore = "missing_score";

    /// <summary>Invalid: the answer's action is not <see cref="CaptchaOptions.ExpectedAction"/>.</summary>
    public const string ActionMismatch = "action_mismatch";

    /// <summary>Invalid: the answer's host name is not one of <see cref="CaptchaOptions.ExpectedHostnames"/>.</summary>
    public const string HostnameMismatch = "hostname_mismatch";

    /// <summary>Unavailable: the provider did not answer within <see cref="CaptchaOptions.Timeout"/>.</summary>
    public const string Timeout = "timeout";

    /// <summary>Unavailable: the provider could not be reached (DNS, connection refused or reset, TLS).</summary>
    public const string NetworkError = "network_error";

    /// <summary>Unavailable: the provider answered with a status other than 2xx (redirects are not followed).</summary>
    public const string HttpError = "http_error";

    /// <summary>Unavailable: the answer is not JSON, is malformed or lacks a boolean <c>success</c>.</summary>
    public const string MalformedResponse = "malformed_response";

    /// <summary>Unavailable: the answer is larger than 64 KiB.</summary>
    public const string ResponseTooLarge = "response_too_large";

    /// <summary>Unavailable: the token was accepted but could not be marked used, because the code store failed.</summary>
    public const string StoreUnavailable = "store_unavailable";
}
