using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace Verification.Tests;

public sealed partial class VerificationServiceSendTests
{
    // ---- Captcha --------------------------------------------------------------------------------------------

    [Fact]
    public async Task SendAsync_CaptchaInvalid_CaptchaInvalidAndNothingSaved()
    {
        var captcha = Captcha(new CaptchaValidationResult(CaptchaValidationStatus.Invalid, "used"));
        var h = new ServiceHarness(captchaValidator: captcha);

        var error = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, CaptchaToken: "token-1")),
            VerificationErrorCodes.CaptchaInvalid);

        Assert.Empty(h.Store.Saves);
        Assert.Empty(h.Messages);
    }

    [Fact]
    public async Task SendAsync_CaptchaProviderUnavailable_Unavailable()
    {
        var h = new ServiceHarness(captchaValidator: Captcha(new CaptchaValidationResult(CaptchaValidationStatus.Unavailable)));

        ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, CaptchaToken: "token-1")),
            VerificationErrorCodes.Unavailable,
            VerificationErrorReasons.CaptchaUnavailable);

        Assert.Empty(h.Store.Saves);
    }

    [Fact]
    public async Task SendAsync_CaptchaValidatorThrows_Unavailable()
    {
        var captcha = Substitute.For<ICaptchaValidator>();
        captcha.ValidateAsync(default!, default, default).ThrowsAsyncForAnyArgs(new HttpRequestException("siteverify unreachable"));
        var h = new ServiceHarness(captchaValidator: captcha);

        ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, CaptchaToken: "token-1")),
            VerificationErrorCodes.Unavailable,
            VerificationErrorReasons.CaptchaUnavailable);

        Assert.Empty(h.Store.Saves);
        Assert.Empty(h.Messages);
    }

    [Fact]
    public async Task SendAsync_CaptchaValid_SendsWithSoftLimitsWaived()
    {
        var captcha = Captcha(new CaptchaValidationResult(CaptchaValidationStatus.Valid));
        var h = new ServiceHarness(captchaValidator: captcha);
        var context = new VerificationContext { DeviceId = "device-1" };

        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, CaptchaToken: "token-1"), context));

        Assert.True(Assert.Single(h.Store.Saves).WaiveSoftLimits);
        Assert.Single(h.Messages);
        await captcha.Received(1).ValidateAsync("token-1", context, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task SendAsync_NoCaptchaToken_ValidatorNotCalledAndSoftLimitsKept()
    {
        var captcha = Captcha(new CaptchaValidationResult(CaptchaValidationStatus.Valid));
        var h = new ServiceHarness(captchaValidator: captcha);

        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));

        Assert.False(Assert.Single(h.Store.Saves).WaiveSoftLimits);
        await captcha.DidNotReceiveWithAnyArgs().ValidateAsync(default!, default, default);
    }

    [Fact]
    public async Task SendAsync_CaptchaTokenWithoutValidator_IgnoredAndSoftLimitsKept()
    {
        var h = new ServiceHarness();

        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, CaptchaToken: "anything")));

        Assert.False(Assert.Single(h.Store.Saves).WaiveSoftLimits);
    }

    [Fact]
    public async Task SendAsync_CaptchaValidSeenByStoreSubstitute_SaveCalledWithWaiver()
    {
        var store = Substitute.For<ICodeStore>();
        store.SaveAsync(default!, default!, default, default, default).ReturnsForAnyArgs(SaveOutcome.Saved);
        var h = new ServiceHarness(store: store, captchaValidator: Captcha(new CaptchaValidationResult(CaptchaValidationStatus.Valid)));

        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(Email: ServiceHarness.Email, CaptchaToken: "token-1")));

        await store.Received(1).SaveAsync(
            Arg.Is<CodeRecord>(r => r.ContactKey == ServiceHarness.Email),
            Arg.Any<IReadOnlyList<RateCharge>>(),
            true,
            ServiceHarness.Start,
            Arg.Any<CancellationToken>());
    }
}
