using System.Net;

namespace Verification;

/// <summary>
/// The abuse policy as one table: which counters a send and a verify check and charge, hard or soft, under which
/// key names, and the wording of a refusal. The store executes the plan atomically; the plan itself is data.
/// </summary>
internal sealed class ChargePlan
{
    private readonly ChargeRule[] _sendRules;
    private readonly ChargeRule[] _lookupRules;
    private readonly int _failureBackstop;
    private readonly TimeSpan _failureWindow;

    public ChargePlan(ThrottlingOptions throttling, bool alwaysRequireCaptcha)
    {
        ArgumentNullException.ThrowIfNull(throttling);
        var t = throttling;
        _failureBackstop = t.FailedAttemptsBackstop;
        _failureWindow = t.FailedAttemptsWindow;
        var reserved = t.GlobalReservedShare;
        var captchaShare = t.GlobalCaptchaShare;

        // The counters of one send, in the order the store checks them. Hard limits come longest-lived first, so the
        // refusal reported is the one that lasts; soft limits (a valid captcha token waives them) follow.
        // A row applies when it is on (its limit above 0, or its switch set) and its key function gives a key. A
        // global row's limit leaves out the reserved share unless the send may use it (an existing account, a solved
        // captcha); the captcha share of an hourly global budget is a soft row on the same counter.
        ChargeRule[] table =
        [
            //  on                          counter key                                                   limit                                          window                    amount kind                 reason
            new(true,                       s => "failures:" + s.ContactKey,                              _ => t.FailedAttemptsBackstop,                 t.FailedAttemptsWindow,   0,     RateLimitKind.Hard,  VerificationErrorReasons.FailureBudget),
            new(true,                       s => "daily:" + s.ContactKey,                                 _ => t.DailyLimitPerContact,                   TimeSpan.FromDays(1),     1,     RateLimitKind.Hard,  VerificationErrorReasons.DailyLimit),
            new(t.GlobalSmsPerDay > 0,      s => s.IsSms ? "global-sms-day" : null,                       s => Open(t.GlobalSmsPerDay, reserved, s),     TimeSpan.FromDays(1),     1,     RateLimitKind.Hard,  VerificationErrorReasons.GlobalBudget),
            new(t.GlobalEmailPerDay > 0,    s => s.IsSms ? null : "global-email-day",                     s => Open(t.GlobalEmailPerDay, reserved, s),   TimeSpan.FromDays(1),     1,     RateLimitKind.Hard,  VerificationErrorReasons.GlobalBudget),
            new(t.GlobalSmsPerHour > 0,     s => s.IsSms ? "global-sms-hour" : null,                      s => Open(t.GlobalSmsPerHour, reserved, s),    TimeSpan.FromHours(1),    1,     RateLimitKind.Hard,  VerificationErrorReasons.GlobalBudget),
            new(t.GlobalEmailPerHour > 0,   s => s.IsSms ? null : "global-email-hour",                    s => Open(t.GlobalEmailPerHour, reserved, s),  TimeSpan.FromHours(1),    1,     RateLimitKind.Hard,  VerificationErrorReasons.GlobalBudget),
            new(t.GlobalSmsPerRegionPerHour > 0, s => s.IsSms && s.Region is { } r ? "global-sms-region:" + r : null, s => Open(t.GlobalSmsPerRegionPerHour, reserved, s), TimeSpan.FromHours(1), 1, RateLimitKind.Hard, VerificationErrorReasons.GlobalBudget),
            new(t.SmsPerPrefixPerHour > 0,  s => s.IsSms && NumberPrefix(s.ContactKey) is { } p ? "prefix-budget:" + p : null, _ => t.SmsPerPrefixPerHour, TimeSpan.FromHours(1), 1, RateLimitKind.Hard, VerificationErrorReasons.PrefixBudget),
            new(t.ResendCooldown > TimeSpan.Zero, s => "cooldown:" + s.ContactKey,                        _ => 1,                                        t.ResendCooldown,         1,     RateLimitKind.Hard,  VerificationErrorReasons.ResendCooldown),

            // A window that is always full: without a valid captcha token every send is refused.
            new(alwaysRequireCaptcha,       _ => "always",                                                _ => 0,                                        TimeSpan.FromMinutes(1),  0,     RateLimitKind.Soft,  VerificationErrorReasons.Always),
            new(true,                       s => "failures:" + s.ContactKey,                              _ => t.FailedAttemptsPerContact,               t.FailedAttemptsWindow,   0,     RateLimitKind.Soft,  VerificationErrorReasons.FailureBudget),
            new(t.GlobalSmsPerHour > 0 && captchaShare < 1, s => s.IsSms ? "global-sms-hour" : null,      _ => Share(t.GlobalSmsPerHour, captchaShare),  TimeSpan.FromHours(1),    0,     RateLimitKind.Soft,  VerificationErrorReasons.GlobalThreshold),
            new(t.GlobalEmailPerHour > 0 && captchaShare < 1, s => s.IsSms ? null : "global-email-hour",  _ => Share(t.GlobalEmailPerHour, captchaShare), TimeSpan.FromHours(1),   0,     RateLimitKind.Soft,  VerificationErrorReasons.GlobalThreshold),
            new(t.PerIp.Limit > 0,          s => s.ClientIp is { } ip ? "ip:" + ClientKeys.IpBucket(ip) : null, _ => t.PerIp.Limit,                 t.PerIp.Window,           1,     RateLimitKind.Soft,  VerificationErrorReasons.IpLimit),
            new(t.PerIpv6Slash56.Limit > 0, s => s.ClientIp is { } ip && ClientKeys.Ipv6Block(ip, 56) is { } b ? "ip:" + b : null, _ => t.PerIpv6Slash56.Limit, t.PerIpv6Slash56.Window, 1, RateLimitKind.Soft, VerificationErrorReasons.IpLimit),
            new(t.PerIpv6Slash48.Limit > 0, s => s.ClientIp is { } ip && ClientKeys.Ipv6Block(ip, 48) is { } b ? "ip:" + b : null, _ => t.PerIpv6Slash48.Limit, t.PerIpv6Slash48.Window, 1, RateLimitKind.Soft, VerificationErrorReasons.IpLimit),
            new(t.PerDevice.Limit > 0,      s => s.DeviceId is { Length: > 0 } d ? "device:" + d : null,  _ => t.PerDevice.Limit,                        t.PerDevice.Window,       1,     RateLimitKind.Soft,  VerificationErrorReasons.DeviceLimit),
            new(t.PerNumberPrefix.Limit > 0, s => s.IsSms && NumberPrefix(s.ContactKey) is { } p ? "prefix:" + p : null, _ => t.PerNumberPrefix.Limit, t.PerNumberPrefix.Window, 1, RateLimitKind.Soft, VerificationErrorReasons.PrefixVelocity),
            new(t.ContactBurst.Limit > 0,   s => "burst:" + s.ContactKey,                                 _ => t.ContactBurst.Limit,                     t.ContactBurst.Window,    1,     RateLimitKind.Soft,  VerificationErrorReasons.ContactBurst),
        ];
        _sendRules = [.. table.Where(r => r.On)];

        // USER/NOT_USER lookups that did not match: counted per client, checked (not charged) by every targeted send.
        ChargeRule[] lookups =
        [
            new(t.LookupsPerIp.Limit > 0,     s => s.ClientIp is { } ip ? "lookup-ip:" + ClientKeys.IpBucket(ip) : null, _ => t.LookupsPerIp.Limit, t.LookupsPerIp.Window, 1, RateLimitKind.Soft, VerificationErrorReasons.LookupLimit),
            new(t.LookupsPerDevice.Limit > 0, s => s.DeviceId is { Length: > 0 } d ? "lookup-device:" + d : null, _ => t.LookupsPerDevice.Limit, t.LookupsPerDevice.Window, 1, RateLimitKind.Soft, VerificationErrorReasons.LookupLimit),
        ];
        _lookupRules = [.. lookups.Where(r => r.On)];
    }

