using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Verification.TencentCloud.Tests;

/// <summary>
/// The stand-in's own TC3-HMAC-SHA256, written from the documentation and deliberately sharing no code with the
/// library's signer, so that a bug there cannot hide itself here.
/// </summary>
internal static class IndependentTc3
{
    public static string Signature(string secretKey, string service, long timestamp, string canonicalRequest)
    {
        var date = DateTimeOffset.FromUnixTimeSeconds(timestamp).ToString("yyyy'-'MM'-'dd", CultureInfo.InvariantCulture);
        using var sha = SHA256.Create();
        var hashed = Hex(sha.ComputeHash(Encoding.UTF8.GetBytes(canonicalRequest)));
        var toSign = $"TC3-HMAC-SHA256\n{timestamp}\n{date}/{service}/tc3_request\n{hashed}";
        var key = Encoding.UTF8.GetBytes("TC3" + secretKey);
        foreach (var part in new[] { date, service, "tc3_request" })
        {
            using var step = new HMACSHA256(key);
            key = step.ComputeHash(Encoding.UTF8.GetBytes(part));
        }

        using var final = new HMACSHA256(key);
        return Hex(final.ComputeHash(Encoding.UTF8.GetBytes(toSign)));
    }

    /// <summary>The canonical request from raw parts; header values are looked up by the signed names.</summary>
    public static string CanonicalRequest(string method, string path, string query, IReadOnlyList<string> signedHeaders, Func<string, string?> header, byte[] body)
    {
        var text = new StringBuilder();
        text.Append(method).Append('\n').Append(path).Append('\n').Append(query).Append('\n');
        foreach (var name in signedHeaders)
        {
            text.Append(name).Append(':').Append((header(name) ?? string.Empty).Trim().ToLowerInvariant()).Append('\n');
        }

        text.Append('\n').Append(string.Join(";", signedHeaders)).Append('\n');
        using var sha = SHA256.Create();
        text.Append(Hex(sha.ComputeHash(body)));
        return text.ToString();
    }

    private static string Hex(byte[] bytes)
    {
        var text = new StringBuilder(bytes.Length * 2);
        foreach (var b in bytes)
        {
            text.Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}
