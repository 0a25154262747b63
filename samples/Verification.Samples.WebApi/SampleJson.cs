using System.Text.Json.Serialization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Verification.AspNetCore;

namespace Verification.Samples.WebApi;

/// <summary>The body of the demo's sign-up and sign-in.</summary>
public sealed record RedeemBody
{
    /// <summary>What <c>/auth/v1/verification/verify</c> answered.</summary>
    [JsonPropertyName("verification_token")]
    public string? VerificationToken { get; init; }

    /// <summary>Optional: when given, it must be the contact the token proves.</summary>
    [JsonPropertyName("phone_number")]
    public string? PhoneNumber { get; init; }

    /// <summary>Optional: when given, it must be the contact the token proves.</summary>
    [JsonPropertyName("email")]
    public string? Email { get; init; }
}

/// <summary>The answer of the demo's sign-up and sign-in.</summary>
public sealed record AccountAnswer(
    [property: JsonPropertyName("user_id")] string UserId,
    [property: JsonPropertyName("contact")] string Contact,
    [property: JsonPropertyName("status")] string Status);

/// <summary>The answer of <c>/ping</c>.</summary>
public sealed record PingAnswer([property: JsonPropertyName("status")] string Status);

/// <summary>The answer of <c>/healthz</c>: the overall status and each check's status and description.</summary>
public sealed record HealthAnswer(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("checks")] Dictionary<string, HealthCheckAnswer> Checks)
{
    /// <summary>Writes <paramref name="report"/> (never an exception's details).</summary>
    public static Task WriteAsync(HttpContext context, HealthReport report) =>
        TypedResults.Json(
            new HealthAnswer(
                report.Status switch { HealthStatus.Healthy => "ok", HealthStatus.Degraded => "degraded", _ => "unhealthy" },
                report.Entries.ToDictionary(static e => e.Key, static e => new HealthCheckAnswer(e.Value.Status.ToString().ToLowerInvariant(), e.Value.Description))),
            SampleJsonContext.Default.HealthAnswer,
            contentType: "application/json; charset=utf-8",
            statusCode: context.Response.StatusCode).ExecuteAsync(context);
}

/// <summary>One check of <see cref="HealthAnswer"/>.</summary>
public sealed record HealthCheckAnswer(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("description")] string? Description);

/// <summary>The sample's own bodies; the library's are in <see cref="VerificationJsonContext"/>.</summary>
[JsonSerializable(typeof(RedeemBody))]
[JsonSerializable(typeof(AccountAnswer))]
[JsonSerializable(typeof(PingAnswer))]
[JsonSerializable(typeof(HealthAnswer))]
internal sealed partial class SampleJsonContext : JsonSerializerContext;
