namespace Verification;

/// <summary>
/// Which email addresses are accepted and how their limits are keyed (<c>Verification:Email</c>). Every address is
/// made canonical first: its local part in NFC and lower case, its domain lower-cased and IDN-encoded; the message is
/// sent to that address, the token's <c>e</c> claim holds it, and the limits are counted under it.
/// </summary>
public sealed class EmailOptions
{
    /// <summary>
    /// Accepts local parts that are refused by default: those with compatibility forms (full-width letters,
    /// ligatures) or with a character that lower-casing turns into ASCII or into another script (U+0130 and the
    /// like). Such an address still becomes one canonical string, so it cannot reach another account's bucket; the
    /// default refuses it because it looks like an address it is not.
    /// </summary>
    /// <value>Default false.</value>
    public bool AllowInternationalLocalParts { get; set; }

    /// <summary>
    /// Counts an address's limits without its plus-tag (<c>alice+1@example.com</c> counts as <c>alice@example.com</c>)
    /// and, for <see cref="DotInsensitiveDomains"/>, without dots, so that one mailbox shares one bucket. Messages
    /// still go to the address as written (canonical).
    /// </summary>
    /// <value>Default false.</value>
    public bool FoldLimitKey { get; set; }

    /// <summary>Domains whose mailboxes ignore dots in the local part; used by <see cref="FoldLimitKey"/>.</summary>
    /// <value>Default empty, which means <c>["gmail.com", "googlemail.com"]</c>.</value>
    public IList<string> DotInsensitiveDomains { get; set; } = new List<string>();
}
