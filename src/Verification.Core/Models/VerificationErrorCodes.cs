namespace Verification;

/// <summary>
/// The wire error codes (the <c>error</c> field) with their stable numbers (<c>error_code</c>). Clients key on the
/// string; the numbers never change meaning. The HTTP status of each (given after the number below) is the HTTP
/// package's concern, as are its two HTTP-only codes (<c>not_found</c>, <c>method_not_allowed</c>).
/// </summary>
public static class VerificationErrorCodes
{
    /// <summary>Malformed input: both or neither contact, unknown target or usage, oversize or control characters, bad email. 4000 / 400.</summary>
    public const string InvalidArgument = "invalid_argument";

    /// <summary>The phone number is unparsable, lacks its country code, or its region or type is not allowed. 4001 / 400.</summary>
    public const string InvalidPhoneNumber = "invalid_phone_number";

    /// <summary>The channel is not enabled (no sender), or USER/NOT_USER was asked without a user directory. 4002 / 400.</summary>
    public const string FailedPrecondition = "failed_precondition";

    /// <summary>The code is wrong, expired, used, exhausted or the id unknown; <see cref="VerificationError.Reason"/> says which. 4003 / 400.</summary>
    public const string InvalidVerificationCode = "invalid_verification_code";

    /// <summary>Target USER and no account exists for the contact. 4004 / 404.</summary>
    public const string UserNotFound = "user_not_found";

    /// <summary>Target NOT_USER and an account exists for the contact. 4009 / 409.</summary>
    public const string AlreadyExists = "already_exists";

    /// <summary>The verification token is forged, expired, of another kind or already redeemed. 4010 / 400.</summary>
    public const string InvalidVerificationToken = "invalid_verification_token";

    /// <summary>Sign-in with a password: the user name or the password is wrong. 4011 / 400.</summary>
    public const string InvalidPassword = "invalid_password";

    /// <summary>The request needs a signed-in user: the access or refresh token is missing, forged or expired. 4012 / 401.</summary>
    public const string Unauthenticated = "unauthenticated";

    /// <summary>The account may not sign in now (locked out, or not allowed by the app's sign-in rules). 4030 / 403.</summary>
    public const string UserBlocked = "user_blocked";

    /// <summary>Image captcha: the key read from the picture is wrong. 4020 / 400.</summary>
    public const string InvalidCaptcha = "invalid_captcha";

    /// <summary>Image captcha: the challenge expired. 4021 / 400.</summary>
    public const string CaptchaExpired = "captcha_expired";

    /// <summary>Image captcha: the challenge was already solved or burned. 4022 / 400.</summary>
    public const string CaptchaUsed = "captcha_used";

    /// <summary>The captcha token is forged, expired or already used. 4027 / 400.</summary>
    public const string CaptchaInvalid = "captcha_invalid";

    /// <summary>A soft limit was reached and no valid captcha token came with the request. 4028 / 400.</summary>
    public const string CaptchaRequired = "captcha_required";

    /// <summary>A hard limit was reached (cooldown, daily cap, failure budget…); see <see cref="VerificationError.RetryAfter"/>. 4029 / 429.</summary>
    public const string RateLimitExceeded = "rate_limit_exceeded";

    /// <summary>A bug. Never the answer to bad input. 5000 / 500.</summary>
    public const string Internal = "internal";

    /// <summary>The store or every delivery provider is down. 5003 / 503.</summary>
    public const string Unavailable = "unavailable";

    /// <summary>
    /// The <c>Idempotency-Key</c> was already used by this client for another contact, target or usage; a new request
    /// needs a new key. 4013 / 422.
    /// </summary>
    public const string IdempotencyKeyReused = "idempotency_key_reused";

    /// <summary>Every code, in the order of the documentation's table.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        InvalidArgument, InvalidPhoneNumber, FailedPrecondition, InvalidVerificationCode, UserNotFound, AlreadyExists,
        InvalidVerificationToken, InvalidPassword, Unauthenticated, UserBlocked, InvalidCaptcha, CaptchaExpired, CaptchaUsed, CaptchaInvalid, CaptchaRequired,
        RateLimitExceeded, Internal, Unavailable, IdempotencyKeyReused,
    ];

    /// <summary>The stable number (<c>error_code</c>) of a wire code.</summary>
    /// <param name="code">One of the constants of this class.</param>
    /// <exception cref="ArgumentException"><paramref name="code"/> is not a documented code.</exception>
    public static int GetNumber(string code) => code switch
    {
        InvalidArgument => 4000,
        InvalidPhoneNumber => 4001,
        FailedPrecondition => 4002,
        InvalidVerificationCode => 4003,
        UserNotFound => 4004,
        AlreadyExists => 4009,
        InvalidVerificationToken => 4010,
        InvalidPassword => 4011,
        Unauthenticated => 4012,
        IdempotencyKeyReused => 4013,
        UserBlocked => 4030,
        InvalidCaptcha => 4020,
        CaptchaExpired => 4021,
        CaptchaUsed => 4022,
        CaptchaInvalid => 4027,
        CaptchaRequired => 4028,
        RateLimitExceeded => 4029,
        Internal => 5000,
        Unavailable => 5003,
        _ => throw new ArgumentException($"'{code}' is not a documented verification error code; use a constant of {nameof(VerificationErrorCodes)}.", nameof(code)),
    };
}