    /// <summary>
    /// The charges of one send to <paramref name="contact"/>. <paramref name="reserved"/>: the send may use the reserved
    /// share of the global budgets (the contact has an account, or the request passed a captcha). <paramref name="targeted"/>:
    /// the send asks for <c>USER</c>/<c>NOT_USER</c>, so the client's lookup windows are checked too.
    /// </summary>
    public RateCharge[] ForSend(ParsedContact contact, VerificationContext? context, bool reserved = false, bool targeted = false)
    {
        var subject = new ChargeSubject(contact.Channel == VerificationChannel.Sms, contact.Key, contact.Region, context?.ClientIp, context?.DeviceId, reserved);
        var charges = new List<RateCharge>(_sendRules.Length + _lookupRules.Length);
        Add(charges, _sendRules, subject, amountOverride: null);
        if (targeted)
        {
            // Checked with every targeted send (amount 0), charged only by a mismatch (ForLookupMismatch).
            Add(charges, _lookupRules, subject, amountOverride: 0);
        }

        return [.. charges];
    }

    /// <summary>The charges of a <c>USER</c>/<c>NOT_USER</c> lookup that did not match, for the client's lookup windows.</summary>
    public RateCharge[] ForLookupMismatch(VerificationContext? context)
    {
        var subject = new ChargeSubject(false, string.Empty, null, context?.ClientIp, context?.DeviceId, false);
        var charges = new List<RateCharge>(_lookupRules.Length);
        Add(charges, _lookupRules, subject, amountOverride: null);
        return [.. charges];
    }

