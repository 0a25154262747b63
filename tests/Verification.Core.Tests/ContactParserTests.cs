namespace Verification.Tests;

public sealed partial class ContactParserTests
{
    private const string DocumentedE164 = "+8615588665555";

    // A US number libphonenumber cannot classify (FIXED_LINE_OR_MOBILE) and a Hong Kong mobile.
    private const string UsNumber = "+1 201 555 0123";
    private const string HongKongMobile = "+852 5123 4567";

    // A Beijing fixed line.
    private const string ChinaFixedLine = "+86 10 6552 9988";

    private static ContactParser DefaultParser() => new(new PhoneOptions());

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
