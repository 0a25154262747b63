namespace Verification.Tests;

public sealed class ContactParserTests
{
    private const string DocumentedE164 = "+8615588665555";

    // A US number libphonenumber cannot classify (FIXED_LINE_OR_MOBILE) and a Hong Kong mobile.
    private const string UsNumber = "+1 201 555 0123";
    private const string HongKongMobile = "+852 5123 4567";

    // A Beijing fixed line.
    private const string ChinaFixedLine = "+86 10 6552 9988";

    private static ContactParser DefaultParser() => new(new PhoneOptions());

    [Theory]
    [InlineData("+86 15588665555")]
    [InlineData("+8615588665555")]
    [InlineData("+86 155-8866-5555")]
    [InlineData("+86 (155) 8866 5555")]
    [InlineData("+86 155 8866 5555")]
    [InlineData("+86.155.8866.5555")]
    [InlineData("  +86 155 8866 5555  ")]
    [InlineData("＋８６ １５５８８６６５５５５")]
    [InlineData("+８６ 155８８６６５５５５")]
    [InlineData("+86 （155） 8866－5555")]
    public void TryParsePhone_DocumentedSpelling_NormalizesToOneE164Key(string input)
    {
        var ok = DefaultParser().TryParsePhone(input, out var contact, out var error);

        Assert.True(ok, error?.ToString());
        Assert.Null(error);
        Assert.Equal(VerificationChannel.Sms, contact.Channel);
        Assert.Equal(DocumentedE164, contact.Normalized);
        Assert.Equal(DocumentedE164, contact.Key);
        Assert.Equal("CN", contact.Region);
    }

    [Theory]
    [InlineData("15588665555")]
    [InlineData("155 8866 5555")]
    [InlineData("008615588665555")]
    [InlineData("0086 155 8866 5555")]
    [InlineData("86 155 8866 5555")]
    public void TryParsePhone_WithoutCountryCode_IsInvalidPhoneNumberMissingCountryCode(string input)
    {
        var ok = DefaultParser().TryParsePhone(input, out _, out var error);

        Assert.False(ok);
        AssertError(error, VerificationErrorCodes.InvalidPhoneNumber, VerificationErrorReasons.MissingCountryCode, "phone_number");
    }

    [Theory]
    [InlineData("+1 800 FLOWERS")]
    [InlineData("+1-800-356-9377x123")]
    [InlineData("+86 155 8866 5555 ext. 12")]
    [InlineData("+86 155 8866 5555 ext 12")]
    [InlineData("+8615588665555#12")]
    [InlineData("+8615588665555;ext=12")]
    [InlineData("+8615588665555,12")]
    [InlineData("+86 155 8866 555a")]
    [InlineData("+86 155 8866 5555*")]
    [InlineData("+86 1558866")]
    [InlineData("+")]
    [InlineData("+ ")]
    [InlineData("+86 155 8866 55555 55")]
    [InlineData("＋８６ １５５８８６６５５５")]
    public void TryParsePhone_LettersExtensionsOrJunk_IsInvalidPhoneNumber(string input)
    {
        var ok = DefaultParser().TryParsePhone(input, out _, out var error);

        Assert.False(ok);
        Assert.NotNull(error);
        Assert.Equal(VerificationErrorCodes.InvalidPhoneNumber, error.Code);
        Assert.Equal(4001, error.Number);
        Assert.Equal("phone_number", error.Field);
        Assert.Equal(VerificationErrorReasons.Malformed, error.Reason);
    }

    [Theory]
    [InlineData("+86 155\08866 5555")]
    [InlineData("+8615588665555\r\n")]
    [InlineData("+86\n15588665555")]
    [InlineData("+86\r15588665555")]
    [InlineData("+86 155\t8866 5555")]
    [InlineData("\u200F+8615588665555")]
    [InlineData("+86\u200B15588665555")]
    [InlineData("+86\u202E15588665555")]
    [InlineData("\uFEFF+8615588665555")]
    [InlineData("+86 155\u20288866 5555")]
    [InlineData("+86 155\u00AD8866 5555")]
    [InlineData("+86 155\u007F8866 5555")]
    public void TryParsePhone_ControlOrFormatCharacters_IsInvalidArgumentControlCharacters(string input)
    {
        var ok = DefaultParser().TryParsePhone(input, out _, out var error);

        Assert.False(ok);
        AssertError(error, VerificationErrorCodes.InvalidArgument, VerificationErrorReasons.ControlCharacters, "phone_number");
    }

