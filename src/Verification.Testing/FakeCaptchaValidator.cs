namespace Verification.Testing;

/// <summary>
/// An <see cref="ICaptchaValidator"/> for tests that answers what the test tells it: every token passes by default;
/// <see cref="Fail"/> makes sends with a captcha token answer <c>captcha_invalid</c>, <see cref="FailUnavailable"/>
/// makes them answer <c>unavailable</c> (a provider that cannot be reached), <see cref="Pass"/> turns it back.
/// The service asks only when a request carries a captcha token; to make every send need one, set
/// <c>Verification:Captcha:AlwaysRequire</c>. <c>.UseFakes()</c> registers one.
/// </summary>
public sealed class FakeCaptchaValidator : ICaptchaValidator
{
    private readonly Lock _gate = new();
    private readonly List<string> _tokens = [];
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private CaptchaValidationResult _result = new(CaptchaValidationStatus.Valid);

    /// <summary>The answer for the next tokens.</summary>
    /// <value>Default <see cref="CaptchaValidationStatus.Valid"/>.</value>
    public CaptchaValidationResult Result
    {
        get
        {
            lock (_gate)
            {
                return _result;
            }
        }

        set
        {
            if (!Enum.IsDefined(value.Status))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value.Status, "Not a CaptchaValidationStatus.");
            }

            lock (_gate)
            {
                _result = value;
            }
        }
    }

    /// <summary>
    /// Whether a token that passed once fails the next time with reason <c>"used"</c>, as real captcha tokens do.
    /// </summary>
    /// <value>Default false: any token passes any number of times.</value>
    public bool RejectReusedTokens { get; set; }

    /// <summary>Every token the service asked about, oldest first (a snapshot); shows that your app forwarded it.</summary>
    public IReadOnlyList<string> Tokens
    {
        get
        {
            lock (_gate)
            {
                return [.. _tokens];
            }
        }
    }

    /// <summary>Every token passes (the default).</summary>
    public void Pass() => Result = new CaptchaValidationResult(CaptchaValidationStatus.Valid);

    /// <summary>Every token fails: sends answer <c>captcha_invalid</c> with <paramref name="reason"/>.</summary>
    /// <param name="reason">The reason the send reports in <c>details.reason</c>.</param>
    public void Fail(string reason = "invalid") => Result = new CaptchaValidationResult(CaptchaValidationStatus.Invalid, reason);

    /// <summary>The captcha provider "cannot be reached": sends fail closed with <c>unavailable</c>.</summary>
    public void FailUnavailable() => Result = new CaptchaValidationResult(CaptchaValidationStatus.Unavailable, "captcha_unavailable");

    /// <summary>Forgets the tokens seen; the answer stays.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _tokens.Clear();
            _used.Clear();
        }
    }

    /// <inheritdoc />
    public ValueTask<CaptchaValidationResult> ValidateAsync(string captchaToken, VerificationContext? context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(captchaToken);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _tokens.Add(captchaToken);
            if (_result.Status == CaptchaValidationStatus.Valid && RejectReusedTokens && !_used.Add(captchaToken))
            {
                return ValueTask.FromResult(new CaptchaValidationResult(CaptchaValidationStatus.Invalid, "used"));
            }

            return ValueTask.FromResult(_result);
        }
    }
}
