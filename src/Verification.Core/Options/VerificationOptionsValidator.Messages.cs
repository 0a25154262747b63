using System.Globalization;

namespace Verification;

/// <summary>The rules of <c>Verification:Messages</c>: cultures, the WebOTP host and the Android app hash.</summary>
public sealed partial class VerificationOptionsValidator
{
    private static void ValidateMessages(MessageOptions? messages, List<string> errors)
    {
        if (messages is null)
        {
            return;
        }

        if (messages.ProductName is { } product && (product.Length > 64 || TextRules.HasControlCharacters(product)))
        {
            errors.Add("Verification:Messages:ProductName must be at most 64 printable characters.");
        }

        if (!TryGetCulture(messages.DefaultCulture, out _))
        {
            errors.Add($"Verification:Messages:DefaultCulture '{messages.DefaultCulture}' is not a culture name; use for example \"en\" or \"zh-CN\".");
        }

        if (messages.WebOtpHost is { } host && !IsHostName(host))
        {
            errors.Add($"Verification:Messages:WebOtpHost '{host}' is not a host name; write the host of the site that reads the code only, for example \"app.example.com\" (no scheme, port, path or spaces).");
        }

        if (messages.AndroidAppHash is { } hash && !IsAppHash(hash))
        {
            errors.Add($"Verification:Messages:AndroidAppHash '{hash}' is not an SMS Retriever app hash; it is the 11 base64 characters (A-Z, a-z, 0-9, + and /) the app's AppSignatureHelper prints, for example \"FA+9qCX9VSu\".");
        }
    }

    /// <summary>A DNS host name (<c>localhost</c>, <c>app.example.com</c>, IDN in Unicode or punycode): what WebOTP's <c>@host</c> names.</summary>
    private static bool IsHostName(string host) =>
        host.Length is > 0 and <= 253 && host.Trim() == host && !host.Contains(':', StringComparison.Ordinal)
        && !host.StartsWith('.') && !host.EndsWith('.')
        && Uri.CheckHostName(host) == UriHostNameType.Dns;

    private static bool IsAppHash(string hash) =>
        hash.Length == 11 && hash.All(static c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/');

    internal static bool TryGetCulture(string? name, out CultureInfo culture)
    {
        culture = CultureInfo.InvariantCulture;
        if (string.IsNullOrWhiteSpace(name))
        {
            return false;
        }

        try
        {
            culture = CultureInfo.GetCultureInfo(name, predefinedOnly: true);
            return true;
        }
        catch (CultureNotFoundException) when (InvariantGlobalization && LooksLikeCultureName(name))
        {
            // An app built with InvariantGlobalization knows no culture but the invariant one, so "en" or "zh-CN" can
            // only be checked for its shape; messages then use the invariant (English) formatting and templates.
            return true;
        }
        catch (CultureNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Whether the process runs with invariant globalization, where no named culture exists.</summary>
    internal static bool InvariantGlobalization { get; } = DetectInvariantGlobalization();

    private static bool DetectInvariantGlobalization()
    {
        try
        {
            return CultureInfo.GetCultureInfo("en", predefinedOnly: true).Name.Length == 0;
        }
        catch (CultureNotFoundException)
        {
            return true;
        }
    }

    // BCP 47 in outline: a 2–8 letter language, then subtags of 1–8 letters or digits.
    private static bool LooksLikeCultureName(string name)
    {
        var parts = name.Split('-');
        if (parts[0].Length is < 2 or > 8 || !parts[0].All(char.IsAsciiLetter))
        {
            return false;
        }

        return parts.Skip(1).All(p => p.Length is >= 1 and <= 8 && p.All(char.IsAsciiLetterOrDigit));
    }
}