    [Fact]
    public void TryParsePhone_LoneSurrogate_IsInvalidArgumentControlCharacters()
    {
        // Not an InlineData: test-case serialization would replace the lone surrogate with U+FFFD.
        var input = "+86 155" + '\uD800' + "8866 5555";

        var ok = DefaultParser().TryParsePhone(input, out _, out var error);

        Assert.False(ok);
        AssertError(error, VerificationErrorCodes.InvalidArgument, VerificationErrorReasons.ControlCharacters, "phone_number");
    }

    [Fact]
    public void TryParsePhone_ValidNumberPaddedPast32Characters_IsInvalidArgumentTooLong()
    {
        // Valid once trimmed: the cap applies to the raw input, before any work.
        var input = "+86 155 8866 5555".PadRight(ContactParser.MaxPhoneLength + 1);

        var ok = DefaultParser().TryParsePhone(input, out _, out var error);

        Assert.False(ok);
        AssertError(error, VerificationErrorCodes.InvalidArgument, VerificationErrorReasons.TooLong, "phone_number");
    }

    [Fact]
    public void TryParsePhone_ValidNumberPaddedToExactly32Characters_IsAccepted()
    {
        var input = "+86 155 8866 5555".PadRight(ContactParser.MaxPhoneLength);

        var ok = DefaultParser().TryParsePhone(input, out var contact, out var error);

        Assert.True(ok, error?.ToString());
        Assert.Equal(DocumentedE164, contact.Key);
    }

    [Fact]
    public void TryParsePhone_HugeDigitString_IsTooLongNotAnException()
    {
        var input = "+86" + new string('1', 100_000);

        var ok = DefaultParser().TryParsePhone(input, out _, out var error);

        Assert.False(ok);
        AssertError(error, VerificationErrorCodes.InvalidArgument, VerificationErrorReasons.TooLong, "phone_number");
    }

    [Theory]
    [InlineData(UsNumber)]
    [InlineData(HongKongMobile)]
    [InlineData("+44 7400 123456")]
    public void TryParsePhone_ValidForeignMobileWithDefaultOptions_IsRegionNotAllowed(string input)
    {
        var ok = DefaultParser().TryParsePhone(input, out _, out var error);

        Assert.False(ok);
        AssertError(error, VerificationErrorCodes.InvalidPhoneNumber, VerificationErrorReasons.RegionNotAllowed, "phone_number");
    }

    [Fact]
    public void TryParsePhone_ChinaFixedLineWithDefaultOptions_IsNumberTypeNotAllowed()
    {
        var ok = DefaultParser().TryParsePhone(ChinaFixedLine, out _, out var error);

        Assert.False(ok);
        AssertError(error, VerificationErrorCodes.InvalidPhoneNumber, VerificationErrorReasons.NumberTypeNotAllowed, "phone_number");
    }

    [Theory]
    [InlineData("*")]
    [InlineData("US")]
    [InlineData(" us ")]
    public void TryParsePhone_UsNumberWithRegionAllowed_IsAccepted(string allowed)
    {
        var parser = new ContactParser(new PhoneOptions { AllowedRegions = [allowed] });

        var ok = parser.TryParsePhone(UsNumber, out var contact, out var error);

        Assert.True(ok, error?.ToString());
        Assert.Equal("+12015550123", contact.Normalized);
        Assert.Equal("+12015550123", contact.Key);
        Assert.Equal("US", contact.Region);
    }

    [Fact]
    public void TryParsePhone_ChinaMobileWhenOnlyUsAllowed_IsRegionNotAllowed()
    {
        var parser = new ContactParser(new PhoneOptions { AllowedRegions = ["US"] });

        var ok = parser.TryParsePhone("+86 155 8866 5555", out _, out var error);

        Assert.False(ok);
        AssertError(error, VerificationErrorCodes.InvalidPhoneNumber, VerificationErrorReasons.RegionNotAllowed, "phone_number");
    }

    [Fact]
    public void TryParsePhone_HongKongMobileWithChinaAndHongKongAllowed_IsAccepted()
    {
        var parser = new ContactParser(new PhoneOptions { AllowedRegions = ["CN", "HK"] });

        var ok = parser.TryParsePhone(HongKongMobile, out var contact, out var error);

        Assert.True(ok, error?.ToString());
        Assert.Equal("+85251234567", contact.Key);
        Assert.Equal("HK", contact.Region);
    }

    [Fact]
    public void TryParsePhone_FixedLineWhenFixedLineAllowed_IsAccepted()
    {
        var parser = new ContactParser(new PhoneOptions { AllowedNumberTypes = [PhoneNumberKind.FixedLine] });

        var ok = parser.TryParsePhone(ChinaFixedLine, out var contact, out var error);

        Assert.True(ok, error?.ToString());
        Assert.Equal("+861065529988", contact.Normalized);
    }

