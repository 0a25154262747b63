namespace Verification.Tests;

public sealed partial class ContactParserTests
{
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
}
