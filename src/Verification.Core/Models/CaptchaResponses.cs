using System.Text.Json.Serialization;

namespace Verification;

/// <summary>A new image-captcha challenge: the 200 body of <c>POST /auth/v1/captcha/data</c>.</summary>
/// <param name="Data">The picture as a data URL, <c>data:image/png;base64,…</c>.</param>
/// <param name="Type">Always <c>"image"</c>.</param>
/// <param name="Token">The challenge token to send back with the key.</param>
/// <param name="ExpiresIn">Seconds until the challenge expires.</param>
public sealed record CaptchaChallenge(
    [property: JsonPropertyName("data")] string Data,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("expires_in")] int ExpiresIn)
{
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Type = ").Append(Type).Append(", Token = ***, ExpiresIn = ").Append(ExpiresIn);
        return true;
    }
}

/// <summary>A solved challenge: the 200 body of <c>POST /auth/v1/captcha/data/verify</c>.</summary>
/// <param name="CaptchaToken">A single-use token for the <c>x-captcha-token</c> header of the next send.</param>
/// <param name="ExpiresIn">Seconds until the captcha token expires.</param>
public sealed record CaptchaSolution(
    [property: JsonPropertyName("captcha_token")] string CaptchaToken,
    [property: JsonPropertyName("expires_in")] int ExpiresIn)
{
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("CaptchaToken = ***, ExpiresIn = ").Append(ExpiresIn);
        return true;
    }
}