    [Fact]
    public void TryParsePhone_MobileWhenOnlyFixedLineAllowed_IsNumberTypeNotAllowed()
    {
        var parser = new ContactParser(new PhoneOptions { AllowedNumberTypes = [PhoneNumberKind.FixedLine] });

        var ok = parser.TryParsePhone("+86 155 8866 5555", out _, out var error);

        Assert.False(ok);
        AssertError(error, VerificationErrorCodes.InvalidPhoneNumber, VerificationErrorReasons.NumberTypeNotAllowed, "phone_number");
    }

    [Fact]
    public void TryParseEmail_SimpleAddress_IsAcceptedUnchanged()
    {
        var ok = DefaultParser().TryParseEmail("alice@example.com", out var contact, out var error);

        Assert.True(ok, error?.ToString());
        Assert.Null(error);
        Assert.Equal(VerificationChannel.Email, contact.Channel);
        Assert.Equal("alice@example.com", contact.Normalized);
        Assert.Equal("alice@example.com", contact.Key);
        Assert.Null(contact.Region);
    }

    [Theory]
    [InlineData("first.last+tag@sub.example.co.uk")]
    [InlineData("o'neil_{x}~!#$%&*=?^`|/-@example.com")]
    [InlineData("a@b.cd")]
    public void TryParseEmail_UnusualButValidAddress_IsAccepted(string input)
    {
        var ok = DefaultParser().TryParseEmail(input, out var contact, out var error);

        Assert.True(ok, error?.ToString());
        Assert.Equal(input, contact.Normalized);
    }

    [Fact]
    public void TryParseEmail_MixedCase_NormalizedAndKeyAreOneCanonicalLowerCaseAddress()
    {
        var ok = DefaultParser().TryParseEmail("Alice@Example.COM", out var contact, out var error);

        Assert.True(ok, error?.ToString());
        Assert.Equal("alice@example.com", contact.Normalized);
        Assert.Equal("alice@example.com", contact.Key);
    }

    [Theory]
    [InlineData("\u212Alara@example.com", "klara@example.com")] // KELVIN SIGN: NFC makes it K
    [InlineData("\u212Bsa@example.com", "\u00E5sa@example.com")] // ANGSTROM SIGN: NFC makes it U+00C5
    [InlineData("jo\u0308rg@example.com", "j\u00F6rg@example.com")] // NFD
    [InlineData("J\u00D6RG@example.com", "j\u00F6rg@example.com")]
    public void TryParseEmail_LookAlikeSpellings_BecomeOneCanonicalAddressUsedForKeyAndDelivery(string input, string canonical)
    {
        input = System.Text.RegularExpressions.Regex.Unescape(input);
        canonical = System.Text.RegularExpressions.Regex.Unescape(canonical);

        var ok = DefaultParser().TryParseEmail(input, out var contact, out var error);

        Assert.True(ok, error?.ToString());
        Assert.Equal(canonical, contact.Normalized);
        Assert.Equal(canonical, contact.Key);
    }

    [Theory]
    [InlineData("\uFF41lice@example.com")] // full-width a
    [InlineData("\uFB01le@example.com")] // fi ligature
    [InlineData("\u0131nfo@example.com")] // DOTLESS I: upper-cases to ASCII I in Unicode
    [InlineData("\u0130nfo@example.com")] // I WITH DOT ABOVE: lower-cases to ASCII i in Unicode
    [InlineData("\u017Fales@example.com")] // LONG S: upper-cases to ASCII S
    public void TryParseEmail_LocalPartThatFoldsIntoAnotherAddress_IsRefusedUnlessAllowed(string input)
    {
        input = System.Text.RegularExpressions.Regex.Unescape(input);

        var refused = DefaultParser().TryParseEmail(input, out _, out var error);
        var allowed = new ContactParser(new PhoneOptions(), new EmailOptions { AllowInternationalLocalParts = true })
            .TryParseEmail(input, out var contact, out var allowedError);

        Assert.False(refused);
        AssertError(error, VerificationErrorCodes.InvalidArgument, VerificationErrorReasons.Malformed, "email");
        Assert.True(allowed, allowedError?.ToString());
        Assert.Equal(contact.Normalized, contact.Key);
    }

