using PhoneNumbers;

namespace Verification;

/// <summary>Masks contacts for logs: <c>+86 155****5555</c>, <c>s***@example.com</c>.</summary>
internal static class ContactMasking
{
    public static string Mask(VerificationChannel channel, string? contact)
    {
        if (string.IsNullOrEmpty(contact))
        {
            return "(none)";
        }

        return channel == VerificationChannel.Email ? MaskEmail(contact) : MaskPhone(contact);
    }

    public static string MaskPhone(string e164)
    {
        string countryCode;
        string national;
        try
        {
            var number = PhoneNumberUtil.GetInstance().Parse(e164, null);
            countryCode = number.CountryCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
            national = PhoneNumberUtil.GetInstance().GetNationalSignificantNumber(number);
        }
        catch (NumberParseException)
        {
            return "+***";
        }

        return national.Length >= 8
            ? $"+{countryCode} {national[..3]}****{national[^4..]}"
            : $"+{countryCode} ****{national[^Math.Min(2, national.Length)..]}";
    }

    public static string MaskEmail(string email)
    {
        var at = email.LastIndexOf('@');
        if (at <= 0)
        {
            return "***";
        }

        return string.Concat(email.AsSpan(0, 1), "***", email.AsSpan(at));
    }
}

/// <summary>A contact that masks itself only when a log line is really written.</summary>
internal readonly struct MaskedContact(VerificationChannel channel, string? contact)
{
    public override string ToString() => ContactMasking.Mask(channel, contact);
}
