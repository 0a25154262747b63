using System.Globalization;

namespace Verification;

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
    /// <summary>The host of the WebOTP line of an SMS (<c>Verification:Messages:WebOtpHost</c>), if configured.</summary>
    public string? WebOtpHost { get; init; }

    /// <summary>The Android SMS Retriever app hash an SMS carries (<c>Verification:Messages:AndroidAppHash</c>), if configured.</summary>
    public string? AndroidAppHash { get; init; }

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
