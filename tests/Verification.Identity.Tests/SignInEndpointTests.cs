using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;

namespace Verification.Identity.Tests;

public sealed class SignInEndpointTests
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

    [Fact]
    public async Task SignUp_PhoneToken_CreatesAConfirmedUserAndAnswersCredentials()
    {
        await using var app = await IdentityTestApp.StartAsync();
        var token = await app.VerificationTokenAsync(IdentityTestApp.Phone);

        using var response = await app.SendAsync("/auth/v1/signup", new { phone_number = "+86 155-8866-5555", verification_token = token, name = "Li Lei" });
        var credentials = await IdentityTestApp.ReadAsync(response);

        Assert.Equal("Bearer", credentials.RootElement.GetProperty("token_type").GetString());
        Assert.False(string.IsNullOrEmpty(credentials.RootElement.GetProperty("access_token").GetString()));
        Assert.False(string.IsNullOrEmpty(credentials.RootElement.GetProperty("refresh_token").GetString()));
        Assert.Equal(3600, credentials.RootElement.GetProperty("expires_in").GetInt64());
        var sub = credentials.RootElement.GetProperty("sub").GetString();
        var user = await app.WithUsersAsync(users => users.FindByIdAsync(sub!));
        Assert.NotNull(user);
        Assert.Equal(IdentityTestApp.PhoneE164, user.PhoneNumber);
        Assert.True(user.PhoneNumberConfirmed);
        Assert.Equal(IdentityTestApp.PhoneE164, user.UserName);
        Assert.False(await app.WithUsersAsync(users => users.HasPasswordAsync(user)));
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task SignUp_EmailToken_CreatesAUserWithAConfirmedEmail()
    {
        await using var app = await IdentityTestApp.StartAsync();
        var token = await app.VerificationTokenAsync(IdentityTestApp.Email);

        var credentials = await app.PostAsync("/auth/v1/signup", new { verification_token = token });

        var user = await app.WithUsersAsync(users => users.FindByIdAsync(credentials.RootElement.GetProperty("sub").GetString()!));
        Assert.Equal(IdentityTestApp.Email, user!.Email);
        Assert.True(user.EmailConfirmed);
    }

    [Fact]
    public async Task SignUp_ExistingAccount_AlreadyExistsAndTheTokenStillSignsIn()
    {
        await using var app = await IdentityTestApp.StartAsync();
        var token = await AccountThenNewTokenAsync(app);

        using var again = await app.SendAsync("/auth/v1/signup", new { phone_number = IdentityTestApp.Phone, verification_token = token });
        await AssertErrorAsync(again, HttpStatusCode.Conflict, "already_exists");

        using var signIn = await app.SendAsync("/auth/v1/signin", new { username = IdentityTestApp.Phone, verification_token = token });
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
    }

    [Fact]
    public async Task SignUp_ContactOfAnotherNumber_RefusedWithoutConsumingTheToken()
    {
        await using var app = await IdentityTestApp.StartAsync();
        var token = await app.VerificationTokenAsync(IdentityTestApp.Phone);

        using var other = await app.SendAsync("/auth/v1/signup", new { phone_number = "+86 15588660000", verification_token = token });
        var error = await AssertErrorAsync(other, HttpStatusCode.BadRequest, "invalid_verification_token");
        Assert.Equal("contact_mismatch", error.GetProperty("details").GetProperty("reason").GetString());

        using var right = await app.SendAsync("/auth/v1/signup", new { phone_number = IdentityTestApp.Phone, verification_token = token });
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
    }

    [Fact]
    public async Task SignUp_TokenOfASignInCode_RefusedWithoutConsumingTheToken()
    {
        await using var app = await IdentityTestApp.StartAsync();
        await SignUpAsync(app, IdentityTestApp.Email);
        var token = await app.VerificationTokenAsync(IdentityTestApp.Phone, usage: "SIGN_IN");

        using var signUp = await app.SendAsync("/auth/v1/signup", new { phone_number = IdentityTestApp.Phone, verification_token = token });
        var error = await AssertErrorAsync(signUp, HttpStatusCode.BadRequest, "invalid_verification_token");
        Assert.Equal("usage_mismatch", error.GetProperty("details").GetProperty("reason").GetString());

        // Still unused: the number has no account, so sign-in says so (rather than "used").
        using var signIn = await app.SendAsync("/auth/v1/signin", new { verification_token = token });
        await AssertErrorAsync(signIn, HttpStatusCode.NotFound, "user_not_found");
    }

    [Fact]
    public async Task SignUp_PasswordWhenPasswordsAreOff_RefusedWithoutConsumingTheToken()
    {
        await using var app = await IdentityTestApp.StartAsync();
        var token = await app.VerificationTokenAsync(IdentityTestApp.Phone);

        using var withPassword = await app.SendAsync("/auth/v1/signup", new { verification_token = token, password = "Secret-123" });
        await AssertErrorAsync(withPassword, HttpStatusCode.BadRequest, "invalid_argument");

        using var without = await app.SendAsync("/auth/v1/signup", new { verification_token = token });
        Assert.Equal(HttpStatusCode.OK, without.StatusCode);
    }

    [Fact]
    public async Task SignUp_WeakPassword_RefusedBeforeTheTokenIsRedeemed()
    {
        await using var app = await IdentityTestApp.StartAsync(o => o.AllowPasswords = true);
        var token = await app.VerificationTokenAsync(IdentityTestApp.Email);

        using var weak = await app.SendAsync("/auth/v1/signup", new { verification_token = token, password = "weak" });
        var error = await AssertErrorAsync(weak, HttpStatusCode.BadRequest, "invalid_argument");
        Assert.Equal("password", error.GetProperty("details").GetProperty("field").GetString());

        using var strong = await app.SendAsync("/auth/v1/signup", new { verification_token = token, password = "Strong-Passw0rd" });
        Assert.Equal(HttpStatusCode.OK, strong.StatusCode);
    }

    [Theory]
    [InlineData("{}", "verification_token")]
    [InlineData("{\"verification_token\":42}", "verification_token")]
    [InlineData("[1,2]", "body")]
    [InlineData("not json", "body")]
    public async Task SignUp_MalformedBody_InvalidArgument(string body, string field)
    {
        await using var app = await IdentityTestApp.StartAsync();
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "text/plain");

        using var response = await app.Client.PostAsync("/auth/v1/signup", content);

        var error = await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_argument");
        Assert.Equal(field, error.GetProperty("details").GetProperty("field").GetString());
    }

    [Fact]
    public async Task SignIn_VerificationToken_CredentialsAuthorizeUserMe()
    {
        await using var app = await IdentityTestApp.StartAsync();
        var token = await AccountThenNewTokenAsync(app, name: "Han Meimei", usage: "SIGN_IN");

        var credentials = await app.PostAsync("/auth/v1/signin", new { username = "+86 155 8866 5555", verification_token = token });
        var me = await UserMeAsync(app, credentials.RootElement.GetProperty("access_token").GetString()!);

        Assert.Equal(credentials.RootElement.GetProperty("sub").GetString(), me.GetProperty("sub").GetString());
        Assert.Equal(IdentityTestApp.PhoneE164, me.GetProperty("phone_number").GetString());
        Assert.Equal("Han Meimei", me.GetProperty("name").GetString());
        Assert.False(me.TryGetProperty("email", out _));
    }

    [Fact]
    public async Task SignIn_UsernameOfAnotherContact_RefusedWithoutConsumingTheToken()
    {
        await using var app = await IdentityTestApp.StartAsync();
        var token = await AccountThenNewTokenAsync(app);

        using var other = await app.SendAsync("/auth/v1/signin", new { username = IdentityTestApp.Email, verification_token = token });
        await AssertErrorAsync(other, HttpStatusCode.BadRequest, "invalid_verification_token");

        using var right = await app.SendAsync("/auth/v1/signin", new { username = IdentityTestApp.PhoneE164, verification_token = token });
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
    }

    [Fact]
    public async Task SignIn_TokenOfARegisterCode_UsageMismatch()
    {
        await using var app = await IdentityTestApp.StartAsync();
        var token = await AccountThenNewTokenAsync(app, usage: "REGISTER");

        using var response = await app.SendAsync("/auth/v1/signin", new { verification_token = token });

        var error = await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_verification_token");
        Assert.Equal("usage_mismatch", error.GetProperty("details").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task SignIn_UnconfirmedContactOfAnAccountWithAPassword_RefusedWithoutConsumingTheToken()
    {
        await using var app = await IdentityTestApp.StartAsync();
        var squatted = new IdentityUser("squatter") { PhoneNumber = IdentityTestApp.PhoneE164 };
        Assert.True((await app.WithUsersAsync(users => users.CreateAsync(squatted, "Squatter-Passw0rd"))).Succeeded);
        var token = await app.VerificationTokenAsync(IdentityTestApp.Phone);

        using var refused = await app.SendAsync("/auth/v1/signin", new { verification_token = token });
        var error = await AssertErrorAsync(refused, HttpStatusCode.BadRequest, "failed_precondition");
        Assert.Equal("unconfirmed_contact", error.GetProperty("details").GetProperty("reason").GetString());

        // The owner of the number keeps the token: without the squatter's password it still proves the number.
        await app.WithUsersAsync(async users => await users.RemovePasswordAsync((await users.FindByIdAsync(squatted.Id))!));
        using var signedIn = await app.SendAsync("/auth/v1/signin", new { verification_token = token });
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.True((await app.WithUsersAsync(users => users.FindByIdAsync(squatted.Id)))!.PhoneNumberConfirmed);
    }

    [Fact]
    public async Task SignIn_NoAccount_UserNotFound()
    {
        await using var app = await IdentityTestApp.StartAsync();
        var token = await app.VerificationTokenAsync(IdentityTestApp.Phone);

        using var response = await app.SendAsync("/auth/v1/signin", new { verification_token = token });

        await AssertErrorAsync(response, HttpStatusCode.NotFound, "user_not_found");
    }

    [Fact]
    public async Task SignIn_SameTokenConcurrently_ExactlyOneSucceeds()
    {
        await using var app = await IdentityTestApp.StartAsync();
        var token = await AccountThenNewTokenAsync(app);

        var results = await RaceAsync(16, () => app.SendAsync("/auth/v1/signin", new { verification_token = token }));

        Assert.Single(results, r => r.Status == HttpStatusCode.OK);
        Assert.All(results.Where(r => r.Status != HttpStatusCode.OK), r => Assert.Contains("\"used\"", r.Body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignUp_SameTokenConcurrently_OneUserIsCreated()
    {
        await using var app = await IdentityTestApp.StartAsync();
        var token = await app.VerificationTokenAsync(IdentityTestApp.Email);

        var results = await RaceAsync(8, () => app.SendAsync("/auth/v1/signup", new { verification_token = token }));

        Assert.Single(results, r => r.Status == HttpStatusCode.OK);
        Assert.Equal(1, await app.WithUsersAsync(users => Task.FromResult(users.Users.Count())));
    }

    [Fact]
    public async Task SignIn_PasswordWhenAllowed_CredentialsAndLockoutAfterWrongPasswords()
    {
        await using var app = await IdentityTestApp.StartAsync(o => o.AllowPasswords = true);
        var token = await app.VerificationTokenAsync(IdentityTestApp.Email);
        using var signedUp = await app.SendAsync("/auth/v1/signup", new { verification_token = token, password = "Strong-Passw0rd" });
        Assert.Equal(HttpStatusCode.OK, signedUp.StatusCode);

        var credentials = await app.PostAsync("/auth/v1/signin", new { username = IdentityTestApp.Email, password = "Strong-Passw0rd" });
        Assert.Equal("Bearer", credentials.RootElement.GetProperty("token_type").GetString());

        for (var i = 0; i < 2; i++)
        {
            using var wrong = await app.SendAsync("/auth/v1/signin", new { username = IdentityTestApp.Email, password = "Wrong-Passw0rd" });
            await AssertErrorAsync(wrong, HttpStatusCode.BadRequest, "invalid_password");
        }

        using var third = await app.SendAsync("/auth/v1/signin", new { username = IdentityTestApp.Email, password = "Wrong-Passw0rd" });
        await AssertErrorAsync(third, HttpStatusCode.Forbidden, "user_blocked");
        using var locked = await app.SendAsync("/auth/v1/signin", new { username = IdentityTestApp.Email, password = "Strong-Passw0rd" });
        await AssertErrorAsync(locked, HttpStatusCode.Forbidden, "user_blocked");
    }

    [Fact]
    public async Task SignIn_PasswordWhenPasswordsAreOff_InvalidArgument()
    {
        await using var app = await IdentityTestApp.StartAsync();

        using var response = await app.SendAsync("/auth/v1/signin", new { username = IdentityTestApp.Email, password = "Strong-Passw0rd" });

        var error = await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_argument");
        Assert.Equal("verification_token", error.GetProperty("details").GetProperty("field").GetString());
    }

    [Fact]
    public async Task Token_RefreshToken_NewCredentialsThatAuthorizeUserMe()
    {
        await using var app = await IdentityTestApp.StartAsync();
        var first = await SignUpAsync(app, IdentityTestApp.Phone);
        app.Clock.Advance(TimeSpan.FromMinutes(90));

        // The access token expired after an hour; the refresh token has not.
        using var expired = await UserMeResponseAsync(app, first.GetProperty("access_token").GetString()!);
        await AssertErrorAsync(expired, HttpStatusCode.Unauthorized, "unauthenticated");
        var refreshed = await app.PostAsync("/auth/v1/token", new { client_id = "test", grant_type = "refresh_token", refresh_token = first.GetProperty("refresh_token").GetString() });

        Assert.Equal(first.GetProperty("sub").GetString(), refreshed.RootElement.GetProperty("sub").GetString());
        var me = await UserMeAsync(app, refreshed.RootElement.GetProperty("access_token").GetString()!);
        Assert.Equal(IdentityTestApp.PhoneE164, me.GetProperty("phone_number").GetString());
    }

    [Fact]
    public async Task Token_AccessTokenOrForgedToken_Unauthenticated()
    {
        await using var app = await IdentityTestApp.StartAsync();
        var credentials = await SignUpAsync(app, IdentityTestApp.Phone);

        using var access = await app.SendAsync("/auth/v1/token", new { grant_type = "refresh_token", refresh_token = credentials.GetProperty("access_token").GetString() });
        await AssertErrorAsync(access, HttpStatusCode.Unauthorized, "unauthenticated");
        using var forged = await app.SendAsync("/auth/v1/token", new { grant_type = "refresh_token", refresh_token = "forged" });
        await AssertErrorAsync(forged, HttpStatusCode.Unauthorized, "unauthenticated");
        using var grant = await app.SendAsync("/auth/v1/token", new { grant_type = "password", refresh_token = "x" });
        await AssertErrorAsync(grant, HttpStatusCode.BadRequest, "invalid_argument");
    }

    [Fact]
    public async Task Token_AfterTheSecurityStampChanged_Unauthenticated()
    {
        await using var app = await IdentityTestApp.StartAsync();
        var credentials = await SignUpAsync(app, IdentityTestApp.Phone);
        await app.WithUsersAsync(async users => await users.UpdateSecurityStampAsync((await users.FindByIdAsync(credentials.GetProperty("sub").GetString()!))!));

        using var response = await app.SendAsync("/auth/v1/token", new { grant_type = "refresh_token", refresh_token = credentials.GetProperty("refresh_token").GetString() });

        await AssertErrorAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task UserMe_NoOrRefreshToken_Unauthenticated()
    {
        await using var app = await IdentityTestApp.StartAsync();
        var credentials = await SignUpAsync(app, IdentityTestApp.Email);

        using var none = await app.Client.GetAsync("/auth/v1/user/me");
        await AssertErrorAsync(none, HttpStatusCode.Unauthorized, "unauthenticated");
        using var refresh = await UserMeResponseAsync(app, credentials.GetProperty("refresh_token").GetString()!);
        await AssertErrorAsync(refresh, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task SignUp_WithCookies_SetsIdentitysCookieThatAuthorizesUserMe()
    {
        await using var app = await IdentityTestApp.StartAsync(o => o.UseCookies = true);
        var token = await app.VerificationTokenAsync(IdentityTestApp.Email);

        using var response = await app.SendAsync("/auth/v1/signup", new { verification_token = token });
        var body = await IdentityTestApp.ReadAsync(response);

        Assert.False(body.RootElement.TryGetProperty("access_token", out _));
        var sub = body.RootElement.GetProperty("sub").GetString();
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Identity.Application=", StringComparison.Ordinal));
        using var me = new HttpRequestMessage(HttpMethod.Get, "/auth/v1/user/me");
        me.Headers.Add("Cookie", cookie.Split(';')[0]);
        using var answer = await app.Client.SendAsync(me);
        var profile = await IdentityTestApp.ReadAsync(answer);
        Assert.Equal(sub, profile.RootElement.GetProperty("sub").GetString());
        Assert.Equal(IdentityTestApp.Email, profile.RootElement.GetProperty("email").GetString());
    }

    [Fact]
    public async Task SignUp_Get_MethodNotAllowed()
    {
        await using var app = await IdentityTestApp.StartAsync();

        using var response = await app.Client.GetAsync("/auth/v1/signup");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
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