    [Theory]
    [InlineData("alice+news@example.com", "alice@example.com")]
    [InlineData("Alice+a+b@Example.com", "alice@example.com")]
    [InlineData("a.l.i.c.e+x@gmail.com", "alice@gmail.com")]
    [InlineData("a.lice@googlemail.com", "alice@googlemail.com")]
    [InlineData("a.lice@example.com", "a.lice@example.com")]
    public void TryParseEmail_FoldLimitKey_PlusTagsAndProviderDotsShareTheMailboxKey(string input, string key)
    {
        var parser = new ContactParser(new PhoneOptions(), new EmailOptions { FoldLimitKey = true });

        var ok = parser.TryParseEmail(input, out var contact, out var error);

        Assert.True(ok, error?.ToString());
        Assert.Equal(key, contact.Key);
        Assert.Equal(input.ToLowerInvariant(), contact.Normalized);
        Assert.Equal(key, parser.KeyOf(VerificationChannel.Email, contact.Normalized));
    }

    [Fact]
    public void TryParseEmail_DefaultPolicy_PlusTagsKeepTheirOwnKey()
    {
        var ok = DefaultParser().TryParseEmail("alice+news@example.com", out var contact, out _);

        Assert.True(ok);
        Assert.Equal("alice+news@example.com", contact.Key);
    }

    [Theory]
    [InlineData("alice@example.com")]
    [InlineData("ALICE@EXAMPLE.COM")]
    [InlineData("Alice@Example.Com")]
    [InlineData(" alice@example.com ")]
    [InlineData("alice@example.com.")]
    [InlineData("alice@ｅｘａｍｐｌｅ.com")]
    public void TryParseEmail_SpellingsOfOneAddress_ShareOneKey(string input)
    {
        var ok = DefaultParser().TryParseEmail(input, out var contact, out var error);

        Assert.True(ok, error?.ToString());
        Assert.Equal("alice@example.com", contact.Key);
    }

    [Theory]
    [InlineData("user@bücher.de")]
    [InlineData("user@BÜCHER.de")]
    [InlineData("user@xn--bcher-kva.de")]
    public void TryParseEmail_InternationalizedDomain_IsPunycodeEncoded(string input)
    {
        var ok = DefaultParser().TryParseEmail(input, out var contact, out var error);

        Assert.True(ok, error?.ToString());
        Assert.Equal("user@xn--bcher-kva.de", contact.Normalized);
        Assert.Equal("user@xn--bcher-kva.de", contact.Key);
    }

    [Theory]
    [InlineData("alice.example.com")]
    [InlineData("@example.com")]
    [InlineData("alice@")]
    [InlineData("a@b@example.com")]
    [InlineData("alice@@example.com")]
    [InlineData("Bob <bob@x.com>")]
    [InlineData("<bob@x.com>")]
    [InlineData("\"Bob\" bob@x.com")]
    [InlineData("ali ce@example.com")]
    [InlineData("alice@exa mple.com")]
    [InlineData("\"alice\"@example.com")]
    [InlineData("\"a b\"@example.com")]
    [InlineData("alice(comment)@example.com")]
    [InlineData(".alice@example.com")]
    [InlineData("alice.@example.com")]
    [InlineData("al..ice@example.com")]
    [InlineData("alice@.example.com")]
    [InlineData("alice@example..com")]
    [InlineData("alice@localhost")]
    [InlineData("alice@[192.168.0.1]")]
    [InlineData("alice@[IPv6:::1]")]
    [InlineData("alice@192.168.0.1")]
    [InlineData("alice@example.123")]
    [InlineData("alice@-example.com")]
    [InlineData("alice@example-.com")]
    [InlineData("alice@exa_mple.com")]
    [InlineData("alice@example.com,bob@example.com")]
    [InlineData("alice@example.com;bob@example.com")]
    public void TryParseEmail_MalformedAddress_IsInvalidArgumentMalformed(string input)
    {
        var ok = DefaultParser().TryParseEmail(input, out _, out var error);

        Assert.False(ok);
        AssertError(error, VerificationErrorCodes.InvalidArgument, VerificationErrorReasons.Malformed, "email");
    }

    [Theory]
    [InlineData("a@b.com\r\nBcc: x@y.com")]
    [InlineData("alice@example.com\r\n")]
    [InlineData("alice@example.com\n")]
    [InlineData("alice@example.com\0")]
    [InlineData("alice\0@example.com")]
    [InlineData("alice@example.com\tx")]
    [InlineData("\u200Falice@example.com")]
    [InlineData("alice\u200B@example.com")]
    [InlineData("alice@exam\u200Dple.com")]
    [InlineData("alice@example.com\u2029")]
    public void TryParseEmail_ControlOrFormatCharacters_IsInvalidArgumentControlCharacters(string input)
    {
        var ok = DefaultParser().TryParseEmail(input, out _, out var error);

        Assert.False(ok);
        AssertError(error, VerificationErrorCodes.InvalidArgument, VerificationErrorReasons.ControlCharacters, "email");
    }

