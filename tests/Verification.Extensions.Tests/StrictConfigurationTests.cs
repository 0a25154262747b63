using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Verification.Tests;

/// <summary>The configuration binding of every package is strict: what it cannot use is refused at start with the key named.</summary>
public sealed class StrictConfigurationTests
{
    [Theory]
    [InlineData("Verification:Code:Length", "six", "Verification:Code:Length 'six' is not a whole number")]
    [InlineData("Verification:Tokens:AllowEphemeralKey", "yes", "Verification:Tokens:AllowEphemeralKey 'yes' is not true or false")]
    [InlineData("Verification:Throttling:ResendCooldown", "1 minute", "Verification:Throttling:ResendCooldown '1 minute' is not a duration")]
    [InlineData("Verification:Throttling:PerIp:Limit", "ten", "Verification:Throttling:PerIp:Limit 'ten' is not a whole number")]
    [InlineData("Verification:Delivery:CircuitBreaker:FailureRatio", "half", "Verification:Delivery:CircuitBreaker:FailureRatio 'half' is not a number")]
    public void Resolve_WrongType_FailsNamingTheKey(string key, string value, string expected)
    {
        var failures = Failures(new() { [key] = value });

        Assert.Contains(failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Resolve_UnknownEnumElementInAList_FailsNamingTheKeyAndTheValues()
    {
        var failures = Failures(new()
        {
            ["Verification:Phone:AllowedNumberTypes:0"] = "Mobile",
            ["Verification:Phone:AllowedNumberTypes:1"] = "Satellite",
        });

        var failure = Assert.Single(failures);
        Assert.StartsWith("Verification:Phone:AllowedNumberTypes has 'Satellite', which is not a known value; use ", failure, StringComparison.Ordinal);
        Assert.Contains("Mobile", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Verification:ProjectName", "Verification:ProjectName is not a setting; the keys of Verification are ")]
    [InlineData("Verification:Code:Lenght", "Verification:Code:Lenght is not a setting; the keys of Verification:Code are AllowLongLifetime, Length, Lifetime, MaxAttempts.")]
    [InlineData("Verification:Throttling:PerIp:Limt", null)]
    [InlineData("Verification:Tokens:SigningKeys:0:Kid", null)]
    [InlineData("Verification:Captcha:AlwaysRequired", null)]
    public void Resolve_UnknownKey_FailsNamingIt(string key, string? expected)
    {
        var failures = Failures(new() { [key] = "1" });

        var failure = Assert.Single(failures, f => f.StartsWith($"{key} is not a setting", StringComparison.Ordinal));
        if (expected is not null)
        {
            Assert.StartsWith(expected, failure, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Resolve_WebOtpHostAndAppHash_AreBound()
    {
        var options = Options(new()
        {
            ["Verification:Messages:WebOtpHost"] = "app.example.com",
            ["Verification:Messages:AndroidAppHash"] = "FA+9qCX9VSu",
        });

        Assert.Equal(("app.example.com", "FA+9qCX9VSu"), (options.Messages.WebOtpHost, options.Messages.AndroidAppHash));
    }

    [Theory]
    [InlineData("Verification:Messages:WebOtpHost", "https://app.example.com")]
    [InlineData("Verification:Messages:AndroidAppHash", "short")]
    public void Resolve_BadWebOtpHostOrAppHash_FailsNamingTheKey(string key, string value)
    {
        var failures = Failures(new() { [key] = value });

        Assert.Contains(failures, f => f.StartsWith($"{key} '{value}' is not", StringComparison.Ordinal));
    }

    [Fact]
    public void Resolve_ValueWhereASectionIsExpected_FailsNamingTheKey()
    {
        var failures = Failures(new() { ["Verification:Code"] = "6" });

        Assert.Contains(failures, f => f.StartsWith("Verification:Code is a value, but it is a section", StringComparison.Ordinal));
    }

    [Fact]
    public void Resolve_KeysOfOtherPackagesSections_AreNotUnknownToTheCore()
    {
        var options = Options(new()
        {
            ["Verification:Twilio:AccountSid"] = "AC00",
            ["Verification:Smtp:Host"] = "smtp.example.com",
            ["Verification:Captcha:Provider"] = "Turnstile",
            ["Verification:Captcha:MaxTries"] = "3",
        });

        Assert.Equal(3, options.Captcha.MaxTries);
    }

    [Theory]
    [InlineData("US", new[] { "US" })]
    [InlineData("US, CA;GB", new[] { "US", "CA", "GB" })]
    public void Resolve_ScalarForAList_IsReadAsASeparatedList(string value, string[] expected)
    {
        var options = Options(new() { ["Verification:Phone:AllowedRegions"] = value });

        Assert.Equal(expected, options.Phone.AllowedRegions);
    }

    [Fact]
    public void Resolve_ScalarForAnEnumList_IsReadAndChecked()
    {
        var options = Options(new() { ["Verification:Phone:AllowedNumberTypes"] = "Mobile,FixedLine" });

        Assert.Equal([PhoneNumberKind.Mobile, PhoneNumberKind.FixedLine], options.Phone.AllowedNumberTypes);
        Assert.Contains(Failures(new() { ["Verification:Phone:AllowedNumberTypes"] = "Mobile,Beeper" }), f => f.Contains("'Beeper'", StringComparison.Ordinal));
    }

    [Fact]
    public void Resolve_ConfiguredList_ReplacesTheDefaultInsteadOfAppending()
    {
        var options = Options(new()
        {
            ["Verification:Phone:AllowedRegions:0"] = "US",
            ["Verification:Tokens:Algorithm"] = "HS256",
            ["Verification:Tokens:SigningKeys:0:KeyId"] = "k1",
            ["Verification:Tokens:SigningKeys:0:Secret"] = Convert.ToBase64String(new byte[32]),
        });

        Assert.Equal(["US"], options.Phone.AllowedRegions);
        var key = Assert.Single(options.Tokens.SigningKeys);
        Assert.Equal("k1", key.KeyId);
    }

    [Fact]
    public void Resolve_AbuseProtectionKeys_AreBound()
    {
        var options = Options(new()
        {
            ["Verification:Targets:Enabled"] = "false",
            ["Verification:Email:AllowInternationalLocalParts"] = "true",
            ["Verification:Email:FoldLimitKey"] = "true",
            ["Verification:Email:DotInsensitiveDomains"] = "example.com",
            ["Verification:InMemoryStore:MaxEntries"] = "5000",
            ["Verification:Throttling:FailedAttemptsBackstop"] = "60",
            ["Verification:Throttling:GlobalEmailPerHour"] = "100",
            ["Verification:Throttling:GlobalEmailPerDay"] = "1000",
            ["Verification:Throttling:GlobalCaptchaShare"] = "0.6",
            ["Verification:Throttling:GlobalReservedShare"] = "0.1",
            ["Verification:Throttling:GlobalSmsPerRegionPerHour"] = "200",
            ["Verification:Throttling:SmsPerPrefixPerHour"] = "20",
            ["Verification:Throttling:PerIpv6Slash56:Limit"] = "30",
            ["Verification:Throttling:PerIpv6Slash48:Window"] = "00:30:00",
            ["Verification:Throttling:LookupsPerIp:Limit"] = "7",
            ["Verification:Throttling:LookupsPerDevice:Limit"] = "3",
            ["Verification:HealthChecks:CacheDuration"] = "00:00:10",
        });

        Assert.False(options.Targets.Enabled);
        Assert.True(options.Email.AllowInternationalLocalParts);
        Assert.True(options.Email.FoldLimitKey);
        Assert.Equal(["example.com"], options.Email.DotInsensitiveDomains);
        Assert.Equal(5000, options.InMemoryStore.MaxEntries);
        Assert.Equal(60, options.Throttling.FailedAttemptsBackstop);
        Assert.Equal((100, 1000), (options.Throttling.GlobalEmailPerHour, options.Throttling.GlobalEmailPerDay));
        Assert.Equal((0.6, 0.1), (options.Throttling.GlobalCaptchaShare, options.Throttling.GlobalReservedShare));
        Assert.Equal((200, 20), (options.Throttling.GlobalSmsPerRegionPerHour, options.Throttling.SmsPerPrefixPerHour));
        Assert.Equal(30, options.Throttling.PerIpv6Slash56.Limit);
        Assert.Equal(TimeSpan.FromMinutes(30), options.Throttling.PerIpv6Slash48.Window);
        Assert.Equal((7, 3), (options.Throttling.LookupsPerIp.Limit, options.Throttling.LookupsPerDevice.Limit));
    }

    [Theory]
    [InlineData("Verification:Throttling:GlobalCaptchaShar")]
    [InlineData("Verification:Email:FoldLimitKeys")]
    [InlineData("Verification:HealthChecks:CacheDurations")]
    public void Resolve_MisspelledAbuseProtectionKey_FailsNamingIt(string key)
    {
        var failures = Failures(new() { [key] = "1" });

        Assert.Single(failures, f => f.StartsWith($"{key} is not a setting", StringComparison.Ordinal));
    }

    [Fact]
    public void Resolve_SeveralProblems_AreReportedTogether()
    {
        var failures = Failures(new()
        {
            ["Verification:Code:Length"] = "six",
            ["Verification:Code:MaxAttempt"] = "3",
            ["Verification:Delivery:Timeout"] = "soon",
        });

        Assert.Equal(3, failures.Count);
    }

    private static VerificationOptions Options(Dictionary<string, string?> values)
    {
        values.TryAdd("Verification:Tokens:AllowEphemeralKey", "true");
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services.AddVerification();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<VerificationOptions>>().Value;
    }

    private static List<string> Failures(Dictionary<string, string?> values)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Options(values));
        return [.. error.Failures];
    }
}
