using System.Net;
using Microsoft.AspNetCore.Identity;

namespace Verification.Identity.Tests;

public sealed partial class SignInEndpointTests
{
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

        await AssertRefusedThenAcceptedAsync(
            app,
            "/auth/v1/signin",
            refused: new { username = IdentityTestApp.Email, verification_token = token },
            HttpStatusCode.BadRequest,
            "invalid_verification_token",
            accepted: new { username = IdentityTestApp.PhoneE164, verification_token = token });
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
}
