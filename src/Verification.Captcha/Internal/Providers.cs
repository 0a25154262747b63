using Microsoft.Extensions.Logging;

namespace Verification.Captcha;

/// <summary>Cloudflare Turnstile: <c>secret</c>, <c>response</c>, <c>remoteip</c>; the answer's <c>action</c> is checked against <see cref="CaptchaOptions.ExpectedAction"/> when set.</summary>
internal sealed class TurnstileCaptchaValidator(
    CaptchaOptions options, IHttpClientFactory httpClientFactory, ICodeStore store, TimeProvider timeProvider, ILogger<TurnstileCaptchaValidator> logger)
    : SiteverifyCaptchaValidator(CaptchaProvider.Turnstile, options, httpClientFactory, store, timeProvider, logger);

/// <summary>hCaptcha: form-encoded only; adds <c>sitekey</c> when <see cref="CaptchaOptions.SiteKey"/> is set, so a token solved for another site is refused.</summary>
internal sealed class HCaptchaValidator(
    CaptchaOptions options, IHttpClientFactory httpClientFactory, ICodeStore store, TimeProvider timeProvider, ILogger<HCaptchaValidator> logger)
    : SiteverifyCaptchaValidator(CaptchaProvider.HCaptcha, options, httpClientFactory, store, timeProvider, logger)
{
    private readonly string? _siteKey = options.SiteKey;

    protected override void AddFields(List<KeyValuePair<string, string>> fields)
    {
        if (_siteKey is not null)
        {
            fields.Add(new("sitekey", _siteKey));
        }
    }
}

/// <summary>
/// Google reCAPTCHA v2 and v3. For v3 the answer must carry a <c>score</c> of at least
/// <see cref="CaptchaOptions.MinimumScore"/> (and the expected <c>action</c>, when one is set): Google leaves that
/// judgement to the caller, and <c>success: true</c> alone says only that the token was a real v3 token.
/// </summary>
internal sealed class ReCaptchaValidator(
    CaptchaProvider provider, CaptchaOptions options, IHttpClientFactory httpClientFactory, ICodeStore store, TimeProvider timeProvider, ILogger<ReCaptchaValidator> logger)
    : SiteverifyCaptchaValidator(provider, options, httpClientFactory, store, timeProvider, logger)
{
    private readonly double _minimumScore = options.MinimumScore;

    protected override string? CheckAnswer(SiteverifyAnswer answer)
    {
        if (base.CheckAnswer(answer) is { } rejection)
        {
            return rejection;
        }

        if (Provider != CaptchaProvider.ReCaptchaV3)
        {
            return null;
        }

        return answer.Score switch
        {
            null => CaptchaValidationReasons.MissingScore,
            { } score when score < _minimumScore => CaptchaValidationReasons.LowScore,
            _ => null,
        };
    }
}
