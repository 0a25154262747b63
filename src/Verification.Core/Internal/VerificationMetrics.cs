using System.Diagnostics;
using System.Diagnostics.Metrics;
using PhoneNumbers;

namespace Verification;

/// <summary>
/// The instruments of the <c>Verification</c> meter (documented in docs/telemetry.md). Tags take values from
/// fixed sets only; work is skipped when an instrument has no listener.
/// </summary>
internal sealed class VerificationMetrics
{
    public const string MeterName = VerificationInstrumentation.MeterName;

    private readonly Counter<long> _sent;
    private readonly Counter<long> _verifications;
    private readonly Counter<long> _refusals;
    private readonly Counter<long> _sends;
    private readonly Counter<long> _deliveries;
    private readonly Histogram<double> _deliveryDuration;
    private readonly Counter<long> _throttles;
    private readonly Counter<long> _captcha;
    private readonly Counter<long> _redemptions;
    private readonly Counter<long> _signed;
    private readonly Counter<long> _budgetHalf;

    public VerificationMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _sent = meter.CreateCounter<long>("verification.codes.sent", "{code}", "Codes delivered to a provider, by channel and region.");
        _verifications = meter.CreateCounter<long>("verification.codes.verifications", "{attempt}", "Verification attempts, by channel, region and outcome.");
        _refusals = meter.CreateCounter<long>("verification.sends.refused", "{request}", "Sends refused before delivery, by error and reason.");
        _sends = meter.CreateCounter<long>("verification.sends", "{request}", "Send requests, by channel, outcome and reason.");
        _deliveries = meter.CreateCounter<long>("verification.deliveries", "{attempt}", "Delivery attempts, by provider, channel and outcome.");
        _deliveryDuration = meter.CreateHistogram<double>(
            "verification.delivery.duration",
            "s",
            "How long one delivery attempt took, by provider, channel and outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        _throttles = meter.CreateCounter<long>("verification.throttles", "{request}", "Requests stopped by a rate limit, by operation, limit kind and reason.");
        _captcha = meter.CreateCounter<long>("verification.captcha.challenges", "{challenge}", "Captcha events, by source and outcome.");
        _redemptions = meter.CreateCounter<long>("verification.tokens.redeemed", "{token}", "Verification-token redemptions, by outcome.");
        _signed = meter.CreateCounter<long>("verification.tokens.signed", "{token}", "Tokens signed (the costly step of a send or verify), by kind.");
        _budgetHalf = meter.CreateCounter<long>("verification.budget.half_spent", "{event}", "A global budget's window passed half of its limit, by budget.");
    }

    /// <summary>Whether anything listens to the per-request send instruments (the wrapper around a send is skipped otherwise).</summary>
    public bool SendsObserved => _sends.Enabled || _throttles.Enabled || _captcha.Enabled;

    /// <summary>Whether anything listens to the delivery-attempt instruments.</summary>
    public bool DeliveriesObserved => _deliveries.Enabled || _deliveryDuration.Enabled;

    /// <summary>Whether anything listens to the redemption counter.</summary>
    public bool RedemptionsObserved => _redemptions.Enabled;

    /// <summary>Whether anything listens to the captcha counter.</summary>
    public bool CaptchaObserved => _captcha.Enabled;

    /// <summary>Whether anything listens to the throttle counter.</summary>
    public bool ThrottlesObserved => _throttles.Enabled;

    /// <summary>One token signed: <c>verification_id</c> or <c>verification_token</c>.</summary>
    public void Signed(string kind)
    {
        if (_signed.Enabled)
        {
            _signed.Add(1, new KeyValuePair<string, object?>("verification.token.kind", kind));
        }
    }

    /// <summary>A global budget's window passed half of its limit (<c>global-sms-hour</c>, <c>global-email-day</c>, <c>global-sms-region</c>…).</summary>
    public void BudgetHalfSpent(string budget)
    {
        if (_budgetHalf.Enabled)
        {
            _budgetHalf.Add(1, new KeyValuePair<string, object?>("verification.budget", budget));
        }
    }

    public void Sent(VerificationChannel channel, string contact)
    {
        if (_sent.Enabled)
        {
            _sent.Add(1, new("verification.channel", ChannelTag(channel)), new("verification.region", Region(channel, contact)));
        }
    }

    public void Verified(VerificationChannel? channel, string? contact, string outcome)
    {
        if (_verifications.Enabled)
        {
            _verifications.Add(
                1,
                new("verification.channel", ChannelTag(channel)),
                new("verification.region", channel is { } known && contact is not null ? Region(known, contact) : "none"),
                new("verification.outcome", outcome));
        }
    }

    public void Refused(string error, string? reason)
    {
        if (_refusals.Enabled)
        {
            _refusals.Add(1, new("error.type", error), new("verification.reason", TagValue(reason)));
        }
    }

