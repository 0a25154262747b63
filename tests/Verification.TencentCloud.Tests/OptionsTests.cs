using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Verification.Shared;

namespace Verification.TencentCloud.Tests;

/// <summary>Binding from <c>Verification:TencentCloudSms</c> and validation at start, with messages naming the key.</summary>
public sealed class OptionsTests
{
    private const string Path = "Verification:TencentCloudSms:";

    [Fact]
    public void AddTencentCloudSms_WithoutSettings_FailsAtStartNamingEveryRequiredKey()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddVerification(o => o.Tokens.AllowEphemeralKey = true).AddTencentCloudSms();
        using var provider = services.BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IVerificationService>());

        foreach (var key in new[] { "SecretId", "SecretKey", "Region", "SmsSdkAppId", "TemplateId" })
        {
            Assert.Contains(e.Failures, f => f.StartsWith(Path + key + " is missing", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void AddTencentCloudSms_BindsTheSection_AndCodeWins()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [Path + "SecretId"] = "AKIDfromconfig",
            [Path + "SecretKey"] = "from-config",
            [Path + "Region"] = "ap-singapore",
            [Path + "SmsSdkAppId"] = "1400000001",
            [Path + "SignName"] = "Example",
            [Path + "TemplateId"] = "1234",
            [Path + "Endpoint"] = "https://sms.ap-guangzhou.tencentcloudapi.com",
            [Path + "TemplateParameters:0"] = "Code",
            [Path + "Timeout"] = "00:00:07",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddVerification(o => o.Tokens.AllowEphemeralKey = true).AddTencentCloudSms(o => o.Region = "ap-guangzhou");
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<TencentCloudSmsOptions>>().Value;

        Assert.Equal("AKIDfromconfig", options.SecretId);
        Assert.Equal("from-config", options.SecretKey);
        Assert.Equal("ap-guangzhou", options.Region);
        Assert.Equal("1400000001", options.SmsSdkAppId);
        Assert.Equal("Example", options.SignName);
        Assert.Equal("1234", options.TemplateId);
        Assert.Equal(new Uri("https://sms.ap-guangzhou.tencentcloudapi.com"), options.Endpoint);
        Assert.Equal(["Code"], options.TemplateParameters);
        Assert.Equal(TimeSpan.FromSeconds(7), options.Timeout);
    }

    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        var options = new TencentCloudSmsOptions();

        Assert.Equal(new Uri("https://sms.tencentcloudapi.com"), options.Endpoint);
        Assert.Equal(["Code", "Minutes"], options.TemplateParameters);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Timeout);
    }

    public static TheoryData<string, Action<TencentCloudSmsOptions>> InvalidSettings => new()
    {
        { "Endpoint", o => o.Endpoint = new Uri("http://sms.example.com/") },
        { "Endpoint", o => o.Endpoint = new Uri("ftp://sms.example.com/") },
        { "Endpoint", o => o.Endpoint = new Uri("https://sms.example.com/?a=b") },
        { "Region", o => o.Region = "Guangzhou!" },
        { "SmsSdkAppId", o => o.SmsSdkAppId = "app-1400" },
        { "TemplateId", o => o.TemplateId = "Your code is {1}" },
        { "TemplateParameters", o => o.TemplateParameters = ["Code", "Hours"] },
        { "TemplateParameters", o => o.TemplateParameters = ["Minutes"] },
        { "SignName", o => o.SignName = string.Empty },
        { "Timeout", o => o.Timeout = TimeSpan.Zero },
        { "SecretKey", o => o.SecretKey = " padded " },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void Validate_InvalidSetting_FailsNamingTheKey(string key, Action<TencentCloudSmsOptions> breakIt)
    {
        var options = Valid();
        breakIt(options);

        var result = new TencentCloudSmsOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith(Path + key, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SecretKeyProblem_DoesNotEchoTheSecret()
    {
        var options = Valid();
        options.SecretKey = " very-secret-value ";

        var result = new TencentCloudSmsOptionsValidator().Validate(null, options);

        Assert.DoesNotContain(result.Failures!, f => f.Contains("very-secret-value", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ValidSettingsWithLoopbackHttp_Succeeds()
    {
        var options = Valid();
        options.Endpoint = new Uri("http://127.0.0.1:5000/");

        Assert.True(new TencentCloudSmsOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Bind_UnreadableValues_BecomeFailuresNamingTheKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Endpoint"] = "not a url",
            ["Timeout"] = "ten seconds",
        }).Build();
        var options = Valid();

        var reader = new ConfigurationReader(configuration, "Verification:TencentCloudSms");
        TencentCloudSmsOptionsBinder.Bind(reader, options);

        Assert.Contains(reader.Errors, f => f.StartsWith(Path + "Endpoint 'not a url'", StringComparison.Ordinal));
        Assert.Contains(reader.Errors, f => f.StartsWith(Path + "Timeout 'ten seconds'", StringComparison.Ordinal));
    }

    private static TencentCloudSmsOptions Valid() => new()
    {
        SecretId = Account.SecretId,
        SecretKey = Account.SecretKey,
        Region = Account.Region,
        SmsSdkAppId = Account.SmsSdkAppId,
        TemplateId = Account.TemplateId,
        SignName = Account.SignName,
    };
}
