using System.Globalization;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Verification.MailKit;

/// <summary>Validates <see cref="SmtpEmailOptions"/> at start, naming the configuration key to fix.</summary>
internal sealed class SmtpEmailOptionsValidator : IValidateOptions<SmtpEmailOptions>
{
    public ValidateOptionsResult Validate(string? name, SmtpEmailOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            failures.Add("Verification:Smtp:Host is required by AddSmtpEmail(): set it to the SMTP server's host name, for example 'smtp.example.com'.");
        }

        if (options.Port is < 1 or > 65535)
        {
            failures.Add($"Verification:Smtp:Port must be between 1 and 65535 (it is {options.Port.ToString(CultureInfo.InvariantCulture)}); 587 is the usual submission port.");
        }

        if (!Enum.IsDefined(options.Security))
        {
            failures.Add("Verification:Smtp:Security must be one of None, StartTls, SslOnConnect or Auto.");
        }

        if (string.IsNullOrWhiteSpace(options.From))
        {
            failures.Add("Verification:Smtp:From is required by AddSmtpEmail(): set it to the sender address, for example 'no-reply@example.com'.");
        }
        else if (!IsAddress(options.From))
        {
            failures.Add("Verification:Smtp:From must be a single email address such as 'no-reply@example.com'; put the display name in Verification:Smtp:FromName.");
        }

        if (string.IsNullOrEmpty(options.UserName) != string.IsNullOrEmpty(options.Password))
        {
            failures.Add("Verification:Smtp:UserName and Verification:Smtp:Password go together: set both to authenticate, or neither.");
        }

        if (options.PoolSize < 1)
        {
            failures.Add("Verification:Smtp:PoolSize must be at least 1.");
        }

        if (options.IdleCheckAfter < TimeSpan.Zero)
        {
            failures.Add("Verification:Smtp:IdleCheckAfter may not be negative.");
        }

        if (options.MaxIdleTime <= TimeSpan.Zero)
        {
            failures.Add("Verification:Smtp:MaxIdleTime must be positive.");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout.TotalMilliseconds > int.MaxValue)
        {
            failures.Add("Verification:Smtp:Timeout must be positive (and under 24 days).");
        }

        if (options.TrustedServerCertificateThumbprint is { } thumbprint && SmtpCertificates.NormalizeThumbprint(thumbprint) is null)
        {
            failures.Add("Verification:Smtp:TrustedServerCertificateThumbprint must be a SHA-256 (64 hex digits) or SHA-1 (40 hex digits) certificate thumbprint.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsAddress(string value) =>
        MailboxAddress.TryParse(value, out var mailbox)
        && string.IsNullOrEmpty(mailbox.Name)
        && mailbox.Address.IndexOf('@', StringComparison.Ordinal) is > 0 and var at
        && at < mailbox.Address.Length - 1;
}
