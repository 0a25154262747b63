using Verification.Shared;

namespace Verification.Extensions;

/// <summary>Reads the <c>Verification</c> section into <see cref="VerificationOptions"/>, strictly (see <see cref="ConfigurationReader"/>).</summary>
internal static class VerificationOptionsBinder
{
    /// <summary>Sections under <c>Verification</c> that other Verification packages read with their own options.</summary>
    internal static readonly string[] AdapterSections = ["Twilio", "TencentCloudSms", "Smtp", "Redis", "Http", "Identity"];

    /// <summary>Keys of <c>Verification:Captcha</c> that the Verification.Captcha package reads (and its <c>Image</c> section).</summary>
    internal static readonly string[] CaptchaProviderKeys = ["Provider", "Secret", "SiteKey", "Endpoint", "MinimumScore", "ExpectedAction", "ExpectedHostnames", "Timeout", "Image"];

    public static void Bind(ConfigurationReader section, VerificationOptions options)
    {
        section.Allow(AdapterSections);
        options.ProjectId = section.String("ProjectId") ?? options.ProjectId;
        options.PickupDirectory = section.String("PickupDirectory") ?? options.PickupDirectory;
        options.IncludeIsUser = section.Bool("IncludeIsUser") ?? options.IncludeIsUser;

        var code = section.Section("Code");
        options.Code.Length = code.Int("Length") ?? options.Code.Length;
        options.Code.Lifetime = code.TimeSpan("Lifetime") ?? options.Code.Lifetime;
        options.Code.AllowLongLifetime = code.Bool("AllowLongLifetime") ?? options.Code.AllowLongLifetime;
        options.Code.MaxAttempts = code.Int("MaxAttempts") ?? options.Code.MaxAttempts;

        BindTokens(section.Section("Tokens"), options.Tokens);
        BindThrottling(section.Section("Throttling"), options.Throttling);

        var phone = section.Section("Phone");
        options.Phone.AllowedRegions = phone.StringList("AllowedRegions") ?? options.Phone.AllowedRegions;
        options.Phone.AllowedNumberTypes = phone.EnumList<PhoneNumberKind>("AllowedNumberTypes") ?? options.Phone.AllowedNumberTypes;

        var email = section.Section("Email");
        options.Email.AllowInternationalLocalParts = email.Bool("AllowInternationalLocalParts") ?? options.Email.AllowInternationalLocalParts;
        options.Email.FoldLimitKey = email.Bool("FoldLimitKey") ?? options.Email.FoldLimitKey;
        options.Email.DotInsensitiveDomains = email.StringList("DotInsensitiveDomains") ?? options.Email.DotInsensitiveDomains;

        options.Targets.Enabled = section.Section("Targets").Bool("Enabled") ?? options.Targets.Enabled;
        options.InMemoryStore.MaxEntries = section.Section("InMemoryStore").Int("MaxEntries") ?? options.InMemoryStore.MaxEntries;

        // Read by every package's health check registration (the probe cache, see src/Shared/CachedHealthCheck.cs).
        section.Section("HealthChecks").Allow("CacheDuration");

        var messages = section.Section("Messages");
        options.Messages.ProductName = messages.String("ProductName") ?? options.Messages.ProductName;
        options.Messages.DefaultCulture = messages.String("DefaultCulture") ?? options.Messages.DefaultCulture;
        options.Messages.WebOtpHost = messages.String("WebOtpHost") ?? options.Messages.WebOtpHost;
        options.Messages.AndroidAppHash = messages.String("AndroidAppHash") ?? options.Messages.AndroidAppHash;

        var delivery = section.Section("Delivery");
        options.Delivery.Timeout = delivery.TimeSpan("Timeout") ?? options.Delivery.Timeout;
        options.Delivery.MaxRetries = delivery.Int("MaxRetries") ?? options.Delivery.MaxRetries;
        options.Delivery.RetryDelay = delivery.TimeSpan("RetryDelay") ?? options.Delivery.RetryDelay;
        var breaker = delivery.Section("CircuitBreaker");
        options.Delivery.CircuitBreaker.FailureRatio = breaker.Double("FailureRatio") ?? options.Delivery.CircuitBreaker.FailureRatio;
        options.Delivery.CircuitBreaker.MinimumThroughput = breaker.Int("MinimumThroughput") ?? options.Delivery.CircuitBreaker.MinimumThroughput;
        options.Delivery.CircuitBreaker.SamplingDuration = breaker.TimeSpan("SamplingDuration") ?? options.Delivery.CircuitBreaker.SamplingDuration;
        options.Delivery.CircuitBreaker.BreakDuration = breaker.TimeSpan("BreakDuration") ?? options.Delivery.CircuitBreaker.BreakDuration;

        var captcha = section.Section("Captcha");
        captcha.Allow(CaptchaProviderKeys);
        options.Captcha.AlwaysRequire = captcha.Bool("AlwaysRequire") ?? options.Captcha.AlwaysRequire;
        options.Captcha.KeyLength = captcha.Int("KeyLength") ?? options.Captcha.KeyLength;
        options.Captcha.ChallengeLifetime = captcha.TimeSpan("ChallengeLifetime") ?? options.Captcha.ChallengeLifetime;
        options.Captcha.MaxTries = captcha.Int("MaxTries") ?? options.Captcha.MaxTries;
        options.Captcha.TokenLifetime = captcha.TimeSpan("TokenLifetime") ?? options.Captcha.TokenLifetime;
        options.Captcha.ChallengesPerIpPerHour = captcha.Int("ChallengesPerIpPerHour") ?? options.Captcha.ChallengesPerIpPerHour;
    }

