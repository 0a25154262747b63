namespace Verification;

/// <summary>
/// Settings of the verification service, bound from the <c>Verification</c> configuration section
/// (environment variables use <c>__</c>: <c>Verification__Code__Length=8</c>). Validated at start; every
/// failure message names the setting to fix.
/// </summary>
public sealed class VerificationOptions
{
    /// <summary>The configuration section the options bind from: <c>"Verification"</c>.</summary>
    public const string SectionName = "Verification";

    /// <summary>
    /// The project id, written into every token as the <c>pj</c> claim; tokens of another project are refused.
    /// </summary>
    /// <value>Default <c>"default"</c>. 1–64 characters.</value>
    public string ProjectId { get; set; } = DefaultProjectId;

    /// <summary>The <see cref="ProjectId"/> of an app that sets none: <c>"default"</c>.</summary>
    public const string DefaultProjectId = "default";

    /// <summary>
    /// A folder where the development pickup-directory sender writes each message as one JSON file. When set,
    /// it delivers every channel that has no other sender registered.
    /// </summary>
    /// <value>Default null (off).</value>
    public string? PickupDirectory { get; set; }

    /// <summary>
    /// Whether send answers carry <c>is_user</c> when an <see cref="IUserDirectory"/> is registered. Turn it off
    /// to stop the send endpoint from telling who has an account.
    /// </summary>
    /// <value>Default true.</value>
    public bool IncludeIsUser { get; set; } = true;

    /// <summary>The codes: length, lifetime, attempts.</summary>
    public CodeOptions Code { get; set; } = new();

    /// <summary>Signing keys and token lifetimes.</summary>
    public TokenOptions Tokens { get; set; } = new();

    /// <summary>Per-contact limits.</summary>
    public ThrottlingOptions Throttling { get; set; } = new();

    /// <summary>The <c>target</c> field of a send (<c>USER</c>, <c>NOT_USER</c>).</summary>
    public TargetOptions Targets { get; set; } = new();

    /// <summary>Which phone numbers are accepted.</summary>
    public PhoneOptions Phone { get; set; } = new();

    /// <summary>Which email addresses are accepted and how their limits are keyed.</summary>
    public EmailOptions Email { get; set; } = new();

    /// <summary>Message wording.</summary>
    public MessageOptions Messages { get; set; } = new();

    /// <summary>Delivery to the senders.</summary>
    public DeliveryOptions Delivery { get; set; } = new();

    /// <summary>Captcha escalation and the built-in image captcha.</summary>
    public CaptchaOptions Captcha { get; set; } = new();

    /// <summary>The default in-memory store (unused when another store is registered).</summary>
    public InMemoryStoreOptions InMemoryStore { get; set; } = new();
}

/// <summary>The default in-memory store (<c>Verification:InMemoryStore</c>).</summary>
public sealed class InMemoryStoreOptions
{
    /// <summary>
    /// The most records, counters, single-use marks and idempotency values the store holds; past it, sends answer
    /// <c>unavailable</c> (reason <c>store_unavailable</c>) instead of the process growing without bound, while codes
    /// already sent still verify. A send takes about 5–8 entries.
    /// </summary>
    /// <value>Default 1000000 (roughly 150–250 MB). 1000–100000000.</value>
    public int MaxEntries { get; set; } = InMemoryCodeStore.DefaultMaxEntries;
}

/// <summary>Settings of the one-time codes (<c>Verification:Code</c>).</summary>
public sealed class CodeOptions
{
    /// <summary>Digits per code.</summary>
    /// <value>Default 6. 4–10.</value>
    public int Length { get; set; } = 6;

    /// <summary>How long a code stays valid (also the <c>expires_in</c> of the send answer), as <c>hh:mm:ss</c>.</summary>
    /// <value>Default 00:10:00 (600 s). At most 10 minutes unless <see cref="AllowLongLifetime"/> is set; never more than a day.</value>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Allows a <see cref="Lifetime"/> above 10 minutes (up to a day), which NIST advises against for SMS.</summary>
    /// <value>Default false.</value>
    public bool AllowLongLifetime { get; set; }

    /// <summary>Attempts per code; the attempt that reaches it burns the code.</summary>
    /// <value>Default 5. 1–10.</value>
    public int MaxAttempts { get; set; } = 5;
}

/// <summary>Signing and hashing keys, token lifetimes (<c>Verification:Tokens</c>).</summary>
public sealed class TokenOptions
{
    /// <summary>The JWT algorithm of every token: <c>RS256</c>, <c>ES256</c> or <c>HS256</c>.</summary>
    /// <value>Default <c>"RS256"</c>.</value>
    public string Algorithm { get; set; } = "RS256";

    /// <summary>
    /// The signing keys: the first signs, all validate (rotation). RS256 wants an RSA private key of at least
    /// 2048 bits, ES256 a P-256 private key, both as PEM (<see cref="SigningKeyOptions.Pem"/> or
    /// <see cref="SigningKeyOptions.PemFile"/>); HS256 a base64 <see cref="SigningKeyOptions.Secret"/> of at least 32 bytes.
    /// </summary>
    /// <value>Default empty: the service refuses to start unless <see cref="AllowEphemeralKey"/> is set.</value>
    public IList<SigningKeyOptions> SigningKeys { get; set; } = new List<SigningKeyOptions>();

