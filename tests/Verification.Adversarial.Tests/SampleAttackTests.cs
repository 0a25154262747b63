using System.Net;
using System.Text;
using System.Text.Json;
using CsCheck;
using Xunit.Abstractions;

namespace Verification.Adversarial.Tests;

/// <summary>
/// Attacks 8 and 9 against the real WebApi sample (its build output as a child process), once on the in-memory store
/// and once on Redis: readiness flooded from outside, a token burned by a request naming the wrong account or the
/// wrong purpose, and bodies meant to make sign-up or sign-in answer 500.
/// </summary>
public abstract class SampleAttackTests(ITestOutputHelper output)
{
    private const string Phone = "+86 155 8866 5555";

    /// <summary>The sample's settings that put the store under test in place.</summary>
    protected abstract string[] StoreSettings { get; }

    [Fact]
    public async Task Healthz_FromThePublicPortEvenWithTheManagementPortAsHost_NotFoundAndServedOnlyOnTheManagementPort()
    {
        using var sample = await StartAsync();

        using (var publicHealth = await sample.Client.GetAsync("/healthz"))
        {
            await Json.AssertErrorAsync(publicHealth, HttpStatusCode.NotFound, "not_found", 4040);
        }

        // The Host header is the attacker's to write: it must not open readiness on the public port.
        using (var spoofed = new HttpRequestMessage(HttpMethod.Get, "/healthz"))
        {
            spoofed.Headers.Host = $"127.0.0.1:{sample.ManagementPort}";
            using var answer = await sample.Client.SendAsync(spoofed);
            await Json.AssertErrorAsync(answer, HttpStatusCode.NotFound, "not_found", 4040);
        }

        using (var ping = await sample.Client.GetAsync("/ping"))
        {
            Assert.Equal("ok", (await Json.ReadSuccessAsync(ping)).GetProperty("status").GetString());
        }

        using (var ready = await sample.ManagementClient.GetAsync("/healthz"))
        {
            var report = await Json.ReadSuccessAsync(ready);
            Assert.Equal("ok", report.GetProperty("status").GetString());
            Assert.Equal("healthy", report.GetProperty("checks").GetProperty("verification-store").GetProperty("status").GetString());
        }

        // The management port serves readiness and liveness, not the API.
        using (var api = await sample.ManagementClient.PostAsync("/auth/v1/verification", new StringContent($$"""{"phone_number":"{{Phone}}"}""", Encoding.UTF8, "application/json")))
        {
            await Json.AssertErrorAsync(api, HttpStatusCode.NotFound, "not_found", 4040);
        }

        Assert.Empty(Directory.GetFiles(sample.PickupDirectory));
    }

    [Fact]
    public async Task SignUpAndSignIn_TokenWithAnotherContactOrForAnotherUsage_RefusedWithoutBurningIt()
    {
        using var sample = await StartAsync();

        // A sign-up token of the victim's number, presented with another number, then to sign in: both refused, kept.
        var register = await TokenAsync(sample, "REGISTER");
        using (var otherContact = await PostAsync(sample, "/auth/v1/signup", Body(register, phone: "+86 138 0013 8000")))
        {
            Assert.Equal("contact_mismatch", Json.Detail(await Json.AssertErrorAsync(otherContact, HttpStatusCode.BadRequest, "invalid_verification_token", 4010), "reason"));
        }

        using (var otherUsage = await PostAsync(sample, "/auth/v1/signin", Body(register, phone: Phone)))
        {
            Assert.Equal("usage_mismatch", Json.Detail(await Json.AssertErrorAsync(otherUsage, HttpStatusCode.BadRequest, "invalid_verification_token", 4010), "reason"));
        }

        using (var signedUp = await PostAsync(sample, "/auth/v1/signup", Body(register, phone: "+8615588665555")))
        {
            Assert.Equal("signed_up", (await Json.ReadSuccessAsync(signedUp)).GetProperty("status").GetString());
        }

        // A PASSWORD_RESET token neither signs up nor signs in.
        var reset = await TokenAsync(sample, "PASSWORD_RESET");
        foreach (var path in new[] { "/auth/v1/signup", "/auth/v1/signin" })
        {
            using var refused = await PostAsync(sample, path, Body(reset));
            Assert.Equal("usage_mismatch", Json.Detail(await Json.AssertErrorAsync(refused, HttpStatusCode.BadRequest, "invalid_verification_token", 4010), "reason"));
        }

        // A sign-in token refused by sign-up still signs in, once.
        var signIn = await TokenAsync(sample, "SIGN_IN");
        using (var refused = await PostAsync(sample, "/auth/v1/signup", Body(signIn)))
        {
            Assert.Equal("usage_mismatch", Json.Detail(await Json.AssertErrorAsync(refused, HttpStatusCode.BadRequest, "invalid_verification_token", 4010), "reason"));
        }

        using (var signedIn = await PostAsync(sample, "/auth/v1/signin", Body(signIn, email: "someone@example.com")))
        {
            Assert.Equal("contact_mismatch", Json.Detail(await Json.AssertErrorAsync(signedIn, HttpStatusCode.BadRequest, "invalid_verification_token", 4010), "reason"));
        }

        using (var signedIn = await PostAsync(sample, "/auth/v1/signin", Body(signIn)))
        {
            Assert.Equal("signed_in", (await Json.ReadSuccessAsync(signedIn)).GetProperty("status").GetString());
        }

        using var again = await PostAsync(sample, "/auth/v1/signin", Body(signIn));
        Assert.Equal("used", Json.Detail(await Json.AssertErrorAsync(again, HttpStatusCode.BadRequest, "invalid_verification_token", 4010), "reason"));
    }