    /// <summary>Whether <paramref name="charge"/> is a global budget (hourly, daily or per region), whose half is watched.</summary>
    public static bool IsGlobalBudget(RateCharge charge) => charge is { Kind: RateLimitKind.Hard, Reason: VerificationErrorReasons.GlobalBudget };

    /// <summary>The part of <paramref name="budget"/> open to every send: all of it for a send that may use the reserved share.</summary>
    private static long Open(long budget, double reservedShare, ChargeSubject subject) =>
        subject.Reserved ? budget : budget - (long)Math.Ceiling(budget * reservedShare);

    /// <summary><paramref name="share"/> of <paramref name="budget"/>, rounded down.</summary>
    private static long Share(long budget, double share) => (long)Math.Floor(budget * share);

    private static void Add(List<RateCharge> charges, ChargeRule[] rules, ChargeSubject subject, long? amountOverride)
    {
        foreach (var rule in rules)
        {
            if (rule.Key(subject) is { } key)
            {
                charges.Add(new RateCharge(key, rule.Limit(subject), rule.Window, amountOverride ?? rule.Amount, rule.Kind, rule.Reason));
            }
        }
    }

    /// <summary>How many digits the number-prefix guard drops: numbers that differ only in these share one counter.</summary>
    public const int PrefixDroppedDigits = 4;

    /// <summary>
    /// The number-prefix key of an E.164 number: the number without its last <see cref="PrefixDroppedDigits"/>
    /// digits, so that a sweep through one block of numbers counts as one; null for numbers too short to group.
    /// </summary>
    public static string? NumberPrefix(string e164) => e164.Length > 8 ? e164[..^PrefixDroppedDigits] : null;

    /// <summary>
    /// The charge of one verify attempt: the contact's failure backstop, checked before and charged on a mismatch. (The
    /// smaller failure budget is soft: it asks a send for a captcha, so a guesser pays one per code, and the owner is
    /// never refused by it.)
    /// </summary>
    public RateCharge ForVerify(string contactKey) =>
        new("failures:" + contactKey, _failureBackstop, _failureWindow, 1, RateLimitKind.Hard, VerificationErrorReasons.FailureBudget);

    /// <summary>The description of a hard-limit refusal, by its reason.</summary>
    public static string Describe(string? reason) => reason switch
    {
        VerificationErrorReasons.DailyLimit => "Too many codes were sent to this contact today; try again later.",
        VerificationErrorReasons.GlobalBudget => "The service's sending budget is spent for now; try again later.",
        VerificationErrorReasons.PrefixBudget => "Too many codes went to numbers like this one within the hour; try again later.",
        VerificationErrorReasons.FailureBudget => "Too many wrong codes for this contact; try again later.",
        _ => "A code was sent to this contact moments ago; wait before asking again.",
    };

    /// <summary>What a key function may look at.</summary>
    private readonly record struct ChargeSubject(bool IsSms, string ContactKey, string? Region, IPAddress? ClientIp, string? DeviceId, bool Reserved);

    /// <summary>One row of the table.</summary>
    private sealed record ChargeRule(bool On, Func<ChargeSubject, string?> Key, Func<ChargeSubject, long> Limit, TimeSpan Window, long Amount, RateLimitKind Kind, string Reason);
}