    /// <summary>
    /// The HMAC-SHA256 secret that stored codes are hashed with, base64, at least 32 bytes. Instances of one
    /// deployment share it.
    /// </summary>
    /// <value>Default null: required unless <see cref="AllowEphemeralKey"/> is set.</value>
    public string? HashKey { get; set; }

    /// <summary>
    /// Development only: when no signing key or hash key is configured, make random ones for this process.
    /// Tokens then die with the process and are not shared between instances.
    /// </summary>
    /// <value>Default false.</value>
    public bool AllowEphemeralKey { get; set; }

    /// <summary>How long a verification token stays redeemable (its <c>expires_in</c>).</summary>
    /// <value>Default 00:10:00. 1 second to 1 day.</value>
    public TimeSpan VerificationTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Tolerated clock difference when checking token expiry.</summary>
    /// <value>Default 00:00:10. At most 30 seconds.</value>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>One signing key (<c>Verification:Tokens:SigningKeys:N</c>). Set exactly one of Pem, PemFile and Secret.</summary>
public sealed class SigningKeyOptions
{
    /// <summary>The key id written in the JWT header (<c>kid</c>).</summary>
    /// <value>
    /// Default null: an RSA or EC key's RFC 7638 thumbprint (public anyway); for an HS256 secret <c>hs256-</c> and its
    /// position in the list (never derived from the secret). Give rotated HS256 secrets explicit ids, so that a token's
    /// id keeps naming its secret when the list changes.
    /// </value>
    public string? KeyId { get; set; }

    /// <summary>A PKCS#8 or PKCS#1/SEC1 private key in PEM (RS256, ES256).</summary>
    public string? Pem { get; set; }

    /// <summary>The path of a PEM file holding the private key (RS256, ES256).</summary>
    public string? PemFile { get; set; }

    /// <summary>A base64 secret of at least 32 bytes (HS256).</summary>
    public string? Secret { get; set; }
}

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

/// <summary>The <c>target</c> field of a send (<c>Verification:Targets</c>).</summary>
public sealed class TargetOptions
{
    /// <summary>
    /// Whether <c>target: USER</c> / <c>NOT_USER</c> check the account (answering <c>user_not_found</c> /
    /// <c>already_exists</c>). Off, every target answers exactly like <c>ANY</c>: nothing tells who has an account,
    /// and the app checks the account itself when the token is redeemed.
    /// </summary>
    /// <value>Default true.</value>
    public bool Enabled { get; set; } = true;
}

/// <summary>A counting window: at most <see cref="Limit"/> events per <see cref="Window"/>. A limit of 0 turns it off.</summary>
public sealed class RateWindow
{
    /// <summary>Creates a window of 0 (off) per hour; configuration binding fills it.</summary>
    public RateWindow()
    {
    }

    /// <summary>Creates a window.</summary>
    /// <param name="limit">Events per window; 0 turns it off.</param>
    /// <param name="window">The window's length.</param>
    public RateWindow(int limit, TimeSpan window)
    {
        Limit = limit;
        Window = window;
    }

    /// <summary>Events per window; 0 turns the limit off.</summary>
    public int Limit { get; set; }

    /// <summary>The window's length, from its first event.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>Captcha escalation and the built-in image captcha (<c>Verification:Captcha</c>).</summary>
public sealed class CaptchaOptions
{
    /// <summary>Every send needs a valid captcha token (answers <c>captcha_required</c>, reason <c>always</c>, without one).</summary>
    /// <value>Default false.</value>
    public bool AlwaysRequire { get; set; }

    /// <summary>Characters per image-captcha key.</summary>
    /// <value>Default 5. 4–6.</value>
    public int KeyLength { get; set; } = 5;

    /// <summary>How long an image-captcha challenge can be answered (its <c>expires_in</c>).</summary>
    /// <value>Default 00:05:00. 10 seconds to 30 minutes.</value>
    public TimeSpan ChallengeLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Answers per image-captcha challenge; a wrong answer does not burn it, the last allowed one does.</summary>
    /// <value>Default 5. 1–10.</value>
    public int MaxTries { get; set; } = 5;

    /// <summary>How long a captcha token from a solved image captcha stays usable (once).</summary>
    /// <value>Default 00:05:00. 10 seconds to 30 minutes.</value>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Image-captcha challenges one client IP may ask for per hour (hard, reason <c>captcha_limit</c>).</summary>
    /// <value>Default 60. 0 turns it off.</value>
    public int ChallengesPerIpPerHour { get; set; } = 60;
}

/// <summary>Which phone numbers are accepted (<c>Verification:Phone</c>).</summary>
public sealed class PhoneOptions
{
    /// <summary>
    /// ISO 3166 region codes whose numbers are accepted, for example <c>["CN", "HK"]</c>; <c>["*"]</c> accepts every region.
    /// </summary>
    /// <value>Default empty, which means <c>["CN"]</c> (mainland China, the documented "domestic" rule).</value>
    public IList<string> AllowedRegions { get; set; } = new List<string>();

