using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Verification.AspNetCore;

/// <summary>
/// The source-generated System.Text.Json metadata of every body of the HTTP API, request and answer: use it to
/// read and write the same JSON in an app's own endpoints (no reflection, so it suits trimmed and AOT builds).
/// Reading refuses duplicate properties and more than 16 levels of nesting; writing leaves out null members.
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowDuplicateProperties = false,
    MaxDepth = 16)]
[JsonSerializable(typeof(SendVerificationBody))]
[JsonSerializable(typeof(VerifyVerificationBody))]
[JsonSerializable(typeof(CaptchaVerifyBody))]
[JsonSerializable(typeof(VerificationResponse))]
[JsonSerializable(typeof(VerifyResponse))]
[JsonSerializable(typeof(CaptchaChallenge))]
[JsonSerializable(typeof(CaptchaSolution))]
[JsonSerializable(typeof(VerifiedContact))]
[JsonSerializable(typeof(VerificationErrorBody))]
[JsonSerializable(typeof(VerificationErrorDetails))]
[JsonSerializable(typeof(VerificationTarget))]
[JsonSerializable(typeof(VerificationUsage))]
public sealed partial class VerificationJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context the library writes its answers with: the same settings as <see cref="Default"/>, with an encoder
    /// that leaves <c>'</c>, <c>+</c>, <c>&amp;</c>, <c>&lt;</c>, <c>&gt;</c> and non-ASCII text as they are, so that
    /// an error description such as "phone_number must start with '+' and the country code" reads the same in a terminal (curl) as in the
    /// documentation, instead of <c>\u0027</c> and <c>\u002B</c>.
    /// </summary>
    /// <remarks>
    /// The default encoder escapes those characters for JSON embedded in HTML (a <c>&lt;script&gt;</c> block), which
    /// these answers never are: they are <c>application/json</c> bodies of an API, read by JSON parsers, and sent
    /// with <c>X-Content-Type-Options: nosniff</c> by any sane host. The relaxed encoder still escapes what JSON
    /// requires (quotes, backslashes, control characters) and lone surrogates, so the output stays valid JSON.
    /// </remarks>
    internal static VerificationJsonContext Readable { get; } = new(new JsonSerializerOptions
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        AllowDuplicateProperties = false,
        MaxDepth = 16,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
