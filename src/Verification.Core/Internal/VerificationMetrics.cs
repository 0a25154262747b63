using System.Diagnostics.Metrics;
using PhoneNumbers;

namespace Verification;

/// <summary>
/// The instruments of the <c>Verification</c> meter (documented in docs/telemetry.md). Tags take values from
/// fixed sets only; work is skipped when an instrument has no listener.
/// </summary>
internal sealed class VerificationMetrics
{
    public const string MeterName = "Verification";

    private readonly Counter<long> _sent;
    private readonly Counter<long> _verifications;
    private readonly Counter<long> _refusals;

    public VerificationMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _sent = meter.CreateCounter<long>("verification.codes.sent", "{code}", "Codes delivered to a provider, by channel and region.");
        _verifications = meter.CreateCounter<long>("verification.codes.verifications", "{attempt}", "Verification attempts, by channel, region and outcome.");
        _refusals = meter.CreateCounter<long>("verification.sends.refused", "{request}", "Sends refused before delivery, by error and reason.");
    }

    public void Sent(VerificationChannel channel, string contact)
    {
        if (_sent.Enabled)
        {
            _sent.Add(1, new("verification.channel", ChannelTag(channel)), new("verification.region", Region(channel, contact)));
        }
    }

    public void Verified(VerificationChannel channel, string contact, string outcome)
    {
        if (_verifications.Enabled)
        {
            _verifications.Add(
                1,
                new("verification.channel", ChannelTag(channel)),
                new("verification.region", Region(channel, contact)),
                new("verification.outcome", outcome));
        }
    }

    public void Refused(string error, string? reason)
    {
        if (_refusals.Enabled)
        {
            _refusals.Add(1, new("error.type", error), new("verification.reason", reason ?? "none"));
        }
    }

    private static string ChannelTag(VerificationChannel channel) => channel == VerificationChannel.Sms ? "sms" : "email";

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
