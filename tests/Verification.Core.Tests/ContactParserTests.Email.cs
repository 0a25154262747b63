namespace Verification.Tests;

public sealed partial class ContactParserTests
{
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
}
