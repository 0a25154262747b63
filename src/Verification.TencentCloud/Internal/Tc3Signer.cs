using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Verification.TencentCloud;

/// <summary>Every intermediate value of one TC3-HMAC-SHA256 signature, so that tests can check each step.</summary>
/// <param name="HashedPayload">hex(SHA-256(body)).</param>
/// <param name="CanonicalRequest">The canonical request.</param>
/// <param name="HashedCanonicalRequest">hex(SHA-256(canonical request)).</param>
/// <param name="StringToSign">The string to sign.</param>
/// <param name="Date">The UTC date of the timestamp, <c>yyyy-MM-dd</c>.</param>
/// <param name="SecretDate">HMAC-SHA256("TC3" + SecretKey, Date).</param>
/// <param name="SecretService">HMAC-SHA256(SecretDate, Service).</param>
/// <param name="SecretSigning">HMAC-SHA256(SecretService, "tc3_request").</param>
/// <param name="SignedHeaders">The signed header names joined by <c>;</c>.</param>
/// <param name="Signature">hex(HMAC-SHA256(SecretSigning, StringToSign)).</param>
/// <param name="Authorization">The value of the <c>Authorization</c> header. Secret: never log it.</param>
internal sealed record Tc3Signature(
    string HashedPayload,
    string CanonicalRequest,
    string HashedCanonicalRequest,
    string StringToSign,
    string Date,
    byte[] SecretDate,
    byte[] SecretService,
    byte[] SecretSigning,
    string SignedHeaders,
    string Signature,
    string Authorization);

/// <summary>
/// Tencent Cloud API 3.0 request signing (TC3-HMAC-SHA256), written once for every call of this package.
/// </summary>
internal static class Tc3Signer
{
    public const string Algorithm = "TC3-HMAC-SHA256";

    /// <summary>Signs one request.</summary>
    /// <param name="secretId">The SecretId (appears in the Authorization header).</param>
    /// <param name="secretKey">The SecretKey (never leaves this method).</param>
    /// <param name="service">The service, <c>sms</c> for SMS.</param>
    /// <param name="timestamp">The Unix time in seconds sent as <c>X-TC-Timestamp</c>.</param>
    /// <param name="method">The HTTP method, upper case.</param>
    /// <param name="canonicalUri">The path, <c>/</c> for API 3.0.</param>
    /// <param name="canonicalQuery">The query without <c>?</c>; empty for POST.</param>
    /// <param name="headers">The headers to sign, with the values exactly as sent (names and values are lower-cased and trimmed here).</param>
    /// <param name="body">The body bytes exactly as sent.</param>
    /// <returns>The signature and its intermediate values.</returns>
    public static Tc3Signature Sign(
        string secretId,
        string secretKey,
        string service,
        long timestamp,
        string method,
        string canonicalUri,
        string canonicalQuery,
        IEnumerable<KeyValuePair<string, string>> headers,
        ReadOnlySpan<byte> body)
    {
        var sorted = headers
            .Select(static h => (Name: h.Key.Trim().ToLowerInvariant(), Value: h.Value.Trim().ToLowerInvariant()))
            .OrderBy(static h => h.Name, StringComparer.Ordinal)
            .ToList();
        var canonicalHeaders = new StringBuilder();
        foreach (var (name, value) in sorted)
        {
            canonicalHeaders.Append(name).Append(':').Append(value).Append('\n');
        }

        var signedHeaders = string.Join(';', sorted.Select(static h => h.Name));
        var hashedPayload = HexSha256(body);
        var canonicalRequest = string.Join('\n', method, canonicalUri, canonicalQuery, canonicalHeaders.ToString(), signedHeaders, hashedPayload);
        var hashedCanonicalRequest = HexSha256(Encoding.UTF8.GetBytes(canonicalRequest));

        var date = DateTimeOffset.FromUnixTimeSeconds(timestamp).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var scope = date + "/" + service + "/tc3_request";
        var stringToSign = Algorithm + "\n" + timestamp.ToString(CultureInfo.InvariantCulture) + "\n" + scope + "\n" + hashedCanonicalRequest;

        var secretDate = Hmac(Encoding.UTF8.GetBytes("TC3" + secretKey), date);
        var secretService = Hmac(secretDate, service);
        var secretSigning = Hmac(secretService, "tc3_request");
        var signature = Convert.ToHexStringLower(Hmac(secretSigning, stringToSign));
        var authorization = $"{Algorithm} Credential={secretId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";

        return new Tc3Signature(hashedPayload, canonicalRequest, hashedCanonicalRequest, stringToSign, date,
            secretDate, secretService, secretSigning, signedHeaders, signature, authorization);
    }

    private static string HexSha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
}
