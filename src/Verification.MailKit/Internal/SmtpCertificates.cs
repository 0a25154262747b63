using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Verification.MailKit;

/// <summary>Server certificate checks: the platform's validation, plus one pinned thumbprint when configured.</summary>
internal static class SmtpCertificates
{
    /// <summary>Upper-case hex without separators, or null when it is not a SHA-1 or SHA-256 thumbprint.</summary>
    public static string? NormalizeThumbprint(string value)
    {
        var hex = value.Replace(":", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal).Trim().ToUpperInvariant();
        return hex.Length is 40 or 64 && hex.All(char.IsAsciiHexDigit) ? hex : null;
    }

    public static bool Matches(X509Certificate certificate, string normalizedThumbprint)
    {
        var algorithm = normalizedThumbprint.Length == 64 ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA1;
        return string.Equals(certificate.GetCertHashString(algorithm), normalizedThumbprint, StringComparison.OrdinalIgnoreCase);
    }

    public static RemoteCertificateValidationCallback CreateValidator(SmtpEmailOptions options)
    {
        var pinned = options.TrustedServerCertificateThumbprint is { } value ? NormalizeThumbprint(value) : null;
        var acceptAny = options.DangerousAcceptAnyServerCertificate;
        return (_, certificate, _, errors) =>
            errors == SslPolicyErrors.None
            || acceptAny
            || (pinned is not null && certificate is not null && Matches(certificate, pinned));
    }
}
