using System.Globalization;
using Microsoft.Extensions.Options;

namespace Verification;

/// <summary>
/// Validates <see cref="VerificationOptions"/> at start. Every message names the configuration key to fix.
/// </summary>
/// <remarks>
/// Written by hand rather than with data annotations: most rules span fields (a lifetime allowed by a switch,
/// keys that must match the algorithm and parse), and the messages name configuration keys, not C# members.
/// </remarks>
public sealed class VerificationOptionsValidator : IValidateOptions<VerificationOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, VerificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        ValidateRoot(options, errors);
        ValidateCode(options.Code, errors);
        ValidateTokens(options.Tokens, errors);
        ValidateThrottling(options.Throttling, errors);
        ValidatePhone(options.Phone, errors);
        ValidateEmail(options.Email, errors);
        if (options.InMemoryStore is { MaxEntries: < 1000 or > 100_000_000 } store)
        {
            errors.Add($"Verification:InMemoryStore:MaxEntries is {store.MaxEntries}; use 1000–100000000.");
        }
        ValidateMessages(options.Messages, errors);
        ValidateDelivery(options.Delivery, errors);
        ValidateCaptcha(options.Captcha, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> when <paramref name="options"/> are invalid.</summary>
    internal static void ThrowIfInvalid(VerificationOptions options)
    {
        var result = new VerificationOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(VerificationOptions), result.Failures);
        }
    }

    private static void ValidateRoot(VerificationOptions options, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(options.ProjectId) || options.ProjectId.Length > 64 || TextRules.HasControlCharacters(options.ProjectId))
        {
            errors.Add("Verification:ProjectId must be 1–64 printable characters (it is the 'pj' claim of every token).");
        }

        if (options.PickupDirectory is { } folder && (folder.Length == 0 || folder.AsSpan().IndexOfAny(Path.GetInvalidPathChars()) >= 0))
        {
            errors.Add($"Verification:PickupDirectory '{folder}' is not a usable folder path; set a folder or remove the key.");
        }

        foreach (var (section, value) in new (string, object?)[]
        {
            ("Code", options.Code), ("Tokens", options.Tokens), ("Throttling", options.Throttling), ("Phone", options.Phone),
            ("Messages", options.Messages), ("Delivery", options.Delivery), ("Captcha", options.Captcha), ("Email", options.Email), ("InMemoryStore", options.InMemoryStore), ("Targets", options.Targets),
        })
        {
            if (value is null)
            {
                errors.Add($"Verification:{section} must not be null; remove the assignment to use the defaults.");
            }
        }
    }

    private static void ValidateCode(CodeOptions? code, List<string> errors)
    {
        if (code is null)
        {
            return;
        }

        if (code.Length is < 4 or > 10)
        {
            errors.Add($"Verification:Code:Length is {code.Length}; use 4 to 10 digits (6 is the default).");
        }

        if (code.MaxAttempts is < 1 or > 10)
        {
            errors.Add($"Verification:Code:MaxAttempts is {code.MaxAttempts}; use 1 to 10 (5 is the default).");
        }

        if (code.Lifetime <= TimeSpan.Zero || code.Lifetime > TimeSpan.FromDays(1))
        {
            errors.Add($"Verification:Code:Lifetime is {code.Lifetime}; use a positive duration of at most a day, written hh:mm:ss (00:10:00 is the default).");
        }
        else if (code.Lifetime > TimeSpan.FromMinutes(10) && !code.AllowLongLifetime)
        {
            errors.Add($"Verification:Code:Lifetime is {code.Lifetime}, more than the 10 minutes NIST allows for SMS codes; shorten it or set Verification:Code:AllowLongLifetime=true.");
        }
    }

    private static void ValidateTokens(TokenOptions? tokens, List<string> errors)
    {
        if (tokens is null)
        {
            return;
        }

        if (tokens.SigningKeys is null)
        {
            errors.Add("Verification:Tokens:SigningKeys must not be null.");
        }
        else if (tokens.SigningKeys.Any(k => k is null))
        {
            errors.Add("Verification:Tokens:SigningKeys holds an empty entry; remove it.");
        }
        else
        {
            SigningKeyRing.Load(tokens, errors, validateOnly: true)?.Dispose();
        }

        if (tokens.HashKey is null)
        {
            if (!tokens.AllowEphemeralKey)
            {
                errors.Add("Verification:Tokens:HashKey is not set. Set it to base64 of at least 32 random bytes (for example 'openssl rand -base64 32'), shared by every instance, or, for development only, set Verification:Tokens:AllowEphemeralKey=true.");
            }
        }
        else if (SigningKeyRing.TryDecodeBase64(tokens.HashKey) is not { Length: >= 32 })
        {
            errors.Add("Verification:Tokens:HashKey must be base64 of at least 32 random bytes (for example 'openssl rand -base64 32').");
        }

        ValidateRange("Tokens:VerificationTokenLifetime", tokens.VerificationTokenLifetime, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1), errors);
        ValidateRange("Tokens:ClockSkew", tokens.ClockSkew, TimeSpan.Zero, TimeSpan.FromSeconds(30), errors);
    }

    private static void ValidateThrottling(ThrottlingOptions? throttling, List<string> errors)
    {
        if (throttling is null)
        {
            return;
        }

        ValidateRange("Throttling:ResendCooldown", throttling.ResendCooldown, TimeSpan.Zero, TimeSpan.FromDays(1), errors);
        ValidateRange("Throttling:FailedAttemptsWindow", throttling.FailedAttemptsWindow, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1), errors);
        if (throttling.DailyLimitPerContact is < 1 or > 100_000)
        {
            errors.Add($"Verification:Throttling:DailyLimitPerContact is {throttling.DailyLimitPerContact}; use 1 to 100000 (30 is the default).");
        }

        if (throttling.FailedAttemptsPerContact is < 1 or > 100_000)
        {
            errors.Add($"Verification:Throttling:FailedAttemptsPerContact is {throttling.FailedAttemptsPerContact}; use 1 to 100000 (10 is the default).");
        }

        if (throttling.FailedAttemptsBackstop < throttling.FailedAttemptsPerContact || throttling.FailedAttemptsBackstop > 100)
        {
            errors.Add($"Verification:Throttling:FailedAttemptsBackstop is {throttling.FailedAttemptsBackstop}; use FailedAttemptsPerContact ({throttling.FailedAttemptsPerContact}) to 100 (NIST SP 800-63B's most consecutive failures; 50 is the default).");
        }

        foreach (var (key, value, fallback) in new (string, int, int)[]
        {
            ("GlobalSmsPerHour", throttling.GlobalSmsPerHour, 1000), ("GlobalSmsPerDay", throttling.GlobalSmsPerDay, 10_000),
            ("GlobalEmailPerHour", throttling.GlobalEmailPerHour, 5000), ("GlobalEmailPerDay", throttling.GlobalEmailPerDay, 50_000),
            ("GlobalSmsPerRegionPerHour", throttling.GlobalSmsPerRegionPerHour, 500), ("SmsPerPrefixPerHour", throttling.SmsPerPrefixPerHour, 50),
        })
        {
            if (value < 0)
            {
                errors.Add($"Verification:Throttling:{key} is {value}; use 0 (off) or more ({fallback} is the default).");
            }
        }

        if (double.IsNaN(throttling.GlobalCaptchaShare) || throttling.GlobalCaptchaShare is < 0 or > 1)
        {
            errors.Add($"Verification:Throttling:GlobalCaptchaShare is {throttling.GlobalCaptchaShare}; use 0 to 1 (1 turns it off; 0.5 is the default).");
        }

        if (double.IsNaN(throttling.GlobalReservedShare) || throttling.GlobalReservedShare is < 0 or > 0.9)
        {
            errors.Add($"Verification:Throttling:GlobalReservedShare is {throttling.GlobalReservedShare}; use 0 to 0.9 (0.2 is the default).");
        }

        ValidateWindow("Throttling:ContactBurst", throttling.ContactBurst, errors);
        ValidateWindow("Throttling:PerIp", throttling.PerIp, errors);
        ValidateWindow("Throttling:PerDevice", throttling.PerDevice, errors);
        ValidateWindow("Throttling:PerNumberPrefix", throttling.PerNumberPrefix, errors);
        ValidateWindow("Throttling:PerIpv6Slash56", throttling.PerIpv6Slash56, errors);
        ValidateWindow("Throttling:PerIpv6Slash48", throttling.PerIpv6Slash48, errors);
        ValidateWindow("Throttling:LookupsPerIp", throttling.LookupsPerIp, errors);
        ValidateWindow("Throttling:LookupsPerDevice", throttling.LookupsPerDevice, errors);
    }

    private static void ValidateWindow(string key, RateWindow? window, List<string> errors)
    {
        if (window is null)
        {
            errors.Add($"Verification:{key} must not be null; set its Limit to 0 to turn it off.");
            return;
        }

        if (window.Limit is < 0 or > 1_000_000)
        {
            errors.Add($"Verification:{key}:Limit is {window.Limit}; use 0 (off) to 1000000.");
        }

        if (window.Limit > 0)
        {
            ValidateRange(key + ":Window", window.Window, TimeSpan.FromSeconds(1), TimeSpan.FromDays(30), errors);
        }
    }

    private static void ValidateDelivery(DeliveryOptions? delivery, List<string> errors)
    {
        if (delivery is null)
        {
            return;
        }

        ValidateRange("Delivery:Timeout", delivery.Timeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(2), errors);
        ValidateRange("Delivery:RetryDelay", delivery.RetryDelay, TimeSpan.Zero, TimeSpan.FromSeconds(10), errors);
        if (delivery.MaxRetries is < 0 or > 5)
        {
            errors.Add($"Verification:Delivery:MaxRetries is {delivery.MaxRetries}; use 0 to 5 (2 is the default).");
        }

        if (delivery.CircuitBreaker is not { } breaker)
        {
            errors.Add("Verification:Delivery:CircuitBreaker must not be null; remove the assignment to use the defaults.");
            return;
        }

        if (!(breaker.FailureRatio is > 0 and <= 1))
        {
            errors.Add($"Verification:Delivery:CircuitBreaker:FailureRatio is {breaker.FailureRatio}; use a share above 0 and at most 1 (0.5 is the default).");
        }

        if (breaker.MinimumThroughput is < 2 or > 10_000)
        {
            errors.Add($"Verification:Delivery:CircuitBreaker:MinimumThroughput is {breaker.MinimumThroughput}; use 2 to 10000 (10 is the default).");
        }

        ValidateRange("Delivery:CircuitBreaker:SamplingDuration", breaker.SamplingDuration, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10), errors);
        ValidateRange("Delivery:CircuitBreaker:BreakDuration", breaker.BreakDuration, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), errors);
    }

    private static void ValidateCaptcha(CaptchaOptions? captcha, List<string> errors)
    {
        if (captcha is null)
        {
            return;
        }

        if (captcha.KeyLength is < 4 or > 6)
        {
            errors.Add($"Verification:Captcha:KeyLength is {captcha.KeyLength}; use 4 to 6 (5 is the default).");
        }

        if (captcha.MaxTries is < 1 or > 10)
        {
            errors.Add($"Verification:Captcha:MaxTries is {captcha.MaxTries}; use 1 to 10 (5 is the default).");
        }

        if (captcha.ChallengesPerIpPerHour < 0)
        {
            errors.Add("Verification:Captcha:ChallengesPerIpPerHour must be 0 (off) or more.");
        }

        ValidateRange("Captcha:ChallengeLifetime", captcha.ChallengeLifetime, TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(30), errors);
        ValidateRange("Captcha:TokenLifetime", captcha.TokenLifetime, TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(30), errors);
    }

    private static void ValidatePhone(PhoneOptions? phone, List<string> errors)
    {
        if (phone is null)
        {
            return;
        }

        if (phone.AllowedRegions is null || phone.AllowedNumberTypes is null)
        {
            errors.Add("Verification:Phone:AllowedRegions and Verification:Phone:AllowedNumberTypes must not be null; leave them empty for the defaults.");
            return;
        }

        foreach (var region in phone.AllowedRegions)
        {
            if (region is null || (region.Trim() != "*" && !ContactParser.IsKnownRegion(region)))
            {
                errors.Add($"Verification:Phone:AllowedRegions holds '{region}', which is not an ISO 3166 region code known to libphonenumber (for example CN, HK, US), nor '*'.");
            }
        }

        foreach (var kind in phone.AllowedNumberTypes)
        {
            if (!Enum.IsDefined(kind))
            {
                errors.Add($"Verification:Phone:AllowedNumberTypes holds {kind}; use {string.Join(", ", Enum.GetNames<PhoneNumberKind>())}.");
            }
        }
    }

    private static void ValidateEmail(EmailOptions? email, List<string> errors)
    {
        if (email is null)
        {
            return;
        }

        if (email.DotInsensitiveDomains is null)
        {
            errors.Add("Verification:Email:DotInsensitiveDomains must not be null; leave it empty for the default (gmail.com, googlemail.com).");
            return;
        }

        foreach (var domain in email.DotInsensitiveDomains)
        {
            if (string.IsNullOrWhiteSpace(domain) || domain.Contains('@', StringComparison.Ordinal) || TextRules.HasControlCharacters(domain))
            {
                errors.Add($"Verification:Email:DotInsensitiveDomains holds '{domain}', which is not a domain name such as gmail.com.");
            }
        }
    }

    private static void ValidateMessages(MessageOptions? messages, List<string> errors)
    {
        if (messages is null)
        {
            return;
        }

        if (messages.ProductName is { } product && (product.Length > 64 || TextRules.HasControlCharacters(product)))
        {
            errors.Add("Verification:Messages:ProductName must be at most 64 printable characters.");
        }

        if (!TryGetCulture(messages.DefaultCulture, out _))
        {
            errors.Add($"Verification:Messages:DefaultCulture '{messages.DefaultCulture}' is not a culture name; use for example \"en\" or \"zh-CN\".");
        }

        if (messages.WebOtpHost is { } host && !IsHostName(host))
        {
            errors.Add($"Verification:Messages:WebOtpHost '{host}' is not a host name; write the host of the site that reads the code only, for example \"app.example.com\" (no scheme, port, path or spaces).");
        }

        if (messages.AndroidAppHash is { } hash && !IsAppHash(hash))
        {
            errors.Add($"Verification:Messages:AndroidAppHash '{hash}' is not an SMS Retriever app hash; it is the 11 base64 characters (A-Z, a-z, 0-9, + and /) the app's AppSignatureHelper prints, for example \"FA+9qCX9VSu\".");
        }
    }

    /// <summary>A DNS host name (<c>localhost</c>, <c>app.example.com</c>, IDN in Unicode or punycode): what WebOTP's <c>@host</c> names.</summary>
    private static bool IsHostName(string host) =>
        host.Length is > 0 and <= 253 && host.Trim() == host && !host.Contains(':', StringComparison.Ordinal)
        && !host.StartsWith('.') && !host.EndsWith('.')
        && Uri.CheckHostName(host) == UriHostNameType.Dns;

    private static bool IsAppHash(string hash) =>
        hash.Length == 11 && hash.All(static c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/');

    internal static bool TryGetCulture(string? name, out CultureInfo culture)
    {
        culture = CultureInfo.InvariantCulture;
        if (string.IsNullOrWhiteSpace(name))
        {
            return false;
        }

        try
        {
            culture = CultureInfo.GetCultureInfo(name, predefinedOnly: true);
            return true;
        }
        catch (CultureNotFoundException) when (InvariantGlobalization && LooksLikeCultureName(name))
        {
            // An app built with InvariantGlobalization knows no culture but the invariant one, so "en" or "zh-CN" can
            // only be checked for its shape; messages then use the invariant (English) formatting and templates.
            return true;
        }
        catch (CultureNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Whether the process runs with invariant globalization, where no named culture exists.</summary>
    internal static bool InvariantGlobalization { get; } = DetectInvariantGlobalization();

    private static bool DetectInvariantGlobalization()
    {
        try
        {
            return CultureInfo.GetCultureInfo("en", predefinedOnly: true).Name.Length == 0;
        }
        catch (CultureNotFoundException)
        {
            return true;
        }
    }

    // BCP 47 in outline: a 2–8 letter language, then subtags of 1–8 letters or digits.
    private static bool LooksLikeCultureName(string name)
    {
        var parts = name.Split('-');
        if (parts[0].Length is < 2 or > 8 || !parts[0].All(char.IsAsciiLetter))
        {
            return false;
        }

        return parts.Skip(1).All(p => p.Length is >= 1 and <= 8 && p.All(char.IsAsciiLetterOrDigit));
    }

    private static void ValidateRange(string key, TimeSpan? value, TimeSpan min, TimeSpan max, List<string> errors)
    {
        if (value is { } v && (v < min || v > max))
        {
            errors.Add($"Verification:{key} is {v}; use a duration from {min} to {max}, written [d.]hh:mm:ss[.fff].");
        }
    }
}
