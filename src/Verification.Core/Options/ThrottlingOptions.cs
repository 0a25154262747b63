namespace Verification;

/// <summary>Per-contact limits (<c>Verification:Throttling</c>).</summary>
public sealed class ThrottlingOptions
{
    /// <summary>The time between two sends to one contact (<c>rate_limit_exceeded</c>, reason <c>resend_cooldown</c>).</summary>
    /// <value>Default 00:01:00. Zero turns it off; at most a day.</value>
    public TimeSpan ResendCooldown { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Sends to one contact per 24 hours (<c>rate_limit_exceeded</c>, reason <c>daily_limit</c>).</summary>
    /// <value>Default 30. 1–100000.</value>
    public int DailyLimitPerContact { get; set; } = 30;

    /// <summary>
    /// Failed verifications per contact per <see cref="FailedAttemptsWindow"/>, across resends (a new code never
    /// resets them), after which a send to the contact needs a captcha (soft: <c>captcha_required</c>, reason
    /// <c>failure_budget</c>). Someone guessing at a contact can then no longer deny its owner, who solves a captcha;
    /// the guesser pays a captcha for every code's attempts.
    /// </summary>
    /// <value>Default 10. 1–100000.</value>
    public int FailedAttemptsPerContact { get; set; } = 10;

    /// <summary>
    /// The hard backstop: failed verifications per contact per <see cref="FailedAttemptsWindow"/> after which sends
    /// and verifies for the contact are refused (<c>rate_limit_exceeded</c>, reason <c>failure_budget</c>) until the
    /// window ends. Well within NIST SP 800-63B's "no more than 100 consecutive failed attempts".
    /// </summary>
    /// <value>Default 50. At least <see cref="FailedAttemptsPerContact"/>, at most 100.</value>
    public int FailedAttemptsBackstop { get; set; } = 50;

    /// <summary>
    /// The window of <see cref="FailedAttemptsPerContact"/> and <see cref="FailedAttemptsBackstop"/>, from the first
    /// failure: the longest the owner of a contact can be asked for a captcha, or refused, because of someone else's guesses.
    /// </summary>
    /// <value>Default 00:30:00. 1 minute to 1 hour.</value>
    public TimeSpan FailedAttemptsWindow { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>SMS sends per hour for the whole deployment, against SMS pumping (hard: <c>rate_limit_exceeded</c>, reason <c>global_budget</c>).</summary>
    /// <value>Default 1000. 0 turns it off.</value>
    public int GlobalSmsPerHour { get; set; } = 1000;

    /// <summary>SMS sends per day for the whole deployment (hard: <c>rate_limit_exceeded</c>, reason <c>global_budget</c>).</summary>
    /// <value>Default 10000. 0 turns it off.</value>
    public int GlobalSmsPerDay { get; set; } = 10_000;

    /// <summary>Email sends per hour for the whole deployment (hard: <c>rate_limit_exceeded</c>, reason <c>global_budget</c>).</summary>
    /// <value>Default 5000. 0 turns it off.</value>
    public int GlobalEmailPerHour { get; set; } = 5000;

    /// <summary>Email sends per day for the whole deployment (hard: <c>rate_limit_exceeded</c>, reason <c>global_budget</c>).</summary>
    /// <value>Default 50000. 0 turns it off.</value>
    public int GlobalEmailPerDay { get; set; } = 50_000;

    /// <summary>
    /// The share of a global hourly budget after which every send needs a captcha (soft: <c>captcha_required</c>,
    /// reason <c>global_threshold</c>): a flood slows down to captcha speed long before the hard cap is reached.
    /// </summary>
    /// <value>Default 0.5. 0 to 1; 1 turns it off.</value>
    public double GlobalCaptchaShare { get; set; } = 0.5;

    /// <summary>
    /// The share of every global budget (hourly, daily, per region) kept for sends to contacts that already have an
    /// account (<see cref="IUserDirectory"/>) and for sends that passed a captcha: when the rest is spent, other sends
    /// are refused (<c>global_budget</c>) while existing users and captcha solvers still sign in.
    /// </summary>
    /// <value>Default 0.2. 0 to 0.9.</value>
    public double GlobalReservedShare { get; set; } = 0.2;

    /// <summary>
    /// SMS sends per hour to the numbers of one region (hard: <c>rate_limit_exceeded</c>, reason <c>global_budget</c>):
    /// pumping through one country's premium ranges spends that region's budget, not everyone's.
    /// </summary>
    /// <value>Default 500. 0 turns it off.</value>
    public int GlobalSmsPerRegionPerHour { get; set; } = 500;

    /// <summary>
    /// SMS sends per hour to one number prefix (the E.164 number without its last 4 digits), hard
    /// (<c>rate_limit_exceeded</c>, reason <c>prefix_budget</c>), behind the soft <see cref="PerNumberPrefix"/>.
    /// </summary>
    /// <value>Default 50. 0 turns it off.</value>
    public int SmsPerPrefixPerHour { get; set; } = 50;

    /// <summary>Sends to one contact in a short burst before a captcha is asked (soft: <c>captcha_required</c>, reason <c>contact_burst</c>).</summary>
    /// <value>Default 3 per 00:10:00.</value>
    public RateWindow ContactBurst { get; set; } = new(3, TimeSpan.FromMinutes(10));

    /// <summary>Sends from one client IP (IPv6 counted per /64) before a captcha is asked (soft, reason <c>ip_limit</c>).</summary>
    /// <value>Default 10 per 01:00:00.</value>
    public RateWindow PerIp { get; set; } = new(10, TimeSpan.FromHours(1));

    /// <summary>Sends from one IPv6 /56 (a household or small site) before a captcha is asked (soft, reason <c>ip_limit</c>).</summary>
    /// <value>Default 40 per 01:00:00.</value>
    public RateWindow PerIpv6Slash56 { get; set; } = new(40, TimeSpan.FromHours(1));

    /// <summary>Sends from one IPv6 /48 (a site or a small provider's customer block) before a captcha is asked (soft, reason <c>ip_limit</c>).</summary>
    /// <value>Default 100 per 01:00:00.</value>
    public RateWindow PerIpv6Slash48 { get; set; } = new(100, TimeSpan.FromHours(1));

    /// <summary>
    /// <c>USER</c>/<c>NOT_USER</c> sends answered <c>user_not_found</c> or <c>already_exists</c> from one client IP
    /// (IPv6 per /64) before every targeted send from it needs a captcha (soft, reason <c>lookup_limit</c>): the
    /// brake on account enumeration.
    /// </summary>
    /// <value>Default 5 per 01:00:00.</value>
    public RateWindow LookupsPerIp { get; set; } = new(5, TimeSpan.FromHours(1));

    /// <summary>Like <see cref="LookupsPerIp"/>, per device id (<c>x-device-id</c>) (soft, reason <c>lookup_limit</c>).</summary>
    /// <value>Default 5 per 01:00:00.</value>
    public RateWindow LookupsPerDevice { get; set; } = new(5, TimeSpan.FromHours(1));

    /// <summary>Sends from one device id (<c>x-device-id</c>) before a captcha is asked (soft, reason <c>device_limit</c>).</summary>
    /// <value>Default 5 per 01:00:00.</value>
    public RateWindow PerDevice { get; set; } = new(5, TimeSpan.FromHours(1));

    /// <summary>
    /// SMS sends to one number prefix (the E.164 number without its last 4 digits) before a captcha is asked: the
    /// velocity guard against SMS pumping through ranges of numbers (soft, reason <c>prefix_velocity</c>).
    /// </summary>
    /// <value>Default 10 per 01:00:00.</value>
    public RateWindow PerNumberPrefix { get; set; } = new(10, TimeSpan.FromHours(1));
}