/// <summary>The machine-readable reasons carried in <see cref="VerificationError.Reason"/> (<c>details.reason</c>).</summary>
public static class VerificationErrorReasons
{
    /// <summary>The code does not match; attempts remain.</summary>
    public const string Wrong = "wrong";

    /// <summary>The code or token expired.</summary>
    public const string Expired = "expired";

    /// <summary>The code or token was already used successfully.</summary>
    public const string Used = "used";

    /// <summary>The last allowed attempt failed; the code is burned.</summary>
    public const string Exhausted = "exhausted";

    /// <summary>A newer code was sent to the same contact, which made this one invalid.</summary>
    public const string Superseded = "superseded";

    /// <summary>The id or token is not one this service issued (forged, tampered, another project, another kind).</summary>
    public const string Unknown = "unknown";

    /// <summary>The resend cooldown of the contact is running.</summary>
    public const string ResendCooldown = "resend_cooldown";

    /// <summary>The contact reached its daily number of sends.</summary>
    public const string DailyLimit = "daily_limit";

    /// <summary>The contact used up its budget of failed verifications; sends and verifies pause.</summary>
    public const string FailureBudget = "failure_budget";

    /// <summary>The deployment's hourly or daily SMS budget is spent.</summary>
    public const string GlobalBudget = "global_budget";

    /// <summary>Soft: the contact was sent several codes in a short time.</summary>
    public const string ContactBurst = "contact_burst";

    /// <summary>Soft: many sends came from this client IP.</summary>
    public const string IpLimit = "ip_limit";

    /// <summary>Soft: many sends came from this device.</summary>
    public const string DeviceLimit = "device_limit";

    /// <summary>Soft: many sends went to numbers sharing this number's prefix (SMS pumping guard).</summary>
    public const string PrefixVelocity = "prefix_velocity";

    /// <summary>Soft: every send needs a captcha (<c>Captcha:AlwaysRequire</c>).</summary>
    public const string Always = "always";

    /// <summary>This client asked for too many image-captcha challenges.</summary>
    public const string CaptchaLimit = "captcha_limit";

    /// <summary>The Idempotency-Key was used for another contact.</summary>
    public const string IdempotencyKeyReused = "idempotency_key_reused";

    /// <summary>The verification token proves another contact than the one the request names.</summary>
    public const string ContactMismatch = "contact_mismatch";

    /// <summary>The verification token (or the code) was issued for another usage than the one the request needs.</summary>
    public const string UsageMismatch = "usage_mismatch";

    /// <summary>The account's contact is not confirmed and the account has a password, so a code alone cannot sign in to it.</summary>
    public const string UnconfirmedContact = "unconfirmed_contact";

    /// <summary>Checking codes by contact needs a store that implements <see cref="ILiveCodeStore"/>.</summary>
    public const string StoreNotSupported = "store_not_supported";

    /// <summary>Soft: past <c>Throttling:GlobalCaptchaShare</c> of a global hourly budget, every send needs a captcha.</summary>
    public const string GlobalThreshold = "global_threshold";

    /// <summary>Hard: the hourly SMS budget of one number prefix (<c>Throttling:SmsPerPrefixPerHour</c>) is spent.</summary>
    public const string PrefixBudget = "prefix_budget";

    /// <summary>Soft: too many <c>USER</c>/<c>NOT_USER</c> mismatches from one client (<c>Throttling:LookupsPerIp</c>, <c>LookupsPerDevice</c>).</summary>
    public const string LookupLimit = "lookup_limit";

    /// <summary>The field is missing or empty.</summary>
    public const string Missing = "missing";

    /// <summary>The field is longer than allowed.</summary>
    public const string TooLong = "too_long";

    /// <summary>The field holds control characters.</summary>
    public const string ControlCharacters = "control_characters";

    /// <summary>The field does not have the expected form.</summary>
    public const string Malformed = "malformed";

    /// <summary>Both or neither of phone_number and email were given.</summary>
    public const string ExactlyOneContact = "exactly_one_contact";

    /// <summary>The value is not one of the allowed ones.</summary>
    public const string UnknownValue = "unknown_value";

    /// <summary>The phone number has no country code.</summary>
    public const string MissingCountryCode = "missing_country_code";

    /// <summary>The phone number's region is not allowed.</summary>
    public const string RegionNotAllowed = "region_not_allowed";

    /// <summary>The phone number's type (mobile, fixed line…) is not allowed.</summary>
    public const string NumberTypeNotAllowed = "number_type_not_allowed";

    /// <summary>No sender is registered for the channel.</summary>
    public const string ChannelDisabled = "channel_disabled";

    /// <summary>USER or NOT_USER was asked but no user directory is registered.</summary>
    public const string NoUserDirectory = "no_user_directory";

    /// <summary>The store could not be reached.</summary>
    public const string StoreUnavailable = "store_unavailable";

    /// <summary>No delivery provider accepted the message.</summary>
    public const string DeliveryFailed = "delivery_failed";

    /// <summary>The user directory could not be reached.</summary>
    public const string UserDirectoryUnavailable = "user_directory_unavailable";

    /// <summary>The captcha provider could not be reached.</summary>
    public const string CaptchaUnavailable = "captcha_unavailable";
}
