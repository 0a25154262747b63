using System.Net;

namespace Verification;

/// <summary>
/// The abuse policy as one table: which counters a send and a verify check and charge, hard or soft, under which
/// key names, and the wording of a refusal. The store executes the plan atomically; the plan itself is data.
/// </summary>
internal sealed class ChargePlan
{
    /// <summary>The subject of a row that counts one thing for everyone (a global budget): the prefix is the whole key.</summary>
    private static readonly ReadOnlyMemory<char>? Whole = ReadOnlyMemory<char>.Empty;

    /// <summary>No subject: the row does not apply. (A bare <c>null</c> would convert to an empty memory, through its conversion from string.)</summary>
    private static readonly ReadOnlyMemory<char>? None = null;

    private readonly ChargeRule[] _rules;
    private readonly int _sendRows;
    private readonly bool _usesIp;
    private readonly bool _usesSlash56;
    private readonly bool _usesSlash48;
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
            //  on                          key prefix               subject (None: the row does not apply)                limit                                          window                    amount kind                 reason
            new(true,                       "failures:",             s => s.Contact.AsMemory(),                            _ => t.FailedAttemptsBackstop,                 t.FailedAttemptsWindow,   0,     RateLimitKind.Hard,  VerificationErrorReasons.FailureBudget),
            new(true,                       "daily:",                s => s.Contact.AsMemory(),                            _ => t.DailyLimitPerContact,                   TimeSpan.FromDays(1),     1,     RateLimitKind.Hard,  VerificationErrorReasons.DailyLimit),
            new(t.GlobalSmsPerDay > 0,      "global-sms-day",        s => s.IsSms ? Whole : None,                          s => Open(t.GlobalSmsPerDay, reserved, s),     TimeSpan.FromDays(1),     1,     RateLimitKind.Hard,  VerificationErrorReasons.GlobalBudget),
            new(t.GlobalEmailPerDay > 0,    "global-email-day",      s => s.IsSms ? None : Whole,                          s => Open(t.GlobalEmailPerDay, reserved, s),   TimeSpan.FromDays(1),     1,     RateLimitKind.Hard,  VerificationErrorReasons.GlobalBudget),
            new(t.GlobalSmsPerHour > 0,     "global-sms-hour",       s => s.IsSms ? Whole : None,                          s => Open(t.GlobalSmsPerHour, reserved, s),    TimeSpan.FromHours(1),    1,     RateLimitKind.Hard,  VerificationErrorReasons.GlobalBudget),
            new(t.GlobalEmailPerHour > 0,   "global-email-hour",     s => s.IsSms ? None : Whole,                          s => Open(t.GlobalEmailPerHour, reserved, s),  TimeSpan.FromHours(1),    1,     RateLimitKind.Hard,  VerificationErrorReasons.GlobalBudget),
            new(t.GlobalSmsPerRegionPerHour > 0, "global-sms-region:", s => s.IsSms ? Text(s.Region) : None,                 s => Open(t.GlobalSmsPerRegionPerHour, reserved, s), TimeSpan.FromHours(1), 1, RateLimitKind.Hard, VerificationErrorReasons.GlobalBudget),
            new(t.SmsPerPrefixPerHour > 0,  "prefix-budget:",        s => s.IsSms ? NumberPrefix(s.Contact) : None,        _ => t.SmsPerPrefixPerHour,                    TimeSpan.FromHours(1),    1,     RateLimitKind.Hard,  VerificationErrorReasons.PrefixBudget),
            new(t.ResendCooldown > TimeSpan.Zero, "cooldown:",       s => s.Contact.AsMemory(),                            _ => 1,                                        t.ResendCooldown,         1,     RateLimitKind.Hard,  VerificationErrorReasons.ResendCooldown),

