using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Verification.Identity.Tests;

public sealed class VerificationTokenProviderTests
{
    private const string NewPhone = "+86 13912345678";
    private const string NewPhoneE164 = "+8613912345678";

    [Fact]
    public async Task ChangePhoneNumber_CodeFromTheProvider_ChangesAndConfirmsTheNumber()
    {
        await using var app = await IdentityTestApp.StartAsync();
        var user = await CreateUserAsync(app);

        var changed = await app.WithUsersAsync(async users =>
        {
            var fresh = (await users.FindByIdAsync(user.Id))!;
            Assert.Equal(string.Empty, await users.GenerateChangePhoneNumberTokenAsync(fresh, NewPhoneE164));
            return await users.ChangePhoneNumberAsync(fresh, NewPhoneE164, app.Sms.LastCodeTo(NewPhoneE164)!);
        });

        Assert.True(changed.Succeeded, string.Join(", ", changed.Errors.Select(e => e.Code)));
        var stored = await app.WithUsersAsync(users => users.FindByIdAsync(user.Id));
        Assert.Equal(NewPhoneE164, stored!.PhoneNumber);
        Assert.True(stored.PhoneNumberConfirmed);
    }

    [Fact]
    public async Task Validate_SameCodeTwice_SecondIsRefused()
    {
        await using var app = await IdentityTestApp.StartAsync();
        var user = await CreateUserAsync(app);
        var code = await GenerateAsync(app, user, "ChangePhoneNumber:" + NewPhone);

        Assert.True(await ValidateAsync(app, user, "ChangePhoneNumber:" + NewPhone, code));
        Assert.False(await ValidateAsync(app, user, "ChangePhoneNumber:" + NewPhone, code));
    }

    [Fact]
    public async Task Validate_FiveWrongCodes_TheRightCodeIsRefusedAfterwards()
    {
        await using var app = await IdentityTestApp.StartAsync();
        var user = await CreateUserAsync(app);
        var (code, wrong) = await GenerateThenFourWrongAttemptsAsync(app, user);

        // Four wrong attempts leave the code usable; the fifth burns it.
        var fifth = await app.Verification.CheckCodeAsync(new CodeCheckRequest(IdentityTestApp.PhoneE164, null, VerificationUsage.SignIn, wrong));
        Assert.Equal(VerificationErrorReasons.Exhausted, fifth.Error?.Reason);
        Assert.False(await ValidateAsync(app, user, "TwoFactor", code));
    }

    [Fact]
    public async Task Validate_FourWrongCodesThenTheRightOne_Accepted()
    {
        await using var app = await IdentityTestApp.StartAsync();
        var user = await CreateUserAsync(app);
        var (code, _) = await GenerateThenFourWrongAttemptsAsync(app, user);

        Assert.True(await ValidateAsync(app, user, "TwoFactor", code));
    }

    [Fact]
    public async Task Validate_AfterTheCodeExpired_Refused()
    {
        await using var app = await IdentityTestApp.StartAsync();
        var user = await CreateUserAsync(app);
        var code = await GenerateAsync(app, user, "TwoFactor");

        app.Clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));

        Assert.False(await ValidateAsync(app, user, "TwoFactor", code));
    }

    [Fact]
    public async Task Validate_CodeOfAnotherPurpose_Refused()
    {
        await using var app = await IdentityTestApp.StartAsync();
        var user = await CreateUserAsync(app);
        var code = await GenerateAsync(app, user, "ResetPassword");

        Assert.False(await ValidateAsync(app, user, "TwoFactor", code));
    }

    [Fact]
    public async Task TwoFactorSignIn_CodeOfTheProvider_SignsIn()
    {
        await using var app = await IdentityTestApp.StartAsync();
        var user = await CreateUserAsync(app);
        await app.WithUsersAsync(async users => await users.SetTwoFactorEnabledAsync((await users.FindByIdAsync(user.Id))!, true));

        var providers = await app.WithUsersAsync(async users => await users.GetValidTwoFactorProvidersAsync((await users.FindByIdAsync(user.Id))!));
        Assert.Contains(VerificationTokenProvider.ProviderName, providers);
        var code = await GenerateAsync(app, user, "TwoFactor");
        var verified = await app.WithUsersAsync(async users => await users.VerifyTwoFactorTokenAsync((await users.FindByIdAsync(user.Id))!, VerificationTokenProvider.ProviderName, code));

        Assert.True(verified);
    }

    [Fact]
    public async Task Generate_WithinTheResendCooldown_ThrowsTheEnginesRefusal()
    {
        await using var app = await IdentityTestApp.StartAsync();
        var user = await CreateUserAsync(app);
        await GenerateAsync(app, user, "TwoFactor");

        var refused = await Assert.ThrowsAsync<VerificationRefusedException>(() => GenerateAsync(app, user, "TwoFactor"));

        Assert.Equal(VerificationErrorCodes.RateLimitExceeded, refused.Error.Code);
        Assert.Equal(VerificationErrorReasons.ResendCooldown, refused.Error.Reason);
    }

    [Fact]
    public async Task CanGenerate_UserWithoutConfirmedContact_False()
    {
        await using var app = await IdentityTestApp.StartAsync();
        var user = new IdentityUser("nobody") { PhoneNumber = IdentityTestApp.PhoneE164 };
        await app.WithUsersAsync(users => users.CreateAsync(user));

        var can = await app.WithUsersAsync(async users =>
            await users.GetValidTwoFactorProvidersAsync((await users.FindByIdAsync(user.Id))!));

        Assert.DoesNotContain(VerificationTokenProvider.ProviderName, can);
    }

    /// <summary>A user with a confirmed phone number, stored through Identity.</summary>
    private static async Task<IdentityUser> CreateUserAsync(IdentityTestApp app)
    {
        var user = new IdentityUser(IdentityTestApp.PhoneE164) { PhoneNumber = IdentityTestApp.PhoneE164, PhoneNumberConfirmed = true };
        var created = await app.WithUsersAsync(users => users.CreateAsync(user));
        Assert.True(created.Succeeded);
        return user;
    }

    private static async Task<string> GenerateAsync(IdentityTestApp app, IdentityUser user, string purpose)
    {
        await app.WithUsersAsync(async users =>
            await users.GenerateUserTokenAsync((await users.FindByIdAsync(user.Id))!, VerificationTokenProvider.ProviderName, purpose));
        var to = purpose.StartsWith("ChangePhoneNumber:", StringComparison.Ordinal) ? NewPhoneE164 : IdentityTestApp.PhoneE164;
        return app.Sms.LastCodeTo(to)!;
    }

    /// <summary>Sends a two-factor code and spends four of its five attempts on a wrong one.</summary>
    private static async Task<(string Code, string Wrong)> GenerateThenFourWrongAttemptsAsync(IdentityTestApp app, IdentityUser user)
    {
        var code = await GenerateAsync(app, user, "TwoFactor");
        var wrong = code == "000000" ? "111111" : "000000";
        for (var i = 0; i < 4; i++)
        {
            Assert.False(await ValidateAsync(app, user, "TwoFactor", wrong));
        }

        return (code, wrong);
    }

    private static Task<bool> ValidateAsync(IdentityTestApp app, IdentityUser user, string purpose, string code) =>
        app.WithUsersAsync(async users =>
            await users.VerifyUserTokenAsync((await users.FindByIdAsync(user.Id))!, VerificationTokenProvider.ProviderName, purpose, code));
}
