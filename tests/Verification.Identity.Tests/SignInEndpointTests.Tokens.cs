using System.Net;

namespace Verification.Identity.Tests;

public sealed partial class SignInEndpointTests
{
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
}
