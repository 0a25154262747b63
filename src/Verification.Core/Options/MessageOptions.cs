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
}
