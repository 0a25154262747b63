namespace Verification.MailKit;

/// <summary>
/// Options of the SMTP email sender, bound from the <c>Verification:Smtp</c> configuration section.
/// </summary>
public sealed class SmtpEmailOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Verification:Smtp";

    /// <summary>The SMTP server's host name or IP address, for example <c>smtp.example.com</c>. Required.</summary>
    /// <value>No default.</value>
    public string? Host { get; set; }

    /// <summary>The SMTP server's port: 587 for submission with STARTTLS, 465 for implicit TLS, 25 for relays.</summary>
    /// <value>Defaults to 587.</value>
    public int Port { get; set; } = 587;

    /// <summary>How the connection is secured.</summary>
    /// <value>Defaults to <see cref="SmtpSecurity.StartTls"/>: the server must offer STARTTLS, or nothing is sent.</value>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    /// <summary>The user name to authenticate with; no authentication when null or empty.</summary>
    /// <value>No default.</value>
    public string? UserName { get; set; }

    /// <summary>The password for <see cref="UserName"/>. Never logged; keep it in a secret store, not in appsettings.json.</summary>
    /// <value>No default.</value>
    public string? Password { get; set; }

    /// <summary>The sender address of every message, for example <c>no-reply@example.com</c>. Required.</summary>
    /// <value>No default.</value>
    public string? From { get; set; }

    /// <summary>The sender's display name, for example <c>Example Inc.</c>.</summary>
    /// <value>No default: the address alone.</value>
    public string? FromName { get; set; }

    /// <summary>
    /// The most SMTP connections open at once. Each connection carries one message at a time; more concurrent sends
    /// wait for a free connection (bounded by the caller's token, that is the delivery timeout).
    /// </summary>
    /// <value>Defaults to 4.</value>
    public int PoolSize { get; set; } = 4;

    /// <summary>
    /// A pooled connection idle for at least this long is checked with <c>NOOP</c> before it carries a message,
    /// and replaced when the check fails. <see cref="TimeSpan.Zero"/> checks before every message.
    /// </summary>
    /// <value>Defaults to 10 seconds.</value>
    public TimeSpan IdleCheckAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A pooled connection idle for longer than this is closed rather than reused (servers drop idle clients after a
    /// few minutes; RFC 5321 allows 5).
    /// </summary>
    /// <value>Defaults to 2 minutes.</value>
    public TimeSpan MaxIdleTime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The network timeout of each SMTP operation (connect, each command, the message data).</summary>
    /// <value>Defaults to 30 seconds.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The name this client gives in <c>EHLO</c>.</summary>
    /// <value>No default: MailKit's choice (the machine's host name, or its IP address literal).</value>
    public string? LocalDomain { get; set; }

    /// <summary>Whether the server certificate's revocation status is checked.</summary>
    /// <value>Defaults to true.</value>
    public bool CheckCertificateRevocation { get; set; } = true;

    /// <summary>
    /// The SHA-256 (64 hex digits) or SHA-1 (40 hex digits) thumbprint of a server certificate to accept even though
    /// its chain does not validate: for a self-signed or private-CA certificate you pinned on purpose. Colons and
    /// spaces are ignored. Any other certificate is still validated normally.
    /// </summary>
    /// <value>No default.</value>
    public string? TrustedServerCertificateThumbprint { get; set; }

    /// <summary>
    /// Accepts any server certificate without validation. For local development against a test server only: it
    /// removes the protection TLS gives against an attacker on the network. A warning is logged on every connection.
    /// </summary>
    /// <value>Defaults to false.</value>
    public bool DangerousAcceptAnyServerCertificate { get; set; }
}

/// <summary>How the connection to the SMTP server is secured.</summary>
public enum SmtpSecurity
{
    /// <summary>No TLS at all: for a relay on the same host or a trusted network only.</summary>
    None = 0,

    /// <summary>Plain connection upgraded with <c>STARTTLS</c>, which the server must offer (usually port 587).</summary>
    StartTls = 1,

    /// <summary>TLS from the first byte (implicit TLS, usually port 465).</summary>
    SslOnConnect = 2,

    /// <summary>TLS from the first byte on port 465; elsewhere <c>STARTTLS</c> when the server offers it, a plain connection otherwise.</summary>
    Auto = 3,
}
