using System.Text.Json.Serialization;

namespace Verification.Identity;

/// <summary>The body of <c>POST signup</c>.</summary>
internal sealed record SignUpBody
{
    [JsonPropertyName("phone_number")]
    public string? PhoneNumber { get; init; }

    [JsonPropertyName("email")]
    public string? Email { get; init; }

    [JsonPropertyName("verification_token")]
    public string? VerificationToken { get; init; }

    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("password")]
    public string? Password { get; init; }
}

/// <summary>The body of <c>POST signin</c>.</summary>
internal sealed record SignInBody
{
    [JsonPropertyName("username")]
    public string? Username { get; init; }

    [JsonPropertyName("password")]
    public string? Password { get; init; }

    [JsonPropertyName("verification_token")]
    public string? VerificationToken { get; init; }
}

/// <summary>The body of <c>POST token</c>.</summary>
internal sealed record TokenBody
{
    [JsonPropertyName("grant_type")]
    public string? GrantType { get; init; }

    [JsonPropertyName("refresh_token")]
    public string? RefreshToken { get; init; }
}

/// <summary>The CloudBase credentials answered by sign-up, sign-in and token refresh.</summary>
internal sealed record CredentialsBody(
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("refresh_token")] string RefreshToken,
    [property: JsonPropertyName("expires_in")] long ExpiresIn,
    [property: JsonPropertyName("sub")] string Sub);

/// <summary>The basic profile answered by <c>GET user/me</c>; absent fields are left out.</summary>
internal sealed record UserInfoBody(
    [property: JsonPropertyName("sub")] string Sub,
    [property: JsonPropertyName("username"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Username,
    [property: JsonPropertyName("name"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name,
    [property: JsonPropertyName("phone_number"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PhoneNumber,
    [property: JsonPropertyName("email"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Email);

/// <summary>The answer of a cookie sign-in: who signed in (the cookie itself is a header).</summary>
internal sealed record SignedInBody([property: JsonPropertyName("sub")] string Sub);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, AllowDuplicateProperties = false, MaxDepth = 16)]
[JsonSerializable(typeof(SignUpBody))]
[JsonSerializable(typeof(SignInBody))]
[JsonSerializable(typeof(TokenBody))]
[JsonSerializable(typeof(CredentialsBody))]
[JsonSerializable(typeof(SignedInBody))]
[JsonSerializable(typeof(UserInfoBody))]
internal sealed partial class IdentityJsonContext : JsonSerializerContext;
