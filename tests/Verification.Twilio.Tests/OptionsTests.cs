using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Verification.Twilio.Tests;

/// <summary>Binding from <c>Verification:Twilio</c>, validation at start with messages naming the key, and registration.</summary>
public sealed class OptionsTests
{
    private static readonly (string, string?)[] ValidConfiguration =
    [
        ("Verification:Twilio:AccountSid", TestAccount.AccountSid),
        ("Verification:Twilio:AuthToken", TestAccount.AuthToken),
        ("Verification:Twilio:From", TestAccount.From),
    ];

    [Fact]
    public async Task AddTwilioSms_BindsTheConfigurationSection()
    {
        await using var standIn = await TwilioStandIn.StartAsync();
        var configuration = Harness.Configuration([.. ValidConfiguration, ("Verification:Twilio:Endpoint", standIn.Endpoint.AbsoluteUri)]);
        using var h = new Harness(b => b.AddTwilioSms(), configuration);

        await h.Twilio.SendAsync(Messages.Sms());

        Assert.Empty(standIn.Problems);
        Assert.Single(standIn.Requests);
    }

    [Fact]
    public void AddTwilioSms_WithCode_WinsOverConfiguration()
    {
        var configuration = Harness.Configuration(ValidConfiguration);
        using var h = new Harness(b => b.AddTwilioSms(o => o.From = "+15005550009"), configuration);

        var options = h.Services.GetRequiredService<IOptions<TwilioSmsOptions>>().Value;

        Assert.Equal("+15005550009", options.From);
        Assert.Equal(TestAccount.AccountSid, options.AccountSid);
        Assert.Equal(new Uri(TwilioSmsOptions.DefaultEndpoint), options.Endpoint);
    }

    [Fact]
    public void AddTwilioSms_Twice_RegistersOneSender()
    {
        using var h = new Harness(b => b.AddTwilioSms(Harness.Account).AddTwilioSms());

        Assert.Single(h.Services.GetServices<ISmsSender>());
        Assert.Equal("twilio", h.Twilio.Name);
        Assert.Equal(
            new Uri($"https://api.twilio.com/2010-04-01/Accounts/{TestAccount.AccountSid}/Messages.json"),
            Assert.IsType<TwilioSmsSender>(h.Twilio).MessagesEndpoint);
    }

