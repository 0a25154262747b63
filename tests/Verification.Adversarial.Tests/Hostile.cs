using System.Text;
using System.Text.RegularExpressions;
using CsCheck;
using Verification.AspNetCore;

namespace Verification.Adversarial.Tests;

/// <summary>Generators of hostile input, and what a documented answer looks like.</summary>
internal static partial class Hostile
{
    /// <summary>
    /// Pieces an attacker combines: digits of several scripts, phone punctuation, bidi and zero-width marks,
    /// homoglyphs, NUL, CR/LF, percent and JSON escapes, lone surrogates, emails and their look-alikes.
    /// </summary>
    private static readonly string[] Atoms =
    [
        "0", "1", "3", "5", "8", "9", "155", "8866", "5555", "13800138000", "+", "+86", "+1", "0086", "86",
        "\uFF10", "\uFF11", "\uFF15", "\uFF18", "\uFF0B", "\u0660", "\u0665", "\u0969", "\u1045", "\U0001D7D8",
        " ", "  ", "\u00A0", "\u3000", "-", "\u2010", "\u2212", "(", ")", ".", "/", "*", "#", ",", ";", "x", "ext.",
        "\u200E", "\u200F", "\u202E", "\u2066", "\u200B", "\uFEFF", "\u00AD",
        "\u0000", "\r", "\n", "\r\n", "\t", "\u0085", "\u2028", "\u001B",
        "@", "@@", "example.com", "EXAMPLE.COM", "\u0435x\u0430mple.com", "b\u00FCcher.de", "xn--", "\u0430", "\u0456", "\u03BF",
        "alice", "Alice", "\u00DF", "\u0130", "<a@b.c>", "\"q\"", "'", "\\", "%00", "%0d%0a", "\\u0000", "{", "}", "[", "]",
        "\uD800", "\uDFFF", "\U0001F600", "\u0301", "null", "undefined", "NaN", "true",
    ];

    private static readonly Gen<string> Atom = Gen.OneOf(Atoms);

    /// <summary>Strings made of hostile pieces, random Unicode, and now and then a huge value.</summary>
    public static readonly Gen<string?> Text = Gen.Frequency(
        (10, Atom.Array[0, 14].Select(a => (string?)string.Concat(a))),
        (3, Gen.String.Select(s => (string?)s)),
        (1, Gen.Int[200, 70_000].Select(n => (string?)new string('9', n))),
        (1, Gen.Int[250, 5_000].Select(n => (string?)(new string('a', n) + "@example.com"))),
        (1, Gen.Const((string?)null)));

    /// <summary>Spellings of +86 155 8866 5555: scripts of digits, separators, marks; some valid, some not.</summary>
    public static readonly Gen<string> PhoneSpelling =
        Gen.Select(
            Gen.OneOf("+86", "+ 86", "\uFF0B86", "+\uFF18\uFF16", "(+86)", "0086", "86", "+086", ""),
            Gen.OneOf(" ", "", "-", "  ", "\u00A0", "\u3000", ".", "\u200E", "\u202E", "\u0000", "\n"),
            Gen.Int[0, 2],
            Gen.Bool,
            (country, separator, script, padded) =>
            {
                var digits = Digits("15588665555", script);
                var grouped = digits[..3] + separator + digits[3..7] + separator + digits[7..];
                var text = country + separator + grouped;
                return padded ? " " + text + " " : text;
            });

    /// <summary>Every JSON type (and then some) for one field.</summary>
    public static readonly Gen<string> JsonValue = Gen.Frequency(
        (6, Text.Select(s => s is null ? "null" : System.Text.Json.JsonSerializer.Serialize(s))),
        (1, Gen.OneOf("null", "true", "false", "0", "-1", "1e308", "-0", "15588665555", "1.5", "9999999999999999999999")),
        (1, Gen.OneOf("[]", "{}", "[\"+86 15588665555\"]", "{\"a\":1}", "[[[[[[[[[[[[]]]]]]]]]]]]", "{\"phone_number\":\"+86 15588665555\"}")),
        (1, Gen.Int[1, 200].Select(depth => new string('[', depth) + new string(']', depth))));

    private static string Digits(string ascii, int script)
    {
        var zero = script switch { 1 => '\uFF10', 2 => '\u0660', _ => '0' };
        var builder = new StringBuilder(ascii.Length);
        foreach (var c in ascii)
        {
            builder.Append((char)(zero + (c - '0')));
        }

        return builder.ToString();
    }

    /// <summary>The wire's error codes (docs/wire-contract.md), except <c>internal</c>, which bad input must never produce.</summary>
    public static readonly HashSet<string> DocumentedErrors =
    [
        VerificationErrorCodes.InvalidArgument, VerificationErrorCodes.InvalidPhoneNumber, VerificationErrorCodes.FailedPrecondition,
        VerificationErrorCodes.InvalidVerificationCode, VerificationErrorCodes.UserNotFound, VerificationErrorCodes.AlreadyExists,
        VerificationErrorCodes.InvalidVerificationToken, VerificationErrorCodes.InvalidCaptcha, VerificationErrorCodes.CaptchaExpired,
        VerificationErrorCodes.CaptchaUsed, VerificationErrorCodes.CaptchaInvalid, VerificationErrorCodes.CaptchaRequired,
        VerificationErrorCodes.RateLimitExceeded, VerificationHttpErrorCodes.NotFound, VerificationHttpErrorCodes.MethodNotAllowed,
        VerificationErrorCodes.Unavailable, VerificationErrorCodes.IdempotencyKeyReused,
    ];

    /// <summary>What a message may be addressed to: an E.164 mainland China mobile number or a clean email of at most 254 characters.</summary>
    public static bool IsDeliverableAddress(string to) =>
        PhoneE164().IsMatch(to) || (to.Length <= 254 && to.Count(c => c == '@') == 1 && !to.Any(char.IsControl) && to.All(c => c < 0x80 && !char.IsWhiteSpace(c)));

    [GeneratedRegex(@"^\+861[3-9][0-9]{9}$")]
    private static partial Regex PhoneE164();
}