    [Fact]
    public async Task SignUpAndSignIn_HostileBodies_NeverAnswer500AlwaysADocumentedJsonError()
    {
        using var sample = await StartAsync();
        var token = await TokenAsync(sample, "REGISTER");
        byte[][] fixedBodies =
        [
            [],
            [0x7B, 0x22, 0x76, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D], // invalid UTF-8 in a property name
            Encoding.UTF8.GetBytes("{\"verification_token\":\"").Concat(new byte[] { 0xC3, 0x28, 0x80 }).Concat(Encoding.UTF8.GetBytes("\"}")).ToArray(),
            Encoding.UTF8.GetBytes("{\"verification_token\":\"").Concat(new byte[] { 0xED, 0xA0, 0x80 }).Concat(Encoding.UTF8.GetBytes("\"}")).ToArray(), // a surrogate encoded as UTF-8
            Encoding.UTF8.GetBytes("{\"verification_token\":\"\\ud800\",\"phone_number\":\"\\udfff\"}"), // lone surrogates as escapes
            Encoding.UTF8.GetBytes($"{{\"verification_token\":\"{token}\",\"phone_number\":\"\\ud800\"}}"),
            Encoding.UTF8.GetBytes($"{{\"verification_token\":\"{token}\",\"email\":\"\\udfff@example.com\"}}"),
            Encoding.UTF8.GetBytes($"{{\"verification_token\":\"{token}\",\"phone_number\":{new string('9', 70_000)}}}"),
            Encoding.UTF8.GetBytes("{\"verification_token\":\"" + new string('a', 2_000_000) + "\"}"),
            Encoding.UTF8.GetBytes("{\"verification_token\":42}"),
            Encoding.UTF8.GetBytes("{\"verification_token\":[\"a\"],\"email\":{}}"),
            Encoding.UTF8.GetBytes($"{{\"verification_token\":\"{token}\",\"phone_number\":true,\"email\":1e308}}"),
            Encoding.UTF8.GetBytes(new string('[', 5_000) + new string(']', 5_000)),
            Encoding.UTF8.GetBytes("null"),
            Encoding.UTF8.GetBytes("verification_token=x&phone_number=1"),
        ];

        var cases = 0;
        foreach (var path in new[] { "/auth/v1/signup", "/auth/v1/signin" })
        {
            foreach (var body in fixedBodies)
            {
                foreach (var contentType in new[] { "application/json", "text/plain", "application/x-www-form-urlencoded", null })
                {
                    await AssertDocumentedAsync(sample, path, body, contentType);
                    cases++;
                }
            }
        }

        // Every JSON type (and hostile strings) in every field.
        await Gen.Select(Hostile.JsonValue, Hostile.JsonValue, Hostile.JsonValue, Gen.Bool).SampleAsync(
            async (tokenValue, phone, email, signUp) =>
            {
                Interlocked.Increment(ref cases);
                var json = $$"""{"verification_token":{{tokenValue}},"phone_number":{{phone}},"email":{{email}}}""";
                await AssertDocumentedAsync(sample, signUp ? "/auth/v1/signup" : "/auth/v1/signin", Encoding.UTF8.GetBytes(json), "application/json");
            },
            iter: 300,
            threads: 1);

        output.WriteLine($"{cases} hostile sign-up/sign-in bodies, none answered 500");

        // None of them burned the token.
        using var signedUp = await PostAsync(sample, "/auth/v1/signup", Body(token, phone: Phone));
        Assert.Equal("signed_up", (await Json.ReadSuccessAsync(signedUp)).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData(253_402_300_800L)] // 10000-01-01: past DateTime.MaxValue
    [InlineData(long.MaxValue)]
    [InlineData(-62_135_596_801L)] // before 0001-01-01
    public async Task SignInAndVerify_CorrectlySignedTokensWithExpOutOfRange_RefusedNeverA500(long exp)
    {
        var secret = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        using var sample = await StartAsync(
            "--Verification:Tokens:Algorithm=HS256",
            "--Verification:Tokens:SigningKeys:0:KeyId=adv",
            "--Verification:Tokens:SigningKeys:0:Secret=" + Convert.ToBase64String(secret));
        using var sent = await PostAsync(sample, "/auth/v1/verification", $$"""{"phone_number":"{{Phone}}","usage":"REGISTER"}""");
        var id = (await Json.ReadSuccessAsync(sent)).GetProperty("verification_id").GetString()!;
        var code = sample.TakeMessage().Code;

        // The verification id, re-signed with the deployment's own secret after its exp was changed.
        using (var verify = await PostAsync(sample, "/auth/v1/verification/verify", $$"""{"verification_id":"{{Resign(id, exp, secret)}}","verification_code":"{{code}}"}"""))
        {
            Assert.Equal(HttpStatusCode.BadRequest, verify.StatusCode);
        }

        using var verified = await PostAsync(sample, "/auth/v1/verification/verify", $$"""{"verification_id":"{{id}}","verification_code":"{{code}}"}""");
        var token = (await Json.ReadSuccessAsync(verified)).GetProperty("verification_token").GetString()!;
        foreach (var path in new[] { "/auth/v1/signup", "/auth/v1/signin" })
        {
            using var forged = await PostAsync(sample, path, Body(Resign(token, exp, secret)));
            await Json.AssertErrorAsync(forged, HttpStatusCode.BadRequest, "invalid_verification_token", 4010);
        }

        // Control: the same re-signing with the token's own exp is accepted, so the refusals above were the exp's.
        var ownExp = System.Text.Json.Nodes.JsonNode.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(token.Split('.')[1]))!["exp"]!.GetValue<long>();
        using var signedUp = await PostAsync(sample, "/auth/v1/signup", Body(Resign(token, ownExp, secret)));
        Assert.Equal("signed_up", (await Json.ReadSuccessAsync(signedUp)).GetProperty("status").GetString());
    }

