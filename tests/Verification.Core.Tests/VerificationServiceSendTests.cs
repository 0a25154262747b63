using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace Verification.Tests;

/// <summary><see cref="VerificationService.SendAsync"/>: input rules, targets, limits, delivery faults, captcha.</summary>
public sealed partial class VerificationServiceSendTests
{
    private static readonly string[] CodeDigits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    // ---- Success ------------------------------------------------------------------------------------------

    [Fact]
    public async Task SendAsync_Phone_ReturnsIdExpiresIn600WithoutIsUser()
    {
        var h = new ServiceHarness();

        var response = ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));

        Assert.False(string.IsNullOrEmpty(response.VerificationId));
        Assert.Equal(600, response.ExpiresIn);
        Assert.Null(response.IsUser);
    }

    [Fact]
    public async Task SendAsync_Email_ReturnsIdExpiresIn600WithoutIsUser()
    {
        var h = new ServiceHarness();

        var response = ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(Email: ServiceHarness.Email)));

        Assert.False(string.IsNullOrEmpty(response.VerificationId));
        Assert.Equal(600, response.ExpiresIn);
        Assert.Null(response.IsUser);
    }

    [Fact]
    public async Task SendAsync_Phone_DeliversToNormalizedNumberASixDigitCodeAndTheUsage()
    {
        var h = new ServiceHarness();

        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: "+86 155-8866-5555", Usage: VerificationUsage.SignIn)));

        var message = Assert.Single(h.Messages);
        Assert.Equal(VerificationChannel.Sms, message.Channel);
        Assert.Equal(ServiceHarness.PhoneE164, message.To);
        Assert.Matches("^[0-9]{6}$", message.Code);
        Assert.Equal(VerificationUsage.SignIn, message.Usage);
        Assert.Contains(message.Code, message.Body, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMinutes(10), message.Lifetime);
    }

    [Fact]
    public async Task SendAsync_Email_DeliversToTheCanonicalLowerCaseAddressAndTheUsage()
    {
        var h = new ServiceHarness();

        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(Email: "Alice@Example.COM", Usage: VerificationUsage.Register)));

        var message = Assert.Single(h.Messages);
        Assert.Equal(VerificationChannel.Email, message.Channel);
        Assert.Equal("alice@example.com", message.To);
        Assert.Matches("^[0-9]{6}$", message.Code);
        Assert.Equal(VerificationUsage.Register, message.Usage);
    }

    [Fact]
    public async Task SendAsync_ManySends_CodesUseEveryDigit()
    {
        // A cheap guard against a broken generator (constant code, digits from a subset): 50 codes of 6 digits
        // miss one of ten digits with probability below 10 * 0.9^300, about 2e-13.
        var h = new ServiceHarness(o => o.Throttling.ResendCooldown = TimeSpan.Zero);
        for (var i = 0; i < 50; i++)
        {
            ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(Email: $"user{i}@example.com")));
        }

        var digits = string.Concat(h.Messages.Select(m => m.Code));
        Assert.All(CodeDigits, d => Assert.Contains(d, digits, StringComparison.Ordinal));
    }

    private static IUserDirectory Users(bool exists)
    {
        var directory = Substitute.For<IUserDirectory>();
        directory.ExistsAsync(default, default!, default).ReturnsForAnyArgs(exists);
        return directory;
    }

    private static ICaptchaValidator Captcha(CaptchaValidationResult result)
    {
        var captcha = Substitute.For<ICaptchaValidator>();
        captcha.ValidateAsync(default!, default, default).ReturnsForAnyArgs(result);
        return captcha;
    }
}