    private static void BindTokens(ConfigurationReader tokens, TokenOptions options)
    {
        options.Algorithm = tokens.String("Algorithm") ?? options.Algorithm;
        options.HashKey = tokens.String("HashKey") ?? options.HashKey;
        options.AllowEphemeralKey = tokens.Bool("AllowEphemeralKey") ?? options.AllowEphemeralKey;
        options.VerificationTokenLifetime = tokens.TimeSpan("VerificationTokenLifetime") ?? options.VerificationTokenLifetime;
        options.ClockSkew = tokens.TimeSpan("ClockSkew") ?? options.ClockSkew;
        if (tokens.Sections("SigningKeys") is { } keys)
        {
            options.SigningKeys = [.. keys.Select(static key => new SigningKeyOptions
            {
                KeyId = key.String("KeyId"),
                Pem = key.String("Pem"),
                PemFile = key.String("PemFile"),
                Secret = key.String("Secret"),
            })];
        }
    }

    private static void BindThrottling(ConfigurationReader throttling, ThrottlingOptions options)
    {
        options.ResendCooldown = throttling.TimeSpan("ResendCooldown") ?? options.ResendCooldown;
        options.DailyLimitPerContact = throttling.Int("DailyLimitPerContact") ?? options.DailyLimitPerContact;
        options.FailedAttemptsPerContact = throttling.Int("FailedAttemptsPerContact") ?? options.FailedAttemptsPerContact;
        options.FailedAttemptsWindow = throttling.TimeSpan("FailedAttemptsWindow") ?? options.FailedAttemptsWindow;
        options.FailedAttemptsBackstop = throttling.Int("FailedAttemptsBackstop") ?? options.FailedAttemptsBackstop;
        options.GlobalSmsPerHour = throttling.Int("GlobalSmsPerHour") ?? options.GlobalSmsPerHour;
        options.GlobalSmsPerDay = throttling.Int("GlobalSmsPerDay") ?? options.GlobalSmsPerDay;
        options.GlobalEmailPerHour = throttling.Int("GlobalEmailPerHour") ?? options.GlobalEmailPerHour;
        options.GlobalEmailPerDay = throttling.Int("GlobalEmailPerDay") ?? options.GlobalEmailPerDay;
        options.GlobalCaptchaShare = throttling.Double("GlobalCaptchaShare") ?? options.GlobalCaptchaShare;
        options.GlobalReservedShare = throttling.Double("GlobalReservedShare") ?? options.GlobalReservedShare;
        options.GlobalSmsPerRegionPerHour = throttling.Int("GlobalSmsPerRegionPerHour") ?? options.GlobalSmsPerRegionPerHour;
        options.SmsPerPrefixPerHour = throttling.Int("SmsPerPrefixPerHour") ?? options.SmsPerPrefixPerHour;
        BindWindow(throttling.Section("ContactBurst"), options.ContactBurst);
        BindWindow(throttling.Section("PerIp"), options.PerIp);
        BindWindow(throttling.Section("PerDevice"), options.PerDevice);
        BindWindow(throttling.Section("PerNumberPrefix"), options.PerNumberPrefix);
        BindWindow(throttling.Section("PerIpv6Slash56"), options.PerIpv6Slash56);
        BindWindow(throttling.Section("PerIpv6Slash48"), options.PerIpv6Slash48);
        BindWindow(throttling.Section("LookupsPerIp"), options.LookupsPerIp);
        BindWindow(throttling.Section("LookupsPerDevice"), options.LookupsPerDevice);
    }

    private static void BindWindow(ConfigurationReader section, RateWindow window)
    {
        window.Limit = section.Int("Limit") ?? window.Limit;
        window.Window = section.TimeSpan("Window") ?? window.Window;
    }
}
