using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Verification.Captcha.Tests;

/// <summary>Validation at start: each mistake in the captcha settings fails naming its key.</summary>
public sealed partial class OptionsTests
{
    [Theory]
    [InlineData(null, "Verification:Captcha:Provider is not set")]
    [InlineData("Recaptcha", "Verification:Captcha:Provider 'Recaptcha' is not a known captcha provider; use Turnstile, HCaptcha, ReCaptchaV2 or ReCaptchaV3")]
    [InlineData("1", "Verification:Captcha:Provider '1' is not a known captcha provider")]
    [InlineData("-1", "Verification:Captcha:Provider '-1' is not a known captcha provider")]
    public void AddCaptcha_MissingOrUnknownProvider_FailsNamingTheKey(string? provider, string message)
    {
        var settings = new Dictionary<string, string?> { ["Verification:Captcha:Secret"] = Secret, ["Verification:Captcha:Provider"] = provider };

        var failure = AssertInvalid(b => b.AddCaptcha(), settings);

        Assert.Contains(failure.Failures, f => f.StartsWith(message, StringComparison.Ordinal));
        Assert.Single(failure.Failures);
    }

    [Fact]
    public void AddCaptcha_UndefinedProviderValueInCode_FailsNamingTheKey()
    {
        var failure = AssertInvalid(b => b.AddCaptcha(o => { o.Provider = (CaptchaProvider)42; o.Secret = Secret; }));

        Assert.Contains(failure.Failures, f => f.StartsWith("Verification:Captcha:Provider '42' is not a known captcha provider", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void AddTurnstileCaptcha_MissingSecret_FailsNamingTheKey(string? secret)
    {
        var failure = AssertInvalid(b => b.AddTurnstileCaptcha(o => o.Secret = secret));

        Assert.Contains(failure.Failures, f => f.StartsWith("Verification:Captcha:Secret is missing", StringComparison.Ordinal));
    }

    [Fact]
    public void AddTurnstileCaptcha_SecretWithControlCharacters_FailsWithoutEchoingTheSecret()
    {
        var failure = AssertInvalid(b => b.AddTurnstileCaptcha(o => o.Secret = "top-secret-value\n"));

        var message = Assert.Single(failure.Failures);
        Assert.StartsWith("Verification:Captcha:Secret must be", message, StringComparison.Ordinal);
        Assert.DoesNotContain("top-secret-value", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ReCaptchaV3", "MinimumScore", "1.5", "Verification:Captcha:MinimumScore is 1.5; use 0.0 to 1.0")]
    [InlineData("ReCaptchaV3", "MinimumScore", "-0.1", "Verification:Captcha:MinimumScore is -0.1; use 0.0 to 1.0")]
    [InlineData("ReCaptchaV3", "MinimumScore", "NaN", "Verification:Captcha:MinimumScore is NaN; use 0.0 to 1.0")]
    [InlineData("ReCaptchaV3", "MinimumScore", "high", "Verification:Captcha:MinimumScore 'high' is not a number")]
    [InlineData("Turnstile", "Timeout", "00:00:00", "Verification:Captcha:Timeout is 00:00:00; use 00:00:00.1 to 00:02:00")]
    [InlineData("Turnstile", "Timeout", "00:05:00", "Verification:Captcha:Timeout is 00:05:00; use 00:00:00.1 to 00:02:00")]
    [InlineData("Turnstile", "Timeout", "-00:00:01", "Verification:Captcha:Timeout is -00:00:01; use 00:00:00.1 to 00:02:00")]
    [InlineData("Turnstile", "Timeout", "five seconds", "Verification:Captcha:Timeout 'five seconds' is not a duration")]
    [InlineData("HCaptcha", "ExpectedAction", "login", "Verification:Captcha:ExpectedAction is set but HCaptcha answers carry no action")]
    [InlineData("ReCaptchaV2", "ExpectedAction", "login", "Verification:Captcha:ExpectedAction is set but ReCaptchaV2 answers carry no action")]
    public void AddCaptcha_SettingOutOfRangeOrNotForTheProvider_FailsNamingTheKey(string provider, string key, string value, string message)
    {
        var failure = AssertInvalid(b => b.AddCaptcha(), new()
        {
            ["Verification:Captcha:Provider"] = provider,
            ["Verification:Captcha:Secret"] = Secret,
            ["Verification:Captcha:" + key] = value,
        });

        Assert.Contains(failure.Failures, f => f.StartsWith(message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("siteverify", "is not an absolute http(s) URL")]
    [InlineData("/turnstile/v0/siteverify", "is not an absolute http(s) URL")]
    [InlineData("ftp://example.com/siteverify", "is not an absolute http(s) URL")]
    [InlineData("http://captcha.example.com/siteverify", "uses http; use https")]
    public void AddCaptcha_EndpointNotAbsoluteHttps_FailsNamingTheKey(string endpoint, string message)
    {
        var failure = AssertInvalid(b => b.AddCaptcha(), new()
        {
            ["Verification:Captcha:Provider"] = "Turnstile",
            ["Verification:Captcha:Secret"] = Secret,
            ["Verification:Captcha:Endpoint"] = endpoint,
        });

        var failed = Assert.Single(failure.Failures);
        Assert.StartsWith($"Verification:Captcha:Endpoint '{endpoint}' ", failed, StringComparison.Ordinal);
        Assert.Contains(message, failed, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/siteverify")]
    [InlineData("http://localhost/siteverify")]
    [InlineData("http://[::1]:5000/siteverify")]
    [InlineData("https://captcha-proxy.internal.example/siteverify")]
    public void AddCaptcha_HttpsOrLoopbackEndpoint_IsAccepted(string endpoint)
    {
        using var provider = Build(b => b.AddTurnstileCaptcha(o => { o.Secret = Secret; o.Endpoint = new Uri(endpoint); }));

        Assert.Equal(new Uri(endpoint), ((SiteverifyCaptchaValidator)provider.GetRequiredService<ICaptchaValidator>()).Endpoint);
    }

    [Fact]
    public void AddTurnstileCaptcha_EmptyExpectedHostname_FailsNamingTheKey()
    {
        var failure = AssertInvalid(b => b.AddTurnstileCaptcha(o => { o.Secret = Secret; o.ExpectedHostnames = ["example.com", " "]; }));

        Assert.Contains(failure.Failures, f => f.StartsWith("Verification:Captcha:ExpectedHostnames", StringComparison.Ordinal));
    }

    [Fact]
    public void AddCaptcha_SeveralMistakes_AreReportedTogether()
    {
        var failure = AssertInvalid(b => b.AddCaptcha(), new()
        {
            ["Verification:Captcha:Provider"] = "Turnstyle",
            ["Verification:Captcha:MinimumScore"] = "2",
            ["Verification:Captcha:Endpoint"] = "siteverify",
        });

        Assert.Equal(4, failure.Failures.Count());
        Assert.All(failure.Failures, f => Assert.StartsWith("Verification:Captcha:", f, StringComparison.Ordinal));
    }
}
