using Microsoft.Extensions.Options;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Verification.Tests;

public sealed partial class AbuseLimitTests
{
    // ---- Options ---------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("Throttling:PerIp:Limit", "-1")]
    [InlineData("Throttling:PerDevice:Limit", "-1")]
    [InlineData("Throttling:PerNumberPrefix:Limit", "-1")]
    [InlineData("Throttling:ContactBurst:Limit", "-5")]
    [InlineData("Throttling:PerIp:Limit", "1000001")]
    [InlineData("Throttling:PerIp:Window", "00:00:00")]
    [InlineData("Throttling:PerDevice:Window", "31.00:00:00")]
    [InlineData("Throttling:GlobalSmsPerHour", "-1")]
    [InlineData("Throttling:GlobalSmsPerDay", "-1")]
    [InlineData("Captcha:KeyLength", "3")]
    [InlineData("Captcha:KeyLength", "7")]
    [InlineData("Captcha:MaxTries", "0")]
    [InlineData("Captcha:MaxTries", "11")]
    [InlineData("Captcha:ChallengeLifetime", "00:00:09")]
    [InlineData("Captcha:ChallengeLifetime", "00:30:01")]
    [InlineData("Captcha:TokenLifetime", "00:00:00")]
    [InlineData("Captcha:TokenLifetime", "01:00:00")]
    [InlineData("Captcha:ChallengesPerIpPerHour", "-1")]
    public void Validate_AbuseSettingOutOfRange_FailsNamingTheKey(string key, string value)
    {
        var options = ServiceHarness.CreateOptions();
        Set(options, key, value);

        var result = new VerificationOptionsValidator().Validate(MsOptions.DefaultName, options);

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.Contains("Verification:" + key, failure, StringComparison.Ordinal);
        var thrown = Assert.Throws<OptionsValidationException>(() => new VerificationService(MsOptions.Create(options), new InMemoryCodeStore(), [], []));
        Assert.Contains("Verification:" + key, thrown.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Throttling:PerIp")]
    [InlineData("Throttling:PerDevice")]
    [InlineData("Throttling:PerNumberPrefix")]
    [InlineData("Throttling:ContactBurst")]
    public void Validate_NullWindow_FailsNamingTheKey(string key)
    {
        var options = ServiceHarness.CreateOptions();
        switch (key)
        {
            case "Throttling:PerIp": options.Throttling.PerIp = null!; break;
            case "Throttling:PerDevice": options.Throttling.PerDevice = null!; break;
            case "Throttling:PerNumberPrefix": options.Throttling.PerNumberPrefix = null!; break;
            default: options.Throttling.ContactBurst = null!; break;
        }

        var failure = Assert.Single(new VerificationOptionsValidator().Validate(MsOptions.DefaultName, options).Failures!);

        Assert.Contains("Verification:" + key, failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Throttling:PerIp:Limit", "0")]
    [InlineData("Throttling:PerIp:Limit", "1000000")]
    [InlineData("Throttling:PerIp:Window", "00:00:01")]
    [InlineData("Throttling:PerDevice:Window", "30.00:00:00")]
    [InlineData("Throttling:GlobalSmsPerHour", "0")]
    [InlineData("Throttling:GlobalSmsPerDay", "0")]
    [InlineData("Captcha:KeyLength", "4")]
    [InlineData("Captcha:KeyLength", "6")]
    [InlineData("Captcha:MaxTries", "1")]
    [InlineData("Captcha:MaxTries", "10")]
    [InlineData("Captcha:ChallengeLifetime", "00:00:10")]
    [InlineData("Captcha:ChallengeLifetime", "00:30:00")]
    [InlineData("Captcha:TokenLifetime", "00:00:10")]
    [InlineData("Captcha:TokenLifetime", "00:30:00")]
    [InlineData("Captcha:ChallengesPerIpPerHour", "0")]
    public void Validate_AbuseSettingAtItsBound_Succeeds(string key, string value)
    {
        var options = ServiceHarness.CreateOptions();
        Set(options, key, value);

        var result = new VerificationOptionsValidator().Validate(MsOptions.DefaultName, options);

        Assert.False(result.Failed, string.Join(Environment.NewLine, result.Failures ?? []));
    }

    [Fact]
    public void Validate_WindowTurnedOffWithZeroLength_Succeeds()
    {
        // A window whose limit is 0 is off; its length does not matter.
        var options = ServiceHarness.CreateOptions();
        options.Throttling.PerIp = new RateWindow(0, TimeSpan.Zero);

        Assert.False(new VerificationOptionsValidator().Validate(MsOptions.DefaultName, options).Failed);
    }
}
