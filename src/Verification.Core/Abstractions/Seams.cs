using System.Globalization;

namespace Verification;

/// <summary>
/// The host's answer to "does an account exist for this contact?". It drives <c>is_user</c> and the
/// <c>USER</c> / <c>NOT_USER</c> targets. Without one, <c>is_user</c> is left out and those targets answer
/// <c>failed_precondition</c>.
/// </summary>
public interface IUserDirectory
{
    /// <summary>Whether an account exists for the contact.</summary>
    /// <param name="channel">Whether <paramref name="contact"/> is a phone number or an email address.</param>
    /// <param name="contact">The normalized contact (E.164 phone number or normalized email, as in <see cref="VerifiedContact.Contact"/>).</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    ValueTask<bool> ExistsAsync(VerificationChannel channel, string contact, CancellationToken cancellationToken = default);
}

/// <summary>Checks captcha tokens (an image-captcha token, Turnstile, hCaptcha, reCAPTCHA…).</summary>
public interface ICaptchaValidator
{
    /// <summary>Checks one captcha token. A token must be accepted once only.</summary>
    /// <param name="captchaToken">The token the client presented.</param>
    /// <param name="context">The caller's context (its IP is forwarded to providers that want it).</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    ValueTask<CaptchaValidationResult> ValidateAsync(string captchaToken, VerificationContext? context, CancellationToken cancellationToken = default);
}

/// <summary>The outcome of a captcha check.</summary>
public enum CaptchaValidationStatus
{
    /// <summary>The token is valid; soft limits are waived for this request.</summary>
    Valid = 0,

    /// <summary>The token is forged, expired or used; the request answers <c>captcha_invalid</c>.</summary>
    Invalid = 1,

    /// <summary>The provider could not be reached; the request fails closed with <c>unavailable</c>.</summary>
    Unavailable = 2,
}

/// <summary>The outcome of a captcha check.</summary>
/// <param name="Status">Valid, invalid or unavailable.</param>
/// <param name="Reason">A short machine-readable reason for logs and <c>details.reason</c>.</param>
public readonly record struct CaptchaValidationResult(CaptchaValidationStatus Status, string? Reason = null);

/// <summary>Renders the text of verification messages. Replace it to use your own wording.</summary>
public interface IVerificationMessageRenderer
{
    /// <summary>Renders one message.</summary>
    /// <param name="context">The channel, code, lifetime, usage and culture.</param>
    /// <returns>The subject (email only), the text body and the HTML body (email only).</returns>
    RenderedMessage Render(MessageRenderContext context);
}

/// <summary>What a message is rendered from.</summary>
/// <param name="Channel">SMS or email.</param>
/// <param name="Code">The code.</param>
/// <param name="Lifetime">How long the code stays valid.</param>
/// <param name="Usage">What the code is for.</param>
/// <param name="Culture">The culture to write in.</param>
/// <param name="ProductName">The configured product name (<c>Verification:Messages:ProductName</c>), if any.</param>
public sealed record MessageRenderContext(
    VerificationChannel Channel,
    string Code,
    TimeSpan Lifetime,
    VerificationUsage? Usage,
    CultureInfo Culture,
    string? ProductName)
{
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Channel = ").Append(Channel).Append(", Code = ***, Usage = ").Append(Usage)
            .Append(", Culture = ").Append(Culture.Name);
        return true;
    }
}

/// <summary>A rendered message.</summary>
/// <param name="Subject">The email subject; null for SMS.</param>
/// <param name="Body">The plain-text body.</param>
/// <param name="HtmlBody">The HTML body of an email; null for SMS.</param>
public sealed record RenderedMessage(string? Subject, string Body, string? HtmlBody);
