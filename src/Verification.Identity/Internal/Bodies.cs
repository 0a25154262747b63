using System.Text.Json.Serialization;

namespace Verification.Identity;

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

[JsonSerializable(typeof(CredentialsBody))]
[JsonSerializable(typeof(SignedInBody))]
[JsonSerializable(typeof(UserInfoBody))]
internal sealed partial class IdentityJsonContext : JsonSerializerContext;
