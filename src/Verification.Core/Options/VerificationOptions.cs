namespace Verification;

/// <summary>
/// Settings of the verification service, bound from the <c>Verification</c> configuration section
/// (environment variables use <c>__</c>: <c>Verification__Code__Length=8</c>). Validated at start; every
/// failure message names the setting to fix.
/// </summary>
public sealed class VerificationOptions
{
    /// <summary>The configuration section the options bind from: <c>"Verification"</c>.</summary>
    public const string SectionName = "Verification";

    /// <summary>
    /// The project id, written into every token as the <c>pj</c> claim; tokens of another project are refused.
    /// </summary>
    /// <value>Default <c>"default"</c>. 1–64 characters.</value>
    public string ProjectId { get; set; } = DefaultProjectId;

    /// <summary>The <see cref="ProjectId"/> of an app that sets none: <c>"default"</c>.</summary>
    public const string DefaultProjectId = "default";

    /// <summary>
    /// A folder where the development pickup-directory sender writes each message as one JSON file. When set,
    /// it delivers every channel that has no other sender registered.
    /// </summary>
    /// <value>Default null (off).</value>
    public string? PickupDirectory { get; set; }

    /// <summary>
    /// Whether send answers carry <c>is_user</c> when an <see cref="IUserDirectory"/> is registered. Turn it off
    /// to stop the send endpoint from telling who has an account.
    /// </summary>
    /// <value>Default true.</value>
    public bool IncludeIsUser { get; set; } = true;

    /// <summary>The codes: length, lifetime, attempts.</summary>
    public CodeOptions Code { get; set; } = new();

    /// <summary>Signing keys and token lifetimes.</summary>
    public TokenOptions Tokens { get; set; } = new();

    /// <summary>Per-contact limits.</summary>
    public ThrottlingOptions Throttling { get; set; } = new();

    /// <summary>The <c>target</c> field of a send (<c>USER</c>, <c>NOT_USER</c>).</summary>
    public TargetOptions Targets { get; set; } = new();

    /// <summary>Which phone numbers are accepted.</summary>
    public PhoneOptions Phone { get; set; } = new();

    /// <summary>Which email addresses are accepted and how their limits are keyed.</summary>
    public EmailOptions Email { get; set; } = new();

    /// <summary>Message wording.</summary>
    public MessageOptions Messages { get; set; } = new();

    /// <summary>Delivery to the senders.</summary>
    public DeliveryOptions Delivery { get; set; } = new();

    /// <summary>All of <c>Verification:Captcha</c>: captcha escalation, the built-in image captcha and the siteverify provider.</summary>
    public CaptchaOptions Captcha { get; set; } = new();

    /// <summary>The default in-memory store (unused when another store is registered).</summary>
    public InMemoryStoreOptions InMemoryStore { get; set; } = new();
}
