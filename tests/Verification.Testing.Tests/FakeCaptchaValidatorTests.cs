using Microsoft.Extensions.DependencyInjection;

namespace Verification.Testing.Tests;

public sealed class FakeCaptchaValidatorTests
{
    [Fact]
    public async Task ValidateAsync_Default_PassesAndRecordsTheToken()
    {
        var captcha = new FakeCaptchaValidator();

        var result = await captcha.ValidateAsync("token-1", context: null);

        Assert.Equal(CaptchaValidationStatus.Valid, result.Status);
        Assert.Equal(["token-1"], captcha.Tokens);
    }

    [Fact]
    public async Task Fail_ThenPass_AnswersAsTold()
    {
        var captcha = new FakeCaptchaValidator();

        captcha.Fail("expired");
        Assert.Equal(new CaptchaValidationResult(CaptchaValidationStatus.Invalid, "expired"), await captcha.ValidateAsync("t", null));

        captcha.FailUnavailable();
        Assert.Equal(CaptchaValidationStatus.Unavailable, (await captcha.ValidateAsync("t", null)).Status);

        captcha.Pass();
        Assert.Equal(CaptchaValidationStatus.Valid, (await captcha.ValidateAsync("t", null)).Status);
        Assert.Equal(3, captcha.Tokens.Count);
    }

    [Fact]
    public async Task ValidateAsync_RejectReusedTokens_SecondUseFails()
    {
        var captcha = new FakeCaptchaValidator { RejectReusedTokens = true };

        Assert.Equal(CaptchaValidationStatus.Valid, (await captcha.ValidateAsync("once", null)).Status);
        Assert.Equal(new CaptchaValidationResult(CaptchaValidationStatus.Invalid, "used"), await captcha.ValidateAsync("once", null));
        Assert.Equal(CaptchaValidationStatus.Valid, (await captcha.ValidateAsync("other", null)).Status);

        captcha.Clear();
        Assert.Empty(captcha.Tokens);
        Assert.Equal(CaptchaValidationStatus.Valid, (await captcha.ValidateAsync("once", null)).Status);
    }

    [Fact]
    public void Result_UndefinedStatus_Throws()
    {
        var captcha = new FakeCaptchaValidator();

        Assert.Throws<ArgumentOutOfRangeException>(() => captcha.Result = new CaptchaValidationResult((CaptchaValidationStatus)9));
    }

    [Fact]
    public async Task SendAsync_CaptchaAlwaysRequired_FollowsTheFake()
    {
        using var provider = Fakes.Build(options: o => o.Captcha.AlwaysRequire = true);
        var service = provider.GetRequiredService<IVerificationService>();
        var captcha = provider.GetRequiredService<FakeCaptchaValidator>();

        var withoutToken = await service.SendAsync(new VerificationRequest(PhoneNumber: Fakes.Phone));
        Assert.Equal(VerificationErrorCodes.CaptchaRequired, withoutToken.Error?.Code);

        captcha.Fail();
        var refused = await service.SendAsync(new VerificationRequest(PhoneNumber: Fakes.Phone, CaptchaToken: "solved"));
        Assert.Equal(VerificationErrorCodes.CaptchaInvalid, refused.Error?.Code);

        captcha.FailUnavailable();
        var unavailable = await service.SendAsync(new VerificationRequest(PhoneNumber: Fakes.Phone, CaptchaToken: "solved"));
        Assert.Equal(VerificationErrorCodes.Unavailable, unavailable.Error?.Code);

        captcha.Pass();
        var sent = await service.SendAsync(new VerificationRequest(PhoneNumber: Fakes.Phone, CaptchaToken: "solved"));
        Assert.True(sent.Succeeded, sent.ToString());
        Assert.Equal(["solved", "solved", "solved"], captcha.Tokens);
        Assert.Single(provider.GetRequiredService<FakeSmsSender>().Messages);
    }
}
