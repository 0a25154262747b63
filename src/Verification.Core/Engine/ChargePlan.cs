using System.Net;

namespace Verification;

/// <summary>
/// The abuse policy as one table: which counters a send and a verify check and charge, hard or soft, under which
/// key names, and the wording of a refusal. The store executes the plan atomically; the plan itself is data.
/// </summary>
internal sealed class ChargePlan
{
    private readonly ChargeRule[] _sendRules;
    private readonly int _failureBudget;
    private readonly TimeSpan _failureWindow;

    public ChargePlan(ThrottlingOptions throttling, bool alwaysRequireCaptcha)
    {
        ArgumentNullException.ThrowIfNull(throttling);
        var t = throttling;
        _failureBudget = t.FailedAttemptsPerContact;
        _failureWindow = t.FailedAttemptsWindow;

        // The counters of one send, in the order the store checks them. Hard limits come longest-lived first, so the
        // refusal reported is the one that lasts; soft limits (a valid captcha token waives them) follow.
        // A row applies when it is on (its limit above 0, or its switch set) and its key function gives a key.
        ChargeRule[] table =
        [
            //  on                          counter key                                                   limit                        window                       amount kind                 reason
            new(true,                       s => "failures:" + s.ContactKey,                              t.FailedAttemptsPerContact,  t.FailedAttemptsWindow,      0,     RateLimitKind.Hard,  VerificationErrorReasons.FailureBudget),
            new(true,                       s => "daily:" + s.ContactKey,                                 t.DailyLimitPerContact,      TimeSpan.FromDays(1),        1,     RateLimitKind.Hard,  VerificationErrorReasons.DailyLimit),
            new(t.GlobalSmsPerDay > 0,      s => s.IsSms ? "global-sms-day" : null,                       t.GlobalSmsPerDay,           TimeSpan.FromDays(1),        1,     RateLimitKind.Hard,  VerificationErrorReasons.GlobalBudget),
            new(t.GlobalSmsPerHour > 0,     s => s.IsSms ? "global-sms-hour" : null,                      t.GlobalSmsPerHour,          TimeSpan.FromHours(1),       1,     RateLimitKind.Hard,  VerificationErrorReasons.GlobalBudget),
            new(t.ResendCooldown > TimeSpan.Zero, s => "cooldown:" + s.ContactKey,                        1,                           t.ResendCooldown,            1,     RateLimitKind.Hard,  VerificationErrorReasons.ResendCooldown),

            // A window that is always full: without a valid captcha token every send is refused.
            new(alwaysRequireCaptcha,       _ => "always",                                                0,                           TimeSpan.FromMinutes(1),     0,     RateLimitKind.Soft,  VerificationErrorReasons.Always),
            new(t.PerIp.Limit > 0,          s => s.ClientIp is { } ip ? "ip:" + ClientKeys.IpBucket(ip) : null, t.PerIp.Limit,        t.PerIp.Window,              1,     RateLimitKind.Soft,  VerificationErrorReasons.IpLimit),
            new(t.PerDevice.Limit > 0,      s => s.DeviceId is { Length: > 0 } d ? "device:" + d : null,  t.PerDevice.Limit,           t.PerDevice.Window,          1,     RateLimitKind.Soft,  VerificationErrorReasons.DeviceLimit),
            new(t.PerNumberPrefix.Limit > 0, s => s.IsSms && NumberPrefix(s.ContactKey) is { } p ? "prefix:" + p : null, t.PerNumberPrefix.Limit, t.PerNumberPrefix.Window, 1, RateLimitKind.Soft, VerificationErrorReasons.PrefixVelocity),
            new(t.ContactBurst.Limit > 0,   s => "burst:" + s.ContactKey,                                 t.ContactBurst.Limit,        t.ContactBurst.Window,       1,     RateLimitKind.Soft,  VerificationErrorReasons.ContactBurst),
        ];
        _sendRules = [.. table.Where(r => r.On)];
    }

    /// <summary>How many digits the number-prefix guard drops: numbers that differ only in these share one counter.</summary>
    public const int PrefixDroppedDigits = 4;

    /// <summary>
    /// The number-prefix key of an E.164 number: the number without its last <see cref="PrefixDroppedDigits"/>
    /// digits, so that a sweep through one block of numbers counts as one; null for numbers too short to group.
    /// </summary>
    public static string? NumberPrefix(string e164) => e164.Length > 8 ? e164[..^PrefixDroppedDigits] : null;

    /// <summary>The charges of one send to <paramref name="contactKey"/>.</summary>
    public RateCharge[] ForSend(VerificationChannel channel, string contactKey, VerificationContext? context)
    {
        var subject = new ChargeSubject(channel == VerificationChannel.Sms, contactKey, context?.ClientIp, context?.DeviceId);
        var charges = new List<RateCharge>(_sendRules.Length);
        foreach (var rule in _sendRules)
        {
            if (rule.Key(subject) is { } key)
            {
                charges.Add(new RateCharge(key, rule.Limit, rule.Window, rule.Amount, rule.Kind, rule.Reason));
            }
        }

        return [.. charges];
    }

    /// <summary>The charge of one verify attempt: the contact's failure budget, checked before and charged on a mismatch.</summary>
    public RateCharge ForVerify(string contactKey) =>
        new("failures:" + contactKey, _failureBudget, _failureWindow, 1, RateLimitKind.Hard, VerificationErrorReasons.FailureBudget);

    /// <summary>The description of a hard-limit refusal, by its reason.</summary>
    public static string Describe(string? reason) => reason switch
    {
        VerificationErrorReasons.DailyLimit => "Too many codes were sent to this contact today; try again later.",
        VerificationErrorReasons.GlobalBudget => "The service's SMS budget is spent for now; try again later.",
        VerificationErrorReasons.FailureBudget => "Too many wrong codes for this contact; try again later.",
        _ => "A code was sent to this contact moments ago; wait before asking again.",
    };

    /// <summary>What a key function may look at.</summary>
    private readonly record struct ChargeSubject(bool IsSms, string ContactKey, IPAddress? ClientIp, string? DeviceId);

    /// <summary>One row of the table.</summary>
    private sealed record ChargeRule(bool On, Func<ChargeSubject, string?> Key, long Limit, TimeSpan Window, long Amount, RateLimitKind Kind, string Reason);
}
