using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace Verification.Captcha;

/// <summary>The fields of a siteverify answer that are checked or logged.</summary>
/// <param name="Success">The provider's verdict.</param>
/// <param name="ErrorCodes">The <c>error-codes</c> (with the dash), plain codes only.</param>
/// <param name="Hostname">The host the challenge was solved on.</param>
/// <param name="ChallengeTimestamp">When the challenge was solved (<c>challenge_ts</c>).</param>
/// <param name="Action">The widget's action (Turnstile, reCAPTCHA v3).</param>
/// <param name="Score">reCAPTCHA v3's score, 0.0–1.0.</param>
internal sealed record SiteverifyAnswer(
    bool Success,
    IReadOnlyList<string> ErrorCodes,
    string? Hostname,
    DateTimeOffset? ChallengeTimestamp,
    string? Action,
    double? Score)
{
    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 16, AllowDuplicateProperties = false };

    /// <summary>
    /// Reads an answer. False when the body is not one JSON object with a boolean <c>success</c>, has duplicate
    /// members, or an <c>error-codes</c> that is not an array.
    /// </summary>
    public static bool TryParse(ReadOnlyMemory<byte> body, [NotNullWhen(true)] out SiteverifyAnswer? answer)
    {
        answer = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, JsonOptions);
        }
        catch (JsonException)
        {
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("success", out var success)
                || success.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return false;
            }

            var errorCodes = new List<string>();
            if (root.TryGetProperty("error-codes", out var codes) && codes.ValueKind != JsonValueKind.Null)
            {
                if (codes.ValueKind != JsonValueKind.Array)
                {
                    return false;
                }

                foreach (var code in codes.EnumerateArray())
                {
                    // The reason reaches the wire (details.reason): only short plain codes pass through.
                    if (code.ValueKind == JsonValueKind.String && code.GetString() is { } text && IsPlainCode(text))
                    {
                        errorCodes.Add(text);
                    }
                }
            }

            answer = new SiteverifyAnswer(
                success.ValueKind == JsonValueKind.True,
                errorCodes,
                String(root, "hostname"),
                String(root, "challenge_ts") is { } ts
                    && DateTimeOffset.TryParse(ts, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null,
                String(root, "action"),
                root.TryGetProperty("score", out var score) && score.ValueKind == JsonValueKind.Number && score.TryGetDouble(out var value) ? value : null);
            return true;
        }
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool IsPlainCode(string code)
    {
        if (code.Length is 0 or > 64)
        {
            return false;
        }

        foreach (var c in code)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