    private async Task<SampleProcess> StartAsync(params string[] settings) =>
        await SampleProcess.StartAsync([.. StoreSettings, "--Verification:Throttling:ResendCooldown=00:00:00", "--Verification:Throttling:PerIp:Limit=0", .. settings]);

    /// <summary>The token with its <c>exp</c> replaced, signed again (HS256) with <paramref name="secret"/>: a forgery only the key holder could make.</summary>
    private static string Resign(string jwt, long exp, byte[] secret)
    {
        var parts = jwt.Split('.');
        var payload = System.Text.Json.Nodes.JsonNode.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(parts[1]))!.AsObject();
        payload["exp"] = exp;
        var signed = parts[0] + "." + Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(payload.ToJsonString());
        var signature = System.Security.Cryptography.HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signed));
        return signed + "." + Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(signature);
    }

    private static async Task AssertDocumentedAsync(SampleProcess sample, string path, byte[] body, string? contentType)
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }

        using var response = await sample.Client.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode < HttpStatusCode.InternalServerError, $"{(int)response.StatusCode} for {path}: {text}");
        if (!response.IsSuccessStatusCode)
        {
            using var answer = JsonDocument.Parse(text);
            var error = answer.RootElement.GetProperty("error").GetString()!;
            Assert.True(Hostile.DocumentedErrors.Contains(error) || error == VerificationErrorCodes.InvalidVerificationToken, $"{error} for {path}");
        }
    }

    /// <summary>Sends a code for <paramref name="usage"/> to the victim's number, verifies it, and returns the verification token.</summary>
    private static async Task<string> TokenAsync(SampleProcess sample, string usage)
    {
        using var sent = await PostAsync(sample, "/auth/v1/verification", $$"""{"phone_number":"{{Phone}}","usage":"{{usage}}"}""");
        var id = (await Json.ReadSuccessAsync(sent)).GetProperty("verification_id").GetString()!;
        var code = sample.TakeMessage().Code;
        using var verified = await PostAsync(sample, "/auth/v1/verification/verify", $$"""{"verification_id":"{{id}}","verification_code":"{{code}}"}""");
        return (await Json.ReadSuccessAsync(verified)).GetProperty("verification_token").GetString()!;
    }

    private static string Body(string token, string? phone = null, string? email = null) =>
        JsonSerializer.Serialize(new Dictionary<string, string?> { ["verification_token"] = token, ["phone_number"] = phone, ["email"] = email });

    private static Task<HttpResponseMessage> PostAsync(SampleProcess sample, string path, string json) =>
        sample.Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
}

public sealed class InMemorySampleAttackTests(ITestOutputHelper output) : SampleAttackTests(output)
{
    protected override string[] StoreSettings => [];
}

[Trait("Requires", "redis")]
public sealed class RedisSampleAttackTests(ITestOutputHelper output) : SampleAttackTests(output)
{
    private readonly string _prefix = "adv-sample-" + Guid.NewGuid().ToString("N");

    protected override string[] StoreSettings =>
        ["--Verification:Redis:Configuration=" + RedisTestServers.SingleAddress, "--Verification:Redis:KeyPrefix=" + _prefix];
}
