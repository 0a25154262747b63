namespace Verification;

/// <summary>Message wording (<c>Verification:Messages</c>).</summary>
public sealed class MessageOptions
{
    /// <summary>The product name the built-in templates mention, for example <c>"Contoso"</c>.</summary>
    /// <value>Default null (not mentioned). At most 64 characters.</value>
    public string? ProductName { get; set; }

    /// <summary>The culture of messages when the request names none: <c>"en"</c> or <c>"zh-CN"</c> (any culture name).</summary>
    /// <value>Default <c>"en"</c>.</value>
    public string DefaultCulture { get; set; } = "en";

    /// <summary>
    /// The host of the site that reads codes with the WebOTP API (<c>navigator.credentials.get({otp})</c>), for example
    /// <c>"app.example.com"</c>: every SMS then ends with the line <c>@app.example.com #123456</c>.
    /// </summary>
    /// <value>Default null (no WebOTP line). A host name only: no scheme, port or path.</value>
    public string? WebOtpHost { get; set; }

    /// <summary>
    /// The 11-character hash of the Android app that reads codes with the SMS Retriever API, for example
    /// <c>"FA+9qCX9VSu"</c>: every SMS then carries it on a line of its own.
    /// </summary>
    /// <value>Default null (no app hash).</value>
    public string? AndroidAppHash { get; set; }
}
