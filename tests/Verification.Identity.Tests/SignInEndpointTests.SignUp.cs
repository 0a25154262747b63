using System.Net;

namespace Verification.Identity.Tests;

public sealed partial class SignInEndpointTests
{
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

        var error = await AssertRefusedThenAcceptedAsync(
            app,
            "/auth/v1/signup",
            refused: new { phone_number = "+86 15588660000", verification_token = token },
            HttpStatusCode.BadRequest,
            "invalid_verification_token",
            accepted: new { phone_number = IdentityTestApp.Phone, verification_token = token });

        Assert.Equal("contact_mismatch", error.GetProperty("details").GetProperty("reason").GetString());
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

        await AssertRefusedThenAcceptedAsync(
            app,
            "/auth/v1/signup",
            refused: new { verification_token = token, password = "Secret-123" },
            HttpStatusCode.BadRequest,
            "invalid_argument",
            accepted: new { verification_token = token });
    }

    [Fact]
    public async Task SignUp_WeakPassword_RefusedBeforeTheTokenIsRedeemed()
    {
        await using var app = await IdentityTestApp.StartAsync(o => o.AllowPasswords = true);
        var token = await app.VerificationTokenAsync(IdentityTestApp.Email);

        var error = await AssertRefusedThenAcceptedAsync(
            app,
            "/auth/v1/signup",
            refused: new { verification_token = token, password = "weak" },
            HttpStatusCode.BadRequest,
            "invalid_argument",
            accepted: new { verification_token = token, password = "Strong-Passw0rd" });

        Assert.Equal("password", error.GetProperty("details").GetProperty("field").GetString());
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
    public async Task SignUp_SameTokenConcurrently_OneUserIsCreated()
    {
        await using var app = await IdentityTestApp.StartAsync();
        var token = await app.VerificationTokenAsync(IdentityTestApp.Email);

        var results = await RaceAsync(8, () => app.SendAsync("/auth/v1/signup", new { verification_token = token }));

        Assert.Single(results, r => r.Status == HttpStatusCode.OK);
        Assert.Equal(1, await app.WithUsersAsync(users => Task.FromResult(users.Users.Count())));
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
}
