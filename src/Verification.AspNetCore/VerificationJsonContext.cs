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
public sealed partial class VerificationJsonContext : JsonSerializerContext;
