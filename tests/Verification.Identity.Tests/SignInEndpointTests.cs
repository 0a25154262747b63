using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Verification.Identity.Tests;

public sealed partial class SignInEndpointTests
{
    [Fact]
    public async Task Send_UnknownThenSignedUpContact_IsUserFollowsTheIdentityStore()
    {
        await using var app = await IdentityTestApp.StartAsync();
        var before = await app.PostAsync("/auth/v1/verification", new { phone_number = IdentityTestApp.Phone });
        Assert.False(before.RootElement.GetProperty("is_user").GetBoolean());

        app.Clock.Advance(TimeSpan.FromMinutes(2));
        var token = await app.VerificationTokenAsync("+86 155 8866 5555");
        using var signedUp = await app.SendAsync("/auth/v1/signup", new { phone_number = IdentityTestApp.Phone, verification_token = token });
        Assert.Equal(HttpStatusCode.OK, signedUp.StatusCode);

        app.Clock.Advance(TimeSpan.FromMinutes(2));
        var after = await app.PostAsync("/auth/v1/verification", new { phone_number = "+8615588665555" });
        Assert.True(after.RootElement.GetProperty("is_user").GetBoolean());
    }

    [Fact]
    public async Task Send_EmailInAnotherCase_IsUserThroughIdentitysNormalizer()
    {
        await using var app = await IdentityTestApp.StartAsync();
        var token = await app.VerificationTokenAsync(IdentityTestApp.Email);
        using var signedUp = await app.SendAsync("/auth/v1/signup", new { email = IdentityTestApp.Email, verification_token = token });
        Assert.Equal(HttpStatusCode.OK, signedUp.StatusCode);

        app.Clock.Advance(TimeSpan.FromMinutes(2));
        var answer = await app.PostAsync("/auth/v1/verification", new { email = "SomeOne@Example.COM", target = "USER" });
        Assert.True(answer.RootElement.GetProperty("is_user").GetBoolean());
    }

    [Fact]
    public async Task Send_TargetNotUserForAnExistingAccount_AlreadyExists()
    {
        await using var app = await IdentityTestApp.StartAsync();
        await SignUpAsync(app, IdentityTestApp.Phone);
        app.Clock.Advance(TimeSpan.FromMinutes(2));

        using var response = await app.SendAsync("/auth/v1/verification", new { phone_number = IdentityTestApp.Phone, target = "NOT_USER" });
        await AssertErrorAsync(response, HttpStatusCode.Conflict, "already_exists");
    }

    /// <summary>Signs up the phone number, then (after the resend cooldown) verifies a new code for it: a token for sign-in.</summary>
    private static async Task<string> AccountThenNewTokenAsync(IdentityTestApp app, string? name = null, string? usage = null)
    {
        await SignUpAsync(app, IdentityTestApp.Phone, name);
        app.Clock.Advance(TimeSpan.FromMinutes(2));
        return await app.VerificationTokenAsync(IdentityTestApp.Phone, usage);
    }

    private static async Task<JsonElement> SignUpAsync(IdentityTestApp app, string contact, string? name = null)
    {
        var token = await app.VerificationTokenAsync(contact);
        var body = new Dictionary<string, string> { ["verification_token"] = token };
        if (name is not null)
        {
            body["name"] = name;
        }

        using var document = await app.PostAsync("/auth/v1/signup", body);
        Assert.True(document.RootElement.TryGetProperty("access_token", out _), document.RootElement.ToString());
        return document.RootElement.Clone();
    }

    /// <summary>Sends <paramref name="count"/> requests released together from one gate; their statuses and bodies.</summary>
    private static async Task<(HttpStatusCode Status, string Body)[]> RaceAsync(int count, Func<Task<HttpResponseMessage>> send)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = Enumerable.Range(0, count).Select(_ => Task.Run(async () =>
        {
            await gate.Task;
            using var response = await send();
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        })).ToArray();
        gate.SetResult();
        return await Task.WhenAll(attempts);
    }

    private static async Task<HttpResponseMessage> UserMeResponseAsync(IdentityTestApp app, string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/auth/v1/user/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return await app.Client.SendAsync(request);
    }

    private static async Task<JsonElement> UserMeAsync(IdentityTestApp app, string accessToken)
    {
        using var response = await UserMeResponseAsync(app, accessToken);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>
    /// Posts <paramref name="refused"/> to <paramref name="path"/>, which must answer the error; then posts
    /// <paramref name="accepted"/>, which must answer 200: the refusal did not consume the token both carry. Returns the
    /// refusal's body.
    /// </summary>
    private static async Task<JsonElement> AssertRefusedThenAcceptedAsync(IdentityTestApp app, string path, object refused, HttpStatusCode status, string error, object accepted)
    {
        using var refusal = await app.SendAsync(path, refused);
        var body = await AssertErrorAsync(refusal, status, error);

        using var acceptance = await app.SendAsync(path, accepted);
        Assert.True(acceptance.StatusCode == HttpStatusCode.OK, $"{(int)acceptance.StatusCode}: {await acceptance.Content.ReadAsStringAsync()}");
        return body;
    }

    private static async Task<JsonElement> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        var root = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal(error, root.GetProperty("error").GetString());
        Assert.Equal(VerificationErrorCodes.GetNumber(error), root.GetProperty("error_code").GetInt32());
        return root;
    }
}
