using System.Text.Json;
using System.Text.RegularExpressions;

namespace Verification.Samples.Tests;

/// <summary>Reads the codes the sample wrote into its pickup directory.</summary>
internal static partial class Pickup
{
    /// <summary>The message files present now, to tell the next one apart.</summary>
    public static HashSet<string> Snapshot(string directory) =>
        Directory.Exists(directory) ? Directory.GetFiles(directory, "*.json").ToHashSet(StringComparer.Ordinal) : [];

    /// <summary>
    /// The code of the newest message to <paramref name="to"/> that is not in <paramref name="before"/>: the run of
    /// digits (4–10 of them) in its body. Phone numbers compare on their digits, emails ignoring case.
    /// </summary>
    public static async Task<string> WaitForCodeAsync(string directory, string to, ISet<string> before, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            // File names start with the UTC time to the tenth of a microsecond: the newest sorts last.
            string[] files = Directory.Exists(directory)
                ? [.. Directory.GetFiles(directory, "*.json").Where(f => !before.Contains(f)).OrderDescending(StringComparer.Ordinal)]
                : [];
            foreach (var file in files)
            {
                using var message = JsonDocument.Parse(await File.ReadAllTextAsync(file));
                if (SameContact(message.RootElement.GetProperty("to").GetString() ?? string.Empty, to))
                {
                    var body = message.RootElement.GetProperty("body").GetString() ?? string.Empty;
                    var code = Code().Match(body);
                    Assert.True(code.Success, $"No code in the body of {file}: {body}");
                    return code.Value;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"No message to {to} appeared in {directory} within {timeout.TotalSeconds:0} s.");
            }

            await Task.Delay(100);
        }
    }

    private static bool SameContact(string written, string given) => given.Contains('@', StringComparison.Ordinal)
        ? string.Equals(written.Trim(), given.Trim(), StringComparison.OrdinalIgnoreCase)
        : Digits(written) == Digits(given);

    private static string Digits(string text) => new(text.Where(char.IsAsciiDigit).ToArray());

    [GeneratedRegex(@"(?<!\d)\d{4,10}(?!\d)")]
    private static partial Regex Code();
}