            // A window that is always full: without a valid captcha token every send is refused.
            new(alwaysRequireCaptcha,       "always",                _ => Whole,                                           _ => 0,                                        TimeSpan.FromMinutes(1),  0,     RateLimitKind.Soft,  VerificationErrorReasons.Always),
            new(true,                       "failures:",             s => s.Contact.AsMemory(),                            _ => t.FailedAttemptsPerContact,               t.FailedAttemptsWindow,   0,     RateLimitKind.Soft,  VerificationErrorReasons.FailureBudget),
            new(t.GlobalSmsPerHour > 0 && captchaShare < 1, "global-sms-hour", s => s.IsSms ? Whole : None,                          _ => Share(t.GlobalSmsPerHour, captchaShare),  TimeSpan.FromHours(1),    0,     RateLimitKind.Soft,  VerificationErrorReasons.GlobalThreshold),
            new(t.GlobalEmailPerHour > 0 && captchaShare < 1, "global-email-hour", s => s.IsSms ? None : Whole,                          _ => Share(t.GlobalEmailPerHour, captchaShare), TimeSpan.FromHours(1),   0,     RateLimitKind.Soft,  VerificationErrorReasons.GlobalThreshold),
            new(t.PerIp.Limit > 0,          "ip:",                   s => Text(s.IpBucket),                                _ => t.PerIp.Limit,                            t.PerIp.Window,           1,     RateLimitKind.Soft,  VerificationErrorReasons.IpLimit),
            new(t.PerIpv6Slash56.Limit > 0, "ip:",                   s => Text(s.Ipv6Block56),                             _ => t.PerIpv6Slash56.Limit,                   t.PerIpv6Slash56.Window,  1,     RateLimitKind.Soft,  VerificationErrorReasons.IpLimit),
            new(t.PerIpv6Slash48.Limit > 0, "ip:",                   s => Text(s.Ipv6Block48),                             _ => t.PerIpv6Slash48.Limit,                   t.PerIpv6Slash48.Window,  1,     RateLimitKind.Soft,  VerificationErrorReasons.IpLimit),
            new(t.PerDevice.Limit > 0,      "device:",               s => Text(s.DeviceId),                                _ => t.PerDevice.Limit,                        t.PerDevice.Window,       1,     RateLimitKind.Soft,  VerificationErrorReasons.DeviceLimit),
            new(t.PerNumberPrefix.Limit > 0, "prefix:",              s => s.IsSms ? NumberPrefix(s.Contact) : None,        _ => t.PerNumberPrefix.Limit,                  t.PerNumberPrefix.Window, 1,     RateLimitKind.Soft,  VerificationErrorReasons.PrefixVelocity),
            new(t.ContactBurst.Limit > 0,   "burst:",                s => s.Contact.AsMemory(),                            _ => t.ContactBurst.Limit,                     t.ContactBurst.Window,    1,     RateLimitKind.Soft,  VerificationErrorReasons.ContactBurst),
        ];

        // USER/NOT_USER lookups that did not match: counted per client, checked (not charged) by every targeted send.
        ChargeRule[] lookups =
        [
            new(t.LookupsPerIp.Limit > 0,     "lookup-ip:",          s => Text(s.IpBucket),                                _ => t.LookupsPerIp.Limit,                     t.LookupsPerIp.Window,    1,     RateLimitKind.Soft,  VerificationErrorReasons.LookupLimit),
            new(t.LookupsPerDevice.Limit > 0, "lookup-device:",      s => Text(s.DeviceId),                                _ => t.LookupsPerDevice.Limit,                 t.LookupsPerDevice.Window, 1,    RateLimitKind.Soft,  VerificationErrorReasons.LookupLimit),
        ];

        // One table, send rows first: a set of charges is this table and a bit per row that applies.
        ChargeRule[] send = [.. table.Where(r => r.On)];
        _sendRows = send.Length;
        _rules = [.. send, .. lookups.Where(r => r.On)];
        if (_rules.Length > ChargeSet.MaxRules)
        {
            throw new InvalidOperationException($"A charge plan holds at most {ChargeSet.MaxRules} rows.");
        }

        _usesIp = t.PerIp.Limit > 0 || t.LookupsPerIp.Limit > 0;
        _usesSlash56 = t.PerIpv6Slash56.Limit > 0;
        _usesSlash48 = t.PerIpv6Slash48.Limit > 0;
    }

    /// <summary>
    /// The charges of one send to <paramref name="contact"/>. <paramref name="reserved"/>: the send may use the reserved
    /// share of the global budgets (the contact has an account, or the request passed a captcha). <paramref name="targeted"/>:
    /// the send asks for <c>USER</c>/<c>NOT_USER</c>, so the client's lookup windows are checked too.
    /// </summary>
    public ChargeSet ForSend(ParsedContact contact, VerificationContext? context, bool reserved = false, bool targeted = false)
    {
        var subject = Subject(contact.Channel == VerificationChannel.Sms, contact.Key, contact.Region, context, reserved);
        var applies = Applying(subject, 0, _sendRows);
        var checkOnly = 0UL;
        if (targeted)
        {
            // Checked with every targeted send (amount 0), charged only by a mismatch (ForLookupMismatch).
            checkOnly = Applying(subject, _sendRows, _rules.Length);
            applies |= checkOnly;
        }

        return new ChargeSet(_rules, subject, applies, checkOnly);
    }

    /// <summary>The charges of a <c>USER</c>/<c>NOT_USER</c> lookup that did not match, for the client's lookup windows.</summary>
    public ChargeSet ForLookupMismatch(VerificationContext? context)
    {
        var subject = Subject(false, string.Empty, null, context, false);
        return new ChargeSet(_rules, subject, Applying(subject, _sendRows, _rules.Length), 0);
    }

    /// <summary>The subject of a set of charges: every key part its rows may use, each made once.</summary>
    private ChargeSubject Subject(bool isSms, string contactKey, string? region, VerificationContext? context, bool reserved)
    {
        var ip = context?.ClientIp;
        return new ChargeSubject(
            isSms,
            contactKey,
            region,
            _usesIp && ip is not null ? ClientKeys.IpBucket(ip) : null,
            _usesSlash56 && ip is not null ? ClientKeys.Ipv6Block(ip, 56) : null,
            _usesSlash48 && ip is not null ? ClientKeys.Ipv6Block(ip, 48) : null,
            context?.DeviceId is { Length: > 0 } device ? device : null,
            reserved);
    }

    /// <summary>A bit per row in [<paramref name="from"/>, <paramref name="to"/>) whose subject gives a key.</summary>
    private ulong Applying(in ChargeSubject subject, int from, int to)
    {
        var rows = 0UL;
        for (var i = from; i < to; i++)
        {
            if (_rules[i].Subject(subject) is not null)
            {
                rows |= 1UL << i;
            }
        }

        return rows;
    }

    /// <summary>Whether <paramref name="charge"/> is a global budget (hourly, daily or per region), whose half is watched.</summary>
    public static bool IsGlobalBudget(RateCharge charge) => charge is { Kind: RateLimitKind.Hard, Reason: VerificationErrorReasons.GlobalBudget };

    /// <summary>The part of <paramref name="budget"/> open to every send: all of it for a send that may use the reserved share.</summary>
    private static long Open(long budget, double reservedShare, ChargeSubject subject) =>
        subject.Reserved ? budget : budget - (long)Math.Ceiling(budget * reservedShare);

    /// <summary><paramref name="share"/> of <paramref name="budget"/>, rounded down.</summary>
    private static long Share(long budget, double share) => (long)Math.Floor(budget * share);

    /// <summary>How many digits the number-prefix guard drops: numbers that differ only in these share one counter.</summary>
    public const int PrefixDroppedDigits = 4;

    /// <summary>
    /// The number-prefix key of an E.164 number: the number without its last <see cref="PrefixDroppedDigits"/>
    /// digits, so that a sweep through one block of numbers counts as one; null for numbers too short to group.
    /// </summary>
    public static ReadOnlyMemory<char>? NumberPrefix(string e164) => e164.Length > 8 ? e164.AsMemory(0, e164.Length - PrefixDroppedDigits) : None;

    /// <summary>
    /// The charge of one verify attempt: the contact's failure backstop, checked before and charged on a mismatch. (The
    /// smaller failure budget is soft: it asks a send for a captcha, so a guesser pays one per code, and the owner is
    /// never refused by it.)
    /// </summary>
    public RateCharge ForVerify(string contactKey) =>
        RateCharge.FromParts("failures:", contactKey.AsMemory(), _failureBackstop, _failureWindow, 1, RateLimitKind.Hard, VerificationErrorReasons.FailureBudget);

    /// <summary>The description of a hard-limit refusal, by its reason.</summary>
    public static string Describe(string? reason) => reason switch
    {
        VerificationErrorReasons.DailyLimit => "Too many codes were sent to this contact today; try again later.",
        VerificationErrorReasons.GlobalBudget => "The service's sending budget is spent for now; try again later.",
        VerificationErrorReasons.PrefixBudget => "Too many codes went to numbers like this one within the hour; try again later.",
        VerificationErrorReasons.FailureBudget => "Too many wrong codes for this contact; try again later.",
        _ => "A code was sent to this contact moments ago; wait before asking again.",
    };

    /// <summary>What a row's subject and limit functions may look at: every part of a key, made once per set of charges.</summary>
    internal readonly record struct ChargeSubject(
        bool IsSms,
        string Contact,
        string? Region,
        string? IpBucket,
        string? Ipv6Block56,
        string? Ipv6Block48,
        string? DeviceId,
        bool Reserved);

    /// <summary>A part of the subject as a key's subject; none when the part is absent.</summary>
    private static ReadOnlyMemory<char>? Text(string? part) => part is null ? None : part.AsMemory();

    /// <summary>One row of the table: its counter's key is <see cref="Prefix"/> followed by what <see cref="Subject"/> gives (null: the row does not apply).</summary>
    internal sealed record ChargeRule(bool On, string Prefix, Func<ChargeSubject, ReadOnlyMemory<char>?> Subject, Func<ChargeSubject, long> Limit, TimeSpan Window, long Amount, RateLimitKind Kind, string Reason);
}