    /// <summary>One finished send request: its outcome, and the throttle or captcha demand it met.</summary>
    public void SendCompleted(VerificationChannel? channel, VerificationError? error)
    {
        if (_sends.Enabled)
        {
            _sends.Add(
                1,
                new("verification.channel", ChannelTag(channel)),
                new("verification.outcome", error?.Code ?? "sent"),
                new("verification.reason", TagValue(error?.Reason)));
        }

        switch (error?.Code)
        {
            case VerificationErrorCodes.RateLimitExceeded:
                Throttled("send", "hard", error.Reason);
                break;
            case VerificationErrorCodes.CaptchaRequired:
                Throttled("send", "soft", error.Reason);
                Captcha("send", "required");
                break;
        }
    }

    public void Throttled(string operation, string kind, string? reason)
    {
        if (_throttles.Enabled)
        {
            _throttles.Add(1, new("verification.operation", operation), new("verification.limit.kind", kind), new("verification.reason", TagValue(reason)));
        }
    }

    public void Captcha(string source, string outcome)
    {
        if (_captcha.Enabled)
        {
            _captcha.Add(1, new("verification.captcha.source", source), new("verification.outcome", outcome));
        }
    }

    /// <summary>Counts an image-captcha create or verify result: <paramref name="success"/> on success, else the reason.</summary>
    public void ImageCaptcha(string success, VerificationError? error)
    {
        if (_captcha.Enabled)
        {
            var outcome = error is null ? success
                : error.Code == VerificationErrorCodes.Unavailable ? "unavailable"
                : error.Code == VerificationErrorCodes.RateLimitExceeded ? "rate_limited"
                : error.Code == VerificationErrorCodes.InvalidArgument ? "invalid_argument"
                : TagValue(error.Reason);
            Captcha("image", outcome);
        }

        if (error?.Code == VerificationErrorCodes.RateLimitExceeded)
        {
            Throttled("captcha", "hard", error.Reason);
        }
    }

    public void Redeemed(VerificationError? error)
    {
        if (_redemptions.Enabled)
        {
            _redemptions.Add(1, new KeyValuePair<string, object?>("verification.outcome", error is null ? "redeemed" : error.Code == VerificationErrorCodes.InvalidVerificationToken ? TagValue(error.Reason) : error.Code));
        }
    }

    /// <summary>One delivery attempt through one provider.</summary>
    public void Delivery(string provider, VerificationChannel channel, string outcome, long startedTimestamp)
    {
        var tags = new TagList
        {
            { "verification.provider", provider },
            { "verification.channel", ChannelTag(channel) },
            { "verification.outcome", outcome },
        };
        if (_deliveries.Enabled)
        {
            _deliveries.Add(1, tags);
        }

        if (_deliveryDuration.Enabled && startedTimestamp != 0)
        {
            _deliveryDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, tags);
        }
    }

    public static string ChannelTag(VerificationChannel? channel) => channel switch
    {
        VerificationChannel.Sms => "sms",
        VerificationChannel.Email => "email",
        _ => "unknown",
    };

    /// <summary>
    /// A reason as a tag value: the library's reasons and providers' documented error codes are short snake/kebab-case
    /// words; anything else (free text from a custom validator) becomes <c>other</c> so that tags stay a fixed set.
    /// </summary>
    public static string TagValue(string? reason)
    {
        if (string.IsNullOrEmpty(reason))
        {
            return "none";
        }

        if (reason.Length > 48)
        {
            return "other";
        }

        foreach (var c in reason)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-' or '.'))
            {
                return "other";
            }
        }

        return reason;
    }

    /// <summary>
    /// A sender's declared <see cref="ISmsSender.Name"/> as the provider tag: a short identifier such as
    /// <c>tencentcloud</c>, <c>twilio</c>, <c>smtp</c>, <c>console</c> or <c>pickup-directory</c>; <c>custom</c> when
    /// the name is not a plain identifier. One value per registered sender, so the set is fixed per deployment.
    /// </summary>
    public static string ProviderTag(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 48)
        {
            return "custom";
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-' or '.'))
            {
                return "custom";
            }
        }

        return name.ToLowerInvariant();
    }

    /// <summary>The ISO region of a phone number (a fixed set), "none" for email.</summary>
    private static string Region(VerificationChannel channel, string contact)
    {
        if (channel != VerificationChannel.Sms)
        {
            return "none";
        }

        try
        {
            var util = PhoneNumberUtil.GetInstance();
            return util.GetRegionCodeForNumber(util.Parse(contact, null)) ?? "ZZ";
        }
        catch (NumberParseException)
        {
            return "ZZ";
        }
    }
}
