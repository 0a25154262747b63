namespace Verification;

/// <summary>
/// An image captcha a host serves over its own transport: the seam through which Verification.AspNetCore maps
/// <c>POST /auth/v1/captcha/data</c> and <c>/captcha/data/verify</c> when one is registered. Verification.Captcha.Image
/// implements it (<c>AddImageCaptcha()</c>); the solved challenge's token is then checked by the same service as the
/// <see cref="ICaptchaValidator"/> of sends.
/// </summary>
public interface IImageCaptcha
{
    /// <summary>Makes a challenge: a new key, stored only as a keyed hash, drawn as a picture, with its challenge token.</summary>
    /// <param name="context">The caller's IP bounds how many challenges one client may ask for (<c>Captcha:ChallengesPerIpPerHour</c>).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The challenge, or <c>rate_limit_exceeded</c> / <c>unavailable</c>.</returns>
    ValueTask<VerificationResult<CaptchaChallenge>> CreateChallengeAsync(VerificationContext? context = null, CancellationToken cancellationToken = default);

    /// <summary>Checks what the person read against a challenge; a match yields a single-use captcha token.</summary>
    /// <param name="challengeToken">The <c>token</c> of the challenge.</param>
    /// <param name="key">What the person read, any case.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The captcha token, or <c>invalid_argument</c> / <c>invalid_captcha</c> / <c>captcha_expired</c> / <c>captcha_used</c> / <c>unavailable</c>.</returns>
    ValueTask<VerificationResult<CaptchaSolution>> VerifyChallengeAsync(string? challengeToken, string? key, CancellationToken cancellationToken = default);
}