    /// <summary>Number types accepted. Numbers that libphonenumber cannot tell apart count as both fixed line and mobile.</summary>
    /// <value>Default empty, which means <c>["Mobile"]</c>.</value>
    public IList<PhoneNumberKind> AllowedNumberTypes { get; set; } = new List<PhoneNumberKind>();
}

/// <summary>
/// Which email addresses are accepted and how their limits are keyed (<c>Verification:Email</c>). Every address is
/// made canonical first: its local part in NFC and lower case, its domain lower-cased and IDN-encoded; the message is
/// sent to that address, the token's <c>e</c> claim holds it, and the limits are counted under it.
/// </summary>
public sealed class EmailOptions
{
    /// <summary>
    /// Accepts local parts that are refused by default: those with compatibility forms (full-width letters,
    /// ligatures) or with a character that lower-casing turns into ASCII or into another script (U+0130 and the
    /// like). Such an address still becomes one canonical string, so it cannot reach another account's bucket; the
    /// default refuses it because it looks like an address it is not.
    /// </summary>
    /// <value>Default false.</value>
    public bool AllowInternationalLocalParts { get; set; }

    /// <summary>
    /// Counts an address's limits without its plus-tag (<c>alice+1@example.com</c> counts as <c>alice@example.com</c>)
    /// and, for <see cref="DotInsensitiveDomains"/>, without dots, so that one mailbox shares one bucket. Messages
    /// still go to the address as written (canonical).
    /// </summary>
    /// <value>Default false.</value>
    public bool FoldLimitKey { get; set; }

    /// <summary>Domains whose mailboxes ignore dots in the local part; used by <see cref="FoldLimitKey"/>.</summary>
    /// <value>Default empty, which means <c>["gmail.com", "googlemail.com"]</c>.</value>
    public IList<string> DotInsensitiveDomains { get; set; } = new List<string>();
}

/// <summary>Kinds of phone numbers (<c>Verification:Phone:AllowedNumberTypes</c>).</summary>
public enum PhoneNumberKind
{
    /// <summary>Mobile numbers.</summary>
    Mobile = 1,

    /// <summary>Fixed-line numbers.</summary>
    FixedLine = 2,

    /// <summary>Voice-over-IP numbers.</summary>
    Voip = 3,

    /// <summary>Toll-free numbers.</summary>
    TollFree = 4,

    /// <summary>Personal numbers.</summary>
    PersonalNumber = 5,

    /// <summary>Pagers.</summary>
    Pager = 6,

    /// <summary>Universal access numbers.</summary>
    Uan = 7,
}

/// <summary>Message wording (<c>Verification:Messages</c>).</summary>
public sealed class MessageOptions
{
    /// <summary>The product name the built-in templates mention, for example <c>"Contoso"</c>.</summary>
    /// <value>Default null (not mentioned). At most 64 characters.</value>
    public string? ProductName { get; set; }

    /// <summary>The culture of messages when the request names none: <c>"en"</c> or <c>"zh-CN"</c> (any culture name).</summary>
    /// <value>Default <c>"en"</c>.</value>
    public string DefaultCulture { get; set; } = "en";
}

/// <summary>Delivery to the senders (<c>Verification:Delivery</c>).</summary>
public sealed class DeliveryOptions
{
    /// <summary>
    /// The longest one sender may take, its retries included, before the next one is tried. A timeout is not
    /// retried on the same sender (the message may have gone out) but fails over.
    /// </summary>
    /// <value>Default 00:00:10. 100 ms to 2 minutes.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Retries on the same sender, only when it certainly did not process the request
    /// (<see cref="DeliveryFailureKind.NotProcessed"/>: connection refused, throttled).
    /// </summary>
    /// <value>Default 2. 0–5.</value>
    public int MaxRetries { get; set; } = 2;

    /// <summary>The first retry's delay; later ones double, with jitter.</summary>
    /// <value>Default 00:00:00.200. 0 to 10 seconds.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The circuit breaker of each sender: while open, the sender is skipped and the next one tried.</summary>
    public CircuitBreakerOptions CircuitBreaker { get; set; } = new();
}

/// <summary>
/// The circuit breaker of each sender (<c>Verification:Delivery:CircuitBreaker</c>): it opens when, within
/// <see cref="SamplingDuration"/>, at least <see cref="MinimumThroughput"/> calls were made and
/// <see cref="FailureRatio"/> of them failed (permanent refusals do not count: the provider answered properly), and
/// stays open for <see cref="BreakDuration"/>.
/// </summary>
public sealed class CircuitBreakerOptions
{
    /// <summary>The share of failed calls that opens the circuit.</summary>
    /// <value>Default 0.5. Above 0, at most 1.</value>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Calls needed in the sampling window before the ratio counts.</summary>
    /// <value>Default 10. 2–10000.</value>
    public int MinimumThroughput { get; set; } = 10;

    /// <summary>The sampling window.</summary>
    /// <value>Default 00:00:30. 1 second to 10 minutes.</value>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit skips the sender.</summary>
    /// <value>Default 00:00:30. 1 second to 1 hour.</value>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