    [Fact]
    public void AddTwilioSms_NullArguments_NameTheParameter()
    {
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => ((IVerificationBuilder)null!).AddTwilioSms()).ParamName);
        var builder = new ServiceCollection().AddVerification();
        Assert.Equal("configure", Assert.Throws<ArgumentNullException>(() => builder.AddTwilioSms(null!)).ParamName);
    }

    public static TheoryData<string, Action<TwilioSmsOptions>, string> Invalid => new()
    {
        { "no account", o => o.AccountSid = null, "Verification:Twilio:AccountSid is missing" },
        { "not AC", o => o.AccountSid = "SK0123456789abcdef0123456789abcdef", "Verification:Twilio:AccountSid must start with \"AC\"" },
        { "short AC", o => o.AccountSid = "AC0123", "Verification:Twilio:AccountSid must start with \"AC\"" },
        { "no credentials", o => o.AuthToken = null, "Verification:Twilio:AuthToken is missing" },
        {
            "both credentials", o =>
            {
                o.ApiKeySid = TestAccount.ApiKeySid;
                o.ApiKeySecret = TestAccount.ApiKeySecret;
            },
            "Verification:Twilio:AuthToken and Verification:Twilio:ApiKeySid/ApiKeySecret are both set"
        },
        {
            "key without secret", o =>
            {
                o.AuthToken = null;
                o.ApiKeySid = TestAccount.ApiKeySid;
            },
            "Verification:Twilio:ApiKeySecret is missing"
        },
        {
            "secret without key", o =>
            {
                o.AuthToken = null;
                o.ApiKeySecret = TestAccount.ApiKeySecret;
            },
            "Verification:Twilio:ApiKeySid is missing"
        },
        {
            "key not SK", o =>
            {
                o.AuthToken = null;
                o.ApiKeySid = TestAccount.AccountSid;
                o.ApiKeySecret = TestAccount.ApiKeySecret;
            },
            "Verification:Twilio:ApiKeySid must start with \"SK\""
        },
        { "no sender", o => o.From = null, "Verification:Twilio:From is missing" },
        { "both senders", o => o.MessagingServiceSid = TestAccount.MessagingServiceSid, "Verification:Twilio:From and Verification:Twilio:MessagingServiceSid are both set" },
        {
            "service not MG", o =>
            {
                o.From = null;
                o.MessagingServiceSid = "MGxyz";
            },
            "Verification:Twilio:MessagingServiceSid must start with \"MG\""
        },
        { "relative endpoint", o => o.Endpoint = new Uri("api.twilio.com", UriKind.Relative), "Verification:Twilio:Endpoint 'api.twilio.com' is not an absolute http(s) URL" },
        { "ftp endpoint", o => o.Endpoint = new Uri("ftp://api.twilio.com"), "is not an absolute http(s) URL" },
        { "plain http", o => o.Endpoint = new Uri("http://api.twilio.com"), "Verification:Twilio:Endpoint 'http://api.twilio.com' uses http" },
        { "query", o => o.Endpoint = new Uri("https://api.twilio.com/?x=1"), "has a query or fragment" },
        { "token with a newline", o => o.AuthToken = "abc\ndef", "Verification:Twilio:AuthToken must be at most 256 printable characters" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Validation_RefusesAnInvalidSetting_WithAMessageNamingTheKey(string setting, Action<TwilioSmsOptions> change, string expected)
    {
        using var h = new Harness(b => b.AddTwilioSms(o =>
        {
            Harness.Account(o);
            change(o);
        }));

        var e = Assert.Throws<OptionsValidationException>(() => h.Service);

        Assert.True(e.Failures.Any(f => f.Contains(expected, StringComparison.Ordinal)), $"{setting}: {string.Join(" | ", e.Failures)}");
    }

    [Fact]
    public void Validation_NeverEchoesASecret()
    {
        const string token = "secret-token-with-a-newline\n";
        using var h = new Harness(b => b.AddTwilioSms(o =>
        {
            Harness.Account(o);
            o.AuthToken = token;
            o.ApiKeySecret = "another-secret-value";
        }));

        var e = Assert.Throws<OptionsValidationException>(() => h.Service);

        Assert.DoesNotContain("secret-token", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("another-secret-value", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validation_OfAnUnreadableConfiguredEndpoint_NamesTheKey()
    {
        var configuration = Harness.Configuration([.. ValidConfiguration, ("Verification:Twilio:Endpoint", "https://[::1")]);
        using var h = new Harness(b => b.AddTwilioSms(), configuration);

        var e = Assert.Throws<OptionsValidationException>(() => h.Service);

        Assert.Contains(e.Failures, f => f.StartsWith("Verification:Twilio:Endpoint 'https://[::1' is not an absolute http(s) URL", StringComparison.Ordinal));
    }

    [Fact]
    public void Validation_AcceptsAnApiKeyAndAMessagingService()
    {
        using var h = new Harness(b => b.AddTwilioSms(o =>
        {
            o.AccountSid = TestAccount.AccountSid;
            o.ApiKeySid = TestAccount.ApiKeySid;
            o.ApiKeySecret = TestAccount.ApiKeySecret;
            o.MessagingServiceSid = TestAccount.MessagingServiceSid;
        }));

        Assert.NotNull(h.Service);
    }

    [Fact]
    public async Task Host_WithAnInvalidConfiguration_FailsToStartNamingTheKey()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection([new("Verification:Twilio:AuthToken", TestAccount.AuthToken), new("Verification:Twilio:From", TestAccount.From)]);
        builder.Services.AddVerification(o => o.Tokens.AllowEphemeralKey = true).AddTwilioSms();
        using var host = builder.Build();

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(e.Failures, f => f.StartsWith("Verification:Twilio:AccountSid is missing", StringComparison.Ordinal));
    }
}
