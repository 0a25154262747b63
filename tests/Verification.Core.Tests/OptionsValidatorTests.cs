using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Verification.Tests;

public sealed partial class OptionsValidatorTests
{
    // Generating an RSA-2048 key takes about half a second on a 2-core machine; this one is made once and only read.
    private static readonly Lazy<string> Rsa2048Pem = new(() =>
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    });

    [Fact]
    public void Validate_DefaultsWithoutKeys_FailsNamingSigningKeysAndAllowEphemeralKey()
    {
        var result = Validate(new VerificationOptions());

        Assert.True(result.Failed);
        var keyMessage = Assert.Single(Failures(result), f => f.Contains("Verification:Tokens:SigningKeys", StringComparison.Ordinal));
        Assert.Contains("AllowEphemeralKey", keyMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AllowEphemeralKeyWithoutKeys_Succeeds()
    {
        // ES256 only because an ephemeral RSA key costs half a second to make; the switch is what is tested.
        var options = new VerificationOptions();
        options.Tokens.Algorithm = "ES256";
        options.Tokens.AllowEphemeralKey = true;

        AssertValid(options);
    }

    [Fact]
    public void Validate_Rs256WithRsa2048KeyAndHashKey_Succeeds()
    {
        var options = new VerificationOptions();
        options.Tokens.SigningKeys.Add(new SigningKeyOptions { KeyId = "rsa-1", Pem = Rsa2048Pem.Value });
        options.Tokens.HashKey = NewHashKey();

        AssertValid(options);
    }

    [Fact]
    public void Validate_MissingHashKey_FailsNamingHashKey()
    {
        var options = ValidOptions();
        options.Tokens.HashKey = null;

        var failure = AssertSingleFailure(options);

        Assert.Contains("Verification:Tokens:HashKey", failure, StringComparison.Ordinal);
        Assert.Contains("AllowEphemeralKey", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AAECAwQFBgcICQoLDA0ODw==")]
    [InlineData("not base64!")]
    [InlineData("")]
    public void Validate_HashKeyShortOrNotBase64_FailsNamingHashKey(string hashKey)
    {
        var options = ValidOptions();
        options.Tokens.HashKey = hashKey;

        Assert.Contains("Verification:Tokens:HashKey", AssertSingleFailure(options), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(11)]
    [InlineData(0)]
    [InlineData(-6)]
    public void Validate_CodeLengthOutside4To10_FailsNamingCodeLength(int length)
    {
        var options = ValidOptions();
        options.Code.Length = length;

        Assert.Contains("Verification:Code:Length", AssertSingleFailure(options), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(10)]
    public void Validate_CodeLengthAtBounds_Succeeds(int length)
    {
        var options = ValidOptions();
        options.Code.Length = length;

        AssertValid(options);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    public void Validate_MaxAttemptsOutside1To10_FailsNamingMaxAttempts(int maxAttempts)
    {
        var options = ValidOptions();
        options.Code.MaxAttempts = maxAttempts;

        Assert.Contains("Verification:Code:MaxAttempts", AssertSingleFailure(options), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    public void Validate_MaxAttemptsAtBounds_Succeeds(int maxAttempts)
    {
        var options = ValidOptions();
        options.Code.MaxAttempts = maxAttempts;

        AssertValid(options);
    }

    [Fact]
    public void Validate_Lifetime11MinutesWithoutAllowLongLifetime_FailsNamingAllowLongLifetime()
    {
        var options = ValidOptions();
        options.Code.Lifetime = TimeSpan.FromMinutes(11);

        var failure = AssertSingleFailure(options);

        Assert.Contains("Verification:Code:Lifetime", failure, StringComparison.Ordinal);
        Assert.Contains("AllowLongLifetime", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Lifetime11MinutesWithAllowLongLifetime_Succeeds()
    {
        var options = ValidOptions();
        options.Code.Lifetime = TimeSpan.FromMinutes(11);
        options.Code.AllowLongLifetime = true;

        AssertValid(options);
    }

    [Fact]
    public void Validate_Lifetime10MinutesWithoutSwitch_Succeeds()
    {
        var options = ValidOptions();
        options.Code.Lifetime = TimeSpan.FromMinutes(10);

        AssertValid(options);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:01:00")]
    [InlineData("1.00:00:01")]
    public void Validate_LifetimeNotPositiveOrOverADayEvenWithSwitch_FailsNamingLifetime(string lifetime)
    {
        var options = ValidOptions();
        options.Code.Lifetime = TimeSpan.Parse(lifetime, System.Globalization.CultureInfo.InvariantCulture);
        options.Code.AllowLongLifetime = true;

        Assert.Contains("Verification:Code:Lifetime", AssertSingleFailure(options), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(31)]
    [InlineData(-1)]
    public void Validate_ClockSkewOutside0To30Seconds_FailsNamingClockSkew(int seconds)
    {
        var options = ValidOptions();
        options.Tokens.ClockSkew = TimeSpan.FromSeconds(seconds);

        Assert.Contains("Verification:Tokens:ClockSkew", AssertSingleFailure(options), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ClockSkew30Seconds_Succeeds()
    {
        var options = ValidOptions();
        options.Tokens.ClockSkew = TimeSpan.FromSeconds(30);

        AssertValid(options);
    }

    [Theory]
    [InlineData("XX")]
    [InlineData("CHN")]
    [InlineData("")]
    public void Validate_UnknownRegion_FailsNamingAllowedRegions(string region)
    {
        var options = ValidOptions();
        options.Phone.AllowedRegions = ["CN", region];

        var failure = AssertSingleFailure(options);

        Assert.Contains("Verification:Phone:AllowedRegions", failure, StringComparison.Ordinal);
        Assert.Contains($"'{region}'", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_KnownRegionsAndWildcard_Succeeds()
    {
        var options = ValidOptions();
        options.Phone.AllowedRegions = ["CN", "HK", "us", "*"];

        AssertValid(options);
    }

    [Theory]
    [InlineData("not a culture")]
    [InlineData("xx-INVALID-culture")]
    [InlineData("")]
    public void Validate_BadDefaultCulture_FailsNamingDefaultCulture(string culture)
    {
        var options = ValidOptions();
        options.Messages.DefaultCulture = culture;

        Assert.Contains("Verification:Messages:DefaultCulture", AssertSingleFailure(options), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en")]
    [InlineData("zh-CN")]
    [InlineData("zh-Hans")]
    public void Validate_KnownDefaultCulture_Succeeds(string culture)
    {
        var options = ValidOptions();
        options.Messages.DefaultCulture = culture;

        AssertValid(options);
    }

    [Theory]
    [InlineData("https://app.example.com")]
    [InlineData("app.example.com:443")]
    [InlineData("app.example.com/path")]
    [InlineData("app example.com")]
    [InlineData(".example.com")]
    [InlineData("")]
    public void Validate_BadWebOtpHost_FailsNamingWebOtpHost(string host)
    {
        var options = ValidOptions();
        options.Messages.WebOtpHost = host;

        Assert.Contains("Verification:Messages:WebOtpHost", AssertSingleFailure(options), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("FA+9qCX9VS")]
    [InlineData("FA+9qCX9VSuX")]
    [InlineData("FA-9qCX9VSu")]
    [InlineData("FA 9qCX9VSu")]
    public void Validate_BadAndroidAppHash_FailsNamingAndroidAppHash(string hash)
    {
        var options = ValidOptions();
        options.Messages.AndroidAppHash = hash;

        Assert.Contains("Verification:Messages:AndroidAppHash", AssertSingleFailure(options), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WebOtpHostAndAppHash_Succeeds()
    {
        var options = ValidOptions();
        options.Messages.WebOtpHost = "app.example.com";
        options.Messages.AndroidAppHash = "FA+9qCX9VSu";

        AssertValid(options);
    }

    [Fact]
    public void Validate_SeveralMistakes_ReportsEachOne()
    {
        var options = ValidOptions();
        options.Code.Length = 3;
        options.Code.MaxAttempts = 0;
        options.Tokens.ClockSkew = TimeSpan.FromMinutes(5);

        var result = Validate(options);

        Assert.True(result.Failed);
        var failures = Failures(result);
        Assert.Equal(3, failures.Count);
        Assert.Contains(failures, f => f.Contains("Verification:Code:Length", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Verification:Code:MaxAttempts", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Verification:Tokens:ClockSkew", StringComparison.Ordinal));
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsOptionsValidationExceptionNamingTheSetting()
    {
        var options = ValidOptions();
        options.Code.Length = 3;

        var e = Assert.Throws<OptionsValidationException>(() =>
            new VerificationService(Options.Create(options), new InMemoryCodeStore(), [], []));

        Assert.Equal(typeof(VerificationOptions), e.OptionsType);
        Assert.Contains(e.Failures, f => f.Contains("Verification:Code:Length", StringComparison.Ordinal));
    }

    [Fact]
    public void Constructor_DefaultOptionsWithoutKeys_ThrowsOptionsValidationExceptionNamingSigningKeys()
    {
        var e = Assert.Throws<OptionsValidationException>(() =>
            new VerificationService(Options.Create(new VerificationOptions()), new InMemoryCodeStore(), [], []));

        Assert.Contains(e.Failures, f => f.Contains("Verification:Tokens:SigningKeys", StringComparison.Ordinal) && f.Contains("AllowEphemeralKey", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("Verification:Tokens:HashKey", StringComparison.Ordinal));
    }

    [Fact]
    public void Constructor_ValidOptions_DoesNotThrow()
    {
        var service = new VerificationService(Options.Create(ValidOptions()), new InMemoryCodeStore(), [], []);

        Assert.NotNull(service);
    }

    /// <summary>Valid options with cheap keys: ES256 with a fresh P-256 key and a fresh hash key.</summary>
    private static VerificationOptions ValidOptions()
    {
        var options = new VerificationOptions();
        options.Tokens.Algorithm = "ES256";
        options.Tokens.SigningKeys.Add(new SigningKeyOptions { KeyId = "ec-1", Pem = NewEcPem() });
        options.Tokens.HashKey = NewHashKey();
        return options;
    }

    private static string NewEcPem()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return ecdsa.ExportPkcs8PrivateKeyPem();
    }

    private static string NewHashKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static ValidateOptionsResult Validate(VerificationOptions options) =>
        new VerificationOptionsValidator().Validate(Options.DefaultName, options);

    private static List<string> Failures(ValidateOptionsResult result) => result.Failures?.ToList() ?? [];

    private static void AssertValid(VerificationOptions options)
    {
        var result = Validate(options);
        Assert.True(result.Succeeded, result.FailureMessage);
    }

    private static string AssertSingleFailure(VerificationOptions options)
    {
        var result = Validate(options);
        Assert.True(result.Failed, "The options were accepted.");
        return Assert.Single(Failures(result));
    }
}
