using System.Globalization;
using System.Text;

namespace Verification;

/// <summary>The one definition of text that may not appear in a contact, a token, a setting or a context field.</summary>
internal static class TextRules
{
    /// <summary>
    /// Whether <paramref name="value"/> holds a character that is never part of legitimate input: a control or format
    /// character, a line or paragraph separator, a private-use or unassigned code point, or a lone surrogate.
    /// </summary>
    public static bool HasControlCharacters(string value)
    {
        foreach (var rune in value.EnumerateRunes())
        {
            // EnumerateRunes yields U+FFFD for a lone surrogate; refuse it as well as a literal one.
            if (rune == Rune.ReplacementChar)
            {
                return true;
            }

            if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned)
            {
                return true;
            }
        }

        return false;
    }
}
