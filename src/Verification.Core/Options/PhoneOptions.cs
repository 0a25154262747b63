namespace Verification;

/// <summary>Which phone numbers are accepted (<c>Verification:Phone</c>).</summary>
public sealed class PhoneOptions
{
    /// <summary>
    /// ISO 3166 region codes whose numbers are accepted, for example <c>["CN", "HK"]</c>; <c>["*"]</c> accepts every region.
    /// </summary>
    /// <value>Default empty, which means <c>["CN"]</c> (mainland China, the documented "domestic" rule).</value>
    public IList<string> AllowedRegions { get; set; } = new List<string>();

    /// <summary>Number types accepted. Numbers that libphonenumber cannot tell apart count as both fixed line and mobile.</summary>
    /// <value>Default empty, which means <c>["Mobile"]</c>.</value>
    public IList<PhoneNumberKind> AllowedNumberTypes { get; set; } = new List<PhoneNumberKind>();
}
