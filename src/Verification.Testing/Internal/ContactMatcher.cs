using System.Globalization;
using PhoneNumbers;

namespace Verification.Testing;

/// <summary>
/// Matches the recipients of fake messages against a contact as a test spells it: phone numbers by their E.164
/// form (any spelling libphonenumber reads with its country code, full-width digits included), emails with the
/// domain compared as punycode and the whole address case-insensitively.
/// </summary>
internal static class ContactMatcher
{
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();
    private static readonly IdnMapping Idn = new();

    public static Func<string, bool> For(VerificationChannel channel, string contact)
    {
        var wanted = Normalize(channel, contact);
        return to => Same(channel, Normalize(channel, to), wanted);
    }

    /// <summary>The form two contacts of <paramref name="channel"/> are compared in (see <see cref="Same"/>).</summary>
    public static string Normalize(VerificationChannel channel, string contact)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contact);
        return channel == VerificationChannel.Sms ? NormalizePhone(contact) : NormalizeEmail(contact);
    }

    /// <summary>Whether two normalized contacts are the same.</summary>
    public static bool Same(VerificationChannel channel, string normalized, string other) =>
        string.Equals(normalized, other, channel == VerificationChannel.Sms ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);

    /// <summary>The E.164 form when libphonenumber reads the number, otherwise '+' and the decimal digits.</summary>
    internal static string NormalizePhone(string phone)
    {
        var text = phone.Trim();
        try
        {
            var number = Phones.Parse(text.StartsWith('+') || text.StartsWith('＋') ? text : "+" + text, null);
            return Phones.Format(number, PhoneNumberFormat.E164);
        }
        catch (NumberParseException)
        {
            var digits = text.Select(CharUnicodeInfo.GetDecimalDigitValue).Where(d => d >= 0).Select(d => (char)('0' + d));
            return "+" + new string([.. digits]);
        }
    }

    internal static string NormalizeEmail(string email)
    {
        var text = email.Trim();
        var at = text.LastIndexOf('@');
        if (at <= 0 || at == text.Length - 1)
        {
            return text;
        }

        try
        {
            return string.Concat(text.AsSpan(0, at + 1), Idn.GetAscii(text[(at + 1)..]).ToLowerInvariant());
        }
        catch (ArgumentException)
        {
            return text;
        }
    }
}
