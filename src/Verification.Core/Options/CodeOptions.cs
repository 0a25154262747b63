namespace Verification;

/// <summary>Settings of the one-time codes (<c>Verification:Code</c>).</summary>
public sealed class CodeOptions
{
    /// <summary>Digits per code.</summary>
    /// <value>Default 6. 4–10.</value>
    public int Length { get; set; } = 6;

    /// <summary>How long a code stays valid (also the <c>expires_in</c> of the send answer), as <c>hh:mm:ss</c>.</summary>
    /// <value>Default 00:10:00 (600 s). At most 10 minutes unless <see cref="AllowLongLifetime"/> is set; never more than a day.</value>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Allows a <see cref="Lifetime"/> above 10 minutes (up to a day), which NIST advises against for SMS.</summary>
    /// <value>Default false.</value>
    public bool AllowLongLifetime { get; set; }

    /// <summary>Attempts per code; the attempt that reaches it burns the code.</summary>
    /// <value>Default 5. 1–10.</value>
    public int MaxAttempts { get; set; } = 5;
}
