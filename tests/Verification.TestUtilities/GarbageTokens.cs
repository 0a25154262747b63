namespace Verification.TestUtilities;

/// <summary>
/// Strings that are no token of any kind: wrong segment counts, empty or non-base64url segments, JSON that is not a
/// header, percent- and NUL-laden text. One list for every layer that reads a token (the codec, the engine, the
/// forgery suites), so that a case added here is refused everywhere.
/// </summary>
public static class GarbageTokens
{
    public static IReadOnlyList<string> All { get; } =
    [
        "garbage",
        " ",
        ".",
        "..",
        "...",
        "a.b.c",
        "a.b.c.d.e",
        "eyJhbGciOiJSUzI1NiJ9.e30.",
        "eyJ.eyJ.eyJ",
        "e30.e30.e30",
        "null",
        "{\"alg\":\"none\"}",
        "%00%00%00",
        "\u0000.\u0000.\u0000",
    ];

    /// <summary><see cref="All"/> as the rows of a theory with one string argument (for <c>MemberData</c>).</summary>
    public static IEnumerable<object[]> Rows => All.Select(garbage => new object[] { garbage });
}