    [Fact]
    public void TryParseEmail_Exactly254Characters_IsAccepted()
    {
        var input = EmailOfLength(254);

        var ok = DefaultParser().TryParseEmail(input, out var contact, out var error);

        Assert.True(ok, error?.ToString());
        Assert.Equal(input, contact.Normalized);
    }

    [Fact]
    public void TryParseEmail_255Characters_IsInvalidArgumentTooLong()
    {
        var ok = DefaultParser().TryParseEmail(EmailOfLength(255), out _, out var error);

        Assert.False(ok);
        AssertError(error, VerificationErrorCodes.InvalidArgument, VerificationErrorReasons.TooLong, "email");
    }

    [Fact]
    public void TryParseEmail_HugeInput_IsTooLongNotAnException()
    {
        var ok = DefaultParser().TryParseEmail(new string('a', 1_000_000) + "@example.com", out _, out var error);

        Assert.False(ok);
        AssertError(error, VerificationErrorCodes.InvalidArgument, VerificationErrorReasons.TooLong, "email");
    }

    [Fact]
    public void TryParseEmail_LocalPartOf64_IsAccepted()
    {
        var ok = DefaultParser().TryParseEmail(new string('a', 64) + "@example.com", out _, out var error);

        Assert.True(ok, error?.ToString());
    }

    [Fact]
    public void TryParseEmail_LocalPartOf65_IsInvalidArgumentMalformed()
    {
        var ok = DefaultParser().TryParseEmail(new string('a', 65) + "@example.com", out _, out var error);

        Assert.False(ok);
        AssertError(error, VerificationErrorCodes.InvalidArgument, VerificationErrorReasons.Malformed, "email");
    }

    [Fact]
    public void TryParseEmail_DomainLabelOf63_IsAccepted()
    {
        var ok = DefaultParser().TryParseEmail("alice@" + new string('b', 63) + ".com", out _, out var error);

        Assert.True(ok, error?.ToString());
    }

    [Fact]
    public void TryParseEmail_DomainLabelOf64_IsInvalidArgumentMalformed()
    {
        var ok = DefaultParser().TryParseEmail("alice@" + new string('b', 64) + ".com", out _, out var error);

        Assert.False(ok);
        AssertError(error, VerificationErrorCodes.InvalidArgument, VerificationErrorReasons.Malformed, "email");
    }

    /// <summary>A valid address of exactly <paramref name="length"/> (254 or 255) characters: a 64-character local part and labels of at most 63.</summary>
    private static string EmailOfLength(int length)
    {
        // 64 + "@" + 63 + "." + 63 + "." + n + ".com" = 197 + n.
        var last = length - 197;
        var email = $"{new string('a', 64)}@{new string('b', 63)}.{new string('c', 63)}.{new string('d', last)}.com";
        Assert.Equal(length, email.Length);
        return email;
    }

    private static void AssertError(VerificationError? error, string code, string reason, string field)
    {
        Assert.NotNull(error);
        Assert.Equal(code, error.Code);
        Assert.Equal(reason, error.Reason);
        Assert.Equal(field, error.Field);
    }

    // TryParsePhone treats "type known" as "valid" (it matches the type once instead of calling IsValidNumber too);
    // this pins that libphonenumber's two answers agree, for valid and invalid numbers of several regions and kinds.
    [Theory]
    [InlineData("+8615588665555")]
    [InlineData("+861558866555")]
    [InlineData("+8610 6552 9988")]
    [InlineData("+86 000 0000 0000")]
    [InlineData("+12015550123")]
    [InlineData("+1 800 555 0100")]
    [InlineData("+1 999 555 0100")]
    [InlineData("+85251234567")]
    [InlineData("+852 0000 0000")]
    [InlineData("+447911123456")]
    [InlineData("+44 20 7946 0958")]
    [InlineData("+4479111234")]
    [InlineData("+800 1234 5678")]
    [InlineData("+882 1234 5678")]
    [InlineData("+4930123456")]
    [InlineData("+49 1512 3456789")]
    public void LibPhoneNumber_IsValidNumber_AgreesWithKnownNumberType(string input)
    {
        var util = PhoneNumbers.PhoneNumberUtil.GetInstance();
        var number = util.Parse(input, null);

        Assert.Equal(util.IsValidNumber(number), util.GetNumberType(number) != PhoneNumbers.PhoneNumberType.UNKNOWN);
    }
}
