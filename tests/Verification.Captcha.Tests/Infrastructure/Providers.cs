using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Verification.Captcha.Tests;

/// <summary>The providers' published test keys and tokens (listed in docs/captcha-providers.md, "Local development and tests").</summary>
internal static class TestKeys
{
    public const string TurnstileAlwaysPasses = "1x0000000000000000000000000000000AA";
    public const string TurnstileAlwaysFails = "2x0000000000000000000000000000000AA";
    public const string TurnstileTokenSpent = "3x0000000000000000000000000000000AA";
    public const string TurnstileDummyToken = "XXXX.DUMMY.TOKEN.XXXX";

    public const string HCaptchaSiteKey = "10000000-ffff-ffff-ffff-000000000001";
    public const string HCaptchaSecret = "0x0000000000000000000000000000000000000000";
    public const string HCaptchaPassingResponse = "10000000-aaaa-bbbb-cccc-000000000001";

    /// <summary>A made-up reCAPTCHA secret that the reCAPTCHA stand-in knows.</summary>
    public const string ReCaptchaSecret = "6Lc-stand-in-secret-0000000000000000000000";
}

/// <summary>
/// Stand-ins that behave like each provider's siteverify: they read the request the way the provider does (form or
/// JSON), check the secret, response, remoteip and sitekey themselves, and answer the documented bodies.
/// </summary>
internal static class Siteverify
{
    public const string ChallengeTs = "2026-03-01T08:30:00.000Z";

    /// <summary>
    /// Cloudflare Turnstile with its test secrets: 1x… passes the dummy token, 2x… fails it
    /// (<c>invalid-input-response</c>), 3x… answers <c>timeout-or-duplicate</c>; any other secret is invalid.
    /// Form or JSON bodies.
    /// </summary>
    public static StandIn.Handler Turnstile(string action = "", string hostname = "example.com") => (context, request, _) =>
    {
        if (!request.IsForm && !request.IsJson)
        {
            return Write(context, Failure("bad-request"));
        }

        var secret = request.Fields.GetValueOrDefault("secret");
        var response = request.Fields.GetValueOrDefault("response");
        var body = secret switch
        {
            null or "" => Failure("missing-input-secret"),
            TestKeys.TurnstileAlwaysPasses or TestKeys.TurnstileAlwaysFails or TestKeys.TurnstileTokenSpent when string.IsNullOrEmpty(response) => Failure("missing-input-response"),
            TestKeys.TurnstileAlwaysPasses when response == TestKeys.TurnstileDummyToken =>
                $$$"""{"success":true,"challenge_ts":"{{{ChallengeTs}}}","hostname":"{{{hostname}}}","error-codes":[],"action":"{{{action}}}","cdata":"","metadata":{"ephemeral_id":"x:9f2bc5e4a1"}}""",
            TestKeys.TurnstileAlwaysPasses or TestKeys.TurnstileAlwaysFails => Failure("invalid-input-response"),
            TestKeys.TurnstileTokenSpent => Failure("timeout-or-duplicate"),
            _ => Failure("invalid-input-secret"),
        };
        return Write(context, body);
    };

    /// <summary>
    /// hCaptcha in test mode: form-encoded only (a JSON body carries no fields, so the secret is missing); the test
    /// secret passes the test response, and a <c>sitekey</c>, when sent, must be the test site key.
    /// </summary>
    public static StandIn.Handler HCaptcha() => (context, request, _) =>
    {
        var fields = request.IsForm ? request.Fields : new Dictionary<string, string>();
        var secret = fields.GetValueOrDefault("secret");
        var response = fields.GetValueOrDefault("response");
        var body = (secret, response) switch
        {
            (null or "", _) => Failure("missing-input-secret"),
            (not TestKeys.HCaptchaSecret, _) => Failure("invalid-input-secret"),
            (_, null or "") => Failure("missing-input-response"),
            _ when fields.TryGetValue("sitekey", out var siteKey) && siteKey != TestKeys.HCaptchaSiteKey => Failure("sitekey-secret-mismatch"),
            (_, TestKeys.HCaptchaPassingResponse) => $$"""{"success":true,"challenge_ts":"{{ChallengeTs}}","hostname":"dummy-key-pass","credit":false}""",
            _ => Failure("invalid-input-response"),
        };
        return Write(context, body);
    };

    /// <summary>
    /// Google reCAPTCHA: form-encoded; <paramref name="tokens"/> maps each known response token to its answer (a v3
    /// answer when it has a score or an action); an unknown token is <c>invalid-input-response</c>.
    /// </summary>
    public static StandIn.Handler ReCaptcha(IReadOnlyDictionary<string, ReCaptchaToken> tokens) => (context, request, _) =>
    {
        var fields = request.IsForm ? request.Fields : new Dictionary<string, string>();
        var secret = fields.GetValueOrDefault("secret");
        var response = fields.GetValueOrDefault("response");
        string body;
        if (string.IsNullOrEmpty(secret))
        {
            body = Failure("missing-input-secret");
        }
        else if (secret != TestKeys.ReCaptchaSecret)
        {
            body = Failure("invalid-input-secret");
        }
        else if (string.IsNullOrEmpty(response))
        {
            body = Failure("missing-input-response");
        }
        else if (!tokens.TryGetValue(response, out var token))
        {
            body = Failure("invalid-input-response");
        }
        else
        {
            var json = new StringBuilder($$"""{"success":true,"challenge_ts":"{{ChallengeTs}}","hostname":"{{token.Hostname}}" """.TrimEnd());
            if (token.Score is { } score)
            {
                json.Append(CultureInfo.InvariantCulture, $",\"score\":{score}");
            }

            if (token.Action is { } action)
            {
                json.Append(",\"action\":").Append(JsonSerializer.Serialize(action));
            }

            body = json.Append('}').ToString();
        }

        return Write(context, body);
    };

    public static string Failure(string code) => $$"""{"success":false,"error-codes":["{{code}}"]}""";

    private static Task Write(HttpContext context, string json)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(json);
    }
}

/// <summary>What the reCAPTCHA stand-in answers for one token.</summary>
internal sealed record ReCaptchaToken(double? Score = null, string? Action = null, string Hostname = "example.com");
