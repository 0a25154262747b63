using System.Net;
using System.Text;
using System.Text.Json;

namespace Verification.AspNetCore.Tests;

/// <summary>The real sample (samples/Verification.Samples.WebApi) as a child process: sign-up, then sign-in.</summary>
public sealed class SampleWebApiTests
{
    [Theory]
    [InlineData("phone_number", TestApp.Phone, TestApp.PhoneE164)]
    [InlineData("email", TestApp.Email, TestApp.Email)]
    public async Task SignUpThenSignIn_WithCodesFromThePickupDirectory_CreatesThenFindsTheAccount(string field, string contact, string normalized)
    {
        using var sample = await SampleProcess.StartAsync("--Verification:Throttling:ResendCooldown=00:00:00");
        var contactJson = JsonSerializer.Serialize(new Dictionary<string, string> { [field] = contact });

        // First send: no account yet.
        using var firstSend = await PostAsync(sample, "/auth/v1/verification?client_id=abc", contactJson);
        var first = await Json.ReadSuccessAsync(firstSend);
        Assert.False(first.GetProperty("is_user").GetBoolean());
        var firstMessage = sample.TakeMessage();
        Assert.Equal(normalized, firstMessage.To);
        var signUpToken = await VerifyAsync(sample, first.GetProperty("verification_id").GetString()!, firstMessage.Code);

        using var signUp = await PostAsync(sample, "/auth/v1/signup", TokenJson(signUpToken));
        var account = await Json.ReadSuccessAsync(signUp);
        Assert.Equal("signed_up", account.GetProperty("status").GetString());
        Assert.Equal(normalized, account.GetProperty("contact").GetString());
        var userId = account.GetProperty("user_id").GetString();

        // Second send for the same contact: the account now exists.
        using var secondSend = await PostAsync(sample, "/auth/v1/verification", contactJson);
        var second = await Json.ReadSuccessAsync(secondSend);
        Assert.True(second.GetProperty("is_user").GetBoolean());
        var signInToken = await VerifyAsync(sample, second.GetProperty("verification_id").GetString()!, sample.TakeMessage().Code);

        using var signIn = await PostAsync(sample, "/auth/v1/signin", TokenJson(signInToken));
        var signedIn = await Json.ReadSuccessAsync(signIn);
        Assert.Equal("signed_in", signedIn.GetProperty("status").GetString());
        Assert.Equal(userId, signedIn.GetProperty("user_id").GetString());

        // A verification token is redeemed once only.
        using var again = await PostAsync(sample, "/auth/v1/signin", TokenJson(signInToken));
        var refused = await Json.AssertErrorAsync(again, HttpStatusCode.BadRequest, "invalid_verification_token", 4010);
        Assert.Equal("used", Json.Detail(refused, "reason"));
        using var signUpAgain = await PostAsync(sample, "/auth/v1/signup", TokenJson(signUpToken));
        await Json.AssertErrorAsync(signUpAgain, HttpStatusCode.BadRequest, "invalid_verification_token", 4010);
    }

    [Fact]
    public async Task Sample_PageAndUnknownPaths_ServesHtmlAndJsonNotFound()
    {
        using var sample = await SampleProcess.StartAsync();

        using var page = await sample.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);

        using var missing = await sample.Client.GetAsync("/missing");
        await Json.AssertErrorAsync(missing, HttpStatusCode.NotFound, "not_found", 4040);

        using var missingFile = await sample.Client.GetAsync("/missing.png");
        await Json.AssertErrorAsync(missingFile, HttpStatusCode.NotFound, "not_found", 4040);

        using var wrongMethod = await sample.Client.GetAsync("/auth/v1/verification");
        await Json.AssertErrorAsync(wrongMethod, HttpStatusCode.MethodNotAllowed, "method_not_allowed", 4050);

        using var missingUnderPrefix = await sample.Client.PostAsync("/auth/v1/nope", new StringContent("{}"));
        await Json.AssertErrorAsync(missingUnderPrefix, HttpStatusCode.NotFound, "not_found", 4040);

        // Readiness only on the management port; the public port answers 404 for it.
        using var publicHealth = await sample.Client.GetAsync("/healthz");
        await Json.AssertErrorAsync(publicHealth, HttpStatusCode.NotFound, "not_found", 4040);
        using var health = await sample.ManagementClient.GetAsync("/healthz");
        var report = await Json.ReadSuccessAsync(health);
        Assert.Equal("ok", report.GetProperty("status").GetString());
        Assert.Equal("healthy", report.GetProperty("checks").GetProperty("verification-store").GetProperty("status").GetString());

        using var ping = await sample.Client.GetAsync("/ping");
        Assert.Equal("ok", (await Json.ReadSuccessAsync(ping)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Sample_SignUpWithMalformedBodyOrForgedToken_AnswersJsonErrors()
    {
        using var sample = await SampleProcess.StartAsync();

        using var malformed = await PostAsync(sample, "/auth/v1/signup", "{\"verification_token\":");
        await Json.AssertInvalidArgumentAsync(malformed, "body", "malformed");

        using var oversize = await PostAsync(sample, "/auth/v1/signin", "{\"pad\":\"" + new string('x', 5000) + "\"}");
        await Json.AssertInvalidArgumentAsync(oversize, "body", "too_long");

        using var wrongType = await PostAsync(sample, "/auth/v1/signup", """{"verification_token":42}""");
        await Json.AssertInvalidArgumentAsync(wrongType, "verification_token", "malformed");

        using var forged = await PostAsync(sample, "/auth/v1/signin", TokenJson("eyJhbGciOiJub25lIn0.eyJlIjoieCJ9."));
        await Json.AssertErrorAsync(forged, HttpStatusCode.BadRequest, "invalid_verification_token", 4010);
    }

    private static async Task<string> VerifyAsync(SampleProcess sample, string verificationId, string code)
    {
        using var response = await PostAsync(sample, "/auth/v1/verification/verify", VerificationFlowTests.VerifyJson(verificationId, code));
        return (await Json.ReadSuccessAsync(response)).GetProperty("verification_token").GetString()!;
    }

    private static Task<HttpResponseMessage> PostAsync(SampleProcess sample, string path, string json) =>
        sample.Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "text/plain"));

    private static string TokenJson(string token) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["verification_token"] = token });
}
