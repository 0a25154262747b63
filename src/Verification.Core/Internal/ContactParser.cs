using System.Globalization;
using System.Text;
using PhoneNumbers;

namespace Verification;

/// <summary>A contact after validation: its normalized form and the key its limits are counted under.</summary>
/// <param name="Channel">SMS or email.</param>
/// <param name="Normalized">
/// E.164 phone number, or the canonical email: its local part in NFC and lower case, its domain lower-cased and
/// IDN-encoded. The address a message goes to and the token's <c>e</c> claim are this string.
/// </param>
/// <param name="Key">
/// The limit key: the E.164 number, or the canonical email (with <see cref="EmailOptions.FoldLimitKey"/>, without its
/// plus-tag and, for the dot-insensitive domains, its dots).
/// </param>
/// <param name="Region">The phone number's ISO region; null for email.</param>
internal readonly record struct ParsedContact(VerificationChannel Channel, string Normalized, string Key, string? Region);

/// <summary>
/// Validates and normalizes phone numbers (libphonenumber) and email addresses, so that every spelling of one
/// contact maps to one key. Every failure is a <see cref="VerificationError"/>, never an exception.
/// </summary>
internal sealed class ContactParser
{
    public const int MaxPhoneLength = 32;
    public const int MaxEmailLength = 254;
    private const int MaxLocalPartLength = 64;

    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();
    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true, AllowUnassigned = false };

    private readonly HashSet<string>? _allowedRegions;
    private readonly HashSet<PhoneNumberType> _allowedTypes;
    private readonly bool _allowInternationalLocalParts;
    private readonly bool _foldLimitKey;
    private readonly HashSet<string> _dotInsensitiveDomains;

    public ContactParser(PhoneOptions options, EmailOptions? email = null)
    {
        email ??= new EmailOptions();
        _allowInternationalLocalParts = email.AllowInternationalLocalParts;
        _foldLimitKey = email.FoldLimitKey;
        IEnumerable<string> domains = email.DotInsensitiveDomains is { Count: > 0 } configured ? configured : ["gmail.com", "googlemail.com"];
        _dotInsensitiveDomains = new HashSet<string>(domains.Select(static d => d.Trim().TrimEnd('.').ToLowerInvariant()), StringComparer.Ordinal);

        var regions = options.AllowedRegions.Count == 0 ? ["CN"] : options.AllowedRegions;
        _allowedRegions = regions.Any(r => r.Trim() == "*")
            ? null
            : new HashSet<string>(regions.Select(r => r.Trim().ToUpperInvariant()), StringComparer.Ordinal);

        var kinds = options.AllowedNumberTypes.Count == 0 ? [PhoneNumberKind.Mobile] : options.AllowedNumberTypes;
        _allowedTypes = [];
        foreach (var kind in kinds)
        {
            _allowedTypes.Add(ToLibraryType(kind));
        }

        // libphonenumber cannot tell fixed lines from mobiles in some regions (the US among them).
        if (kinds.Contains(PhoneNumberKind.Mobile) || kinds.Contains(PhoneNumberKind.FixedLine))
        {
            _allowedTypes.Add(PhoneNumberType.FIXED_LINE_OR_MOBILE);
        }
    }

    /// <summary>Whether a region code is known to libphonenumber (for options validation).</summary>
    public static bool IsKnownRegion(string region) => Util.GetSupportedRegions().Contains(region.Trim().ToUpperInvariant());

    public bool TryParsePhone(string input, out ParsedContact contact, out VerificationError? error)
    {
        contact = default;
        const string field = "phone_number";
        if (input.Length > MaxPhoneLength)
        {
            error = VerificationError.InvalidArgument(field, VerificationErrorReasons.TooLong, $"phone_number is longer than {MaxPhoneLength} characters.");
            return false;
        }

        if (TextRules.HasControlCharacters(input))
        {
            error = VerificationError.InvalidArgument(field, VerificationErrorReasons.ControlCharacters, "phone_number contains control or formatting characters.");
            return false;
        }

        foreach (var c in input)
        {
            // libphonenumber would read letters as a keypad spelling ("1-800-FLOWERS") or an extension;
            // neither belongs in a number that receives codes.
            if (char.IsLetter(c) || c is '#' or '*' or ';' or ',')
            {
                error = VerificationError.InvalidPhoneNumber(VerificationErrorReasons.Malformed, "phone_number may hold only digits, '+', spaces, dashes, dots and parentheses.");
                return false;
            }
        }

        var trimmed = input.Trim();
        if (trimmed.Length == 0 || (trimmed[0] != '+' && trimmed[0] != '\uFF0B'))
        {
            error = VerificationError.InvalidPhoneNumber(VerificationErrorReasons.MissingCountryCode, "phone_number must start with '+' and the country code, for example \"+86 15588665555\".");
            return false;
        }

        PhoneNumber number;
        try
        {
            number = Util.Parse(trimmed, null);
        }
        catch (NumberParseException e)
        {
            var reason = e.ErrorType == ErrorType.INVALID_COUNTRY_CODE
                ? VerificationErrorReasons.MissingCountryCode
                : VerificationErrorReasons.Malformed;
            error = VerificationError.InvalidPhoneNumber(reason, "phone_number is not a phone number with a valid country code.");
            return false;
        }

        // A number is valid exactly when its type is known (libphonenumber's IsValidNumber is the same region lookup and
        // type match that GetNumberType does), so the type is matched once instead of once for validity and once for it.
        var type = number.HasExtension ? PhoneNumberType.UNKNOWN : Util.GetNumberType(number);
        if (type == PhoneNumberType.UNKNOWN)
        {
            error = VerificationError.InvalidPhoneNumber(VerificationErrorReasons.Malformed, "phone_number is not a valid phone number.");
            return false;
        }

        var region = Util.GetRegionCodeForNumber(number);
        if (_allowedRegions is not null && (region is null || !_allowedRegions.Contains(region)))
        {
            error = VerificationError.InvalidPhoneNumber(VerificationErrorReasons.RegionNotAllowed, "Phone numbers of this region are not accepted.");
            return false;
        }

        if (!_allowedTypes.Contains(type))
        {
            error = VerificationError.InvalidPhoneNumber(VerificationErrorReasons.NumberTypeNotAllowed, "Phone numbers of this type are not accepted; use a mobile number.");
            return false;
        }

        var e164 = Util.Format(number, PhoneNumberFormat.E164);
        contact = new ParsedContact(VerificationChannel.Sms, e164, e164, region);
        error = null;
        return true;
    }

    public bool TryParseEmail(string input, out ParsedContact contact, out VerificationError? error)
    {
        contact = default;
        const string field = "email";
        if (input.Length > MaxEmailLength)
        {
            error = VerificationError.InvalidArgument(field, VerificationErrorReasons.TooLong, $"email is longer than {MaxEmailLength} characters.");
            return false;
        }

        if (TextRules.HasControlCharacters(input))
        {
            error = VerificationError.InvalidArgument(field, VerificationErrorReasons.ControlCharacters, "email contains control or formatting characters.");
            return false;
        }

        var email = input.Trim(' ', '\t');
        var at = email.IndexOf('@');
        if (at <= 0 || at != email.LastIndexOf('@') || at == email.Length - 1)
        {
            error = Malformed("email must be one address of the form name@example.com.");
            return false;
        }

        var domain = email[(at + 1)..];
        if (!IsValidLocalPart(email[..at]))
        {
            error = Malformed("The part of email before '@' is not valid (no display names, quotes or spaces).");
            return false;
        }

        if (!TryCanonicalLocalPart(email[..at], _allowInternationalLocalParts, out var local))
        {
            error = Malformed("The part of email before '@' has characters that look like others once case is ignored (such as U+212A KELVIN SIGN or full-width letters); write it in its ordinary form.");
            return false;
        }

        string asciiDomain;
        try
        {
            asciiDomain = Idn.GetAscii(domain.TrimEnd('.')).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            error = Malformed("The domain of email is not valid.");
            return false;
        }

        if (!IsValidDomain(asciiDomain))
        {
            error = Malformed("The domain of email is not valid.");
            return false;
        }

        var normalized = string.Concat(local, "@", asciiDomain);
        if (normalized.Length > MaxEmailLength)
        {
            error = VerificationError.InvalidArgument(field, VerificationErrorReasons.TooLong, $"email is longer than {MaxEmailLength} characters once its domain is encoded.");
            return false;
        }

        contact = new ParsedContact(VerificationChannel.Email, normalized, LimitKey(local, asciiDomain), null);
        error = null;
        return true;

        static VerificationError Malformed(string description) =>
            VerificationError.InvalidArgument(field, VerificationErrorReasons.Malformed, description);
    }

    /// <summary>Parses the phone number when one is given, otherwise the email (the caller checked that exactly one is).</summary>
    public bool TryParse(string? phoneNumber, string? email, out ParsedContact contact, out VerificationError? error) =>
        !string.IsNullOrWhiteSpace(phoneNumber)
            ? TryParsePhone(phoneNumber, out contact, out error)
            : TryParseEmail(email!, out contact, out error);

    /// <summary>Parses a contact that may be either: an email when it holds an <c>@</c>, otherwise a phone number.</summary>
    public bool TryParseAny(string input, out ParsedContact contact) =>
        input.Contains('@', StringComparison.Ordinal)
            ? TryParseEmail(input, out contact, out _)
            : TryParsePhone(input, out contact, out _);

    /// <summary>Rebuilds the limit key of a contact already normalized (from a token claim).</summary>
    public string KeyOf(VerificationChannel channel, string normalized)
    {
        if (channel != VerificationChannel.Email)
        {
            return normalized;
        }

        var at = normalized.LastIndexOf('@');
        return at <= 0 ? normalized : LimitKey(normalized[..at], normalized[(at + 1)..]);
    }

    /// <summary>
    /// The canonical local part: NFC, then lower case (and NFC again, as lower-casing can denormalize). Unless
    /// <paramref name="allowInternational"/>, a local part is refused when a character of it is a compatibility form
    /// (full-width letters, ligatures, superscripts: NFKC would change it), or when changing its case turns a non-ASCII
    /// character into ASCII or into another script: the spellings that look like, or fold into, someone else's address.
    /// </summary>
    internal static bool TryCanonicalLocalPart(string local, bool allowInternational, out string canonical)
    {
        var composed = local.IsNormalized(NormalizationForm.FormC) ? local : local.Normalize(NormalizationForm.FormC);
        if (Ascii.IsValid(composed))
        {
            canonical = composed.ToLowerInvariant();
            return true;
        }

        if (!allowInternational)
        {
            if (!composed.IsNormalized(NormalizationForm.FormKC))
            {
                canonical = string.Empty;
                return false;
            }

            foreach (var rune in composed.EnumerateRunes())
            {
                // Both directions: a server may compare addresses upper-cased (U+017F becomes ASCII S). The Turkish
                // dotted and dotless i, which .NET's invariant casing leaves alone, map to ASCII i and I in Unicode's.
                var lower = Rune.ToLowerInvariant(rune);
                var upper = Rune.ToUpperInvariant(rune);
                if (!rune.IsAscii && (rune.Value is 0x0130 or 0x0131 || lower.IsAscii || upper.IsAscii
                    || ScriptOf(lower) != ScriptOf(rune) || ScriptOf(upper) != ScriptOf(rune)))
                {
                    canonical = string.Empty;
                    return false;
                }
            }
        }

        var folded = composed.ToLowerInvariant();
        canonical = folded.IsNormalized(NormalizationForm.FormC) ? folded : folded.Normalize(NormalizationForm.FormC);
        return true;
    }

    /// <summary>
    /// A coarse script of a character, enough to tell whether lower-casing moved it to another script: Latin,
    /// Greek and Cyrillic with their extension blocks, and every other character by its 128-character block.
    /// </summary>
    private static int ScriptOf(Rune rune) => rune.Value switch
    {
        < 0x02B0 or (>= 0x1D00 and < 0x1DC0) or (>= 0x1E00 and < 0x1F00) or (>= 0x2C60 and < 0x2C80)
            or (>= 0xA720 and < 0xA800) or (>= 0xAB30 and < 0xAB70) => -1,
        (>= 0x0370 and < 0x0400) or (>= 0x1F00 and < 0x2000) => -2,
        (>= 0x0400 and < 0x0530) or (>= 0x1C80 and < 0x1C90) or (>= 0x2DE0 and < 0x2E00) or (>= 0xA640 and < 0xA6A0) => -3,
        (>= 0x10A0 and < 0x1100) or (>= 0x1C90 and < 0x1CC0) or (>= 0x2D00 and < 0x2D30) => -4,
        (>= 0x13A0 and < 0x1400) or (>= 0xAB70 and < 0xABC0) => -5,
        var value => value >> 7,
    };

    /// <summary>The limit key of a canonical address: itself, or folded when <see cref="EmailOptions.FoldLimitKey"/> is set.</summary>
    private string LimitKey(string local, string asciiDomain)
    {
        if (!_foldLimitKey)
        {
            return string.Concat(local, "@", asciiDomain);
        }

        var plus = local.IndexOf('+', StringComparison.Ordinal);
        var mailbox = plus > 0 ? local[..plus] : local;
        if (_dotInsensitiveDomains.Contains(asciiDomain))
        {
            var undotted = mailbox.Replace(".", string.Empty, StringComparison.Ordinal);
            mailbox = undotted.Length > 0 ? undotted : mailbox;
        }

        return string.Concat(mailbox, "@", asciiDomain);
    }

    private static bool IsValidLocalPart(string local)
    {
        if (local.Length is 0 or > MaxLocalPartLength || local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in local)
        {
            var ok = c < 128
                ? char.IsAsciiLetterOrDigit(c) || "!#$%&'*+/=?^_`{|}~-.".Contains(c)
                : char.IsLetterOrDigit(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsValidDomain(string domain)
    {
        if (domain.Length is 0 or > 253)
        {
            return false;
        }

        var labels = domain.Split('.');
        if (labels.Length < 2)
        {
            return false;
        }

        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '-')
                {
                    return false;
                }
            }
        }

        // A top-level domain is never all digits; this also refuses bare IPv4 addresses.
        return !labels[^1].All(char.IsAsciiDigit);
    }

    private static PhoneNumberType ToLibraryType(PhoneNumberKind kind) => kind switch
    {
        PhoneNumberKind.Mobile => PhoneNumberType.MOBILE,
        PhoneNumberKind.FixedLine => PhoneNumberType.FIXED_LINE,
        PhoneNumberKind.Voip => PhoneNumberType.VOIP,
        PhoneNumberKind.TollFree => PhoneNumberType.TOLL_FREE,
        PhoneNumberKind.PersonalNumber => PhoneNumberType.PERSONAL_NUMBER,
        PhoneNumberKind.Pager => PhoneNumberType.PAGER,
        PhoneNumberKind.Uan => PhoneNumberType.UAN,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown phone number kind."),
    };
}
