using Microsoft.Extensions.Logging;

namespace Verification;

/// <summary>
/// The captcha step of a send: asks the <see cref="ICaptchaValidator"/> about the request's token. A valid token
/// waives the soft limits; an invalid one refuses the send; a failing validator fails closed with <c>unavailable</c>.
/// </summary>
internal sealed class CaptchaGate(ICaptchaValidator? validator, VerificationMetrics metrics, ILogger logger)
{
    /// <summary>Whether the request carries a token and a validator is registered to check it.</summary>
    public bool Applies(string? captchaToken) => !string.IsNullOrEmpty(captchaToken) && validator is not null;

    /// <summary>Null when the token is valid; otherwise the refusal.</summary>
    public async ValueTask<VerificationError?> CheckAsync(string token, VerificationContext? context, CancellationToken cancellationToken)
    {
        CaptchaValidationResult result;
        try
        {
            result = await validator!.ValidateAsync(token, context, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!StoreGuard.IsCallerCancellation(e, cancellationToken))
        {
            Log.CaptchaValidatorFailed(logger, e);
            result = new CaptchaValidationResult(CaptchaValidationStatus.Unavailable, VerificationErrorReasons.CaptchaUnavailable);
        }

        metrics.Captcha("validation", result.Status switch
        {
            CaptchaValidationStatus.Valid => "valid",
            CaptchaValidationStatus.Unavailable => "unavailable",
            _ => "invalid",
        });
        switch (result.Status)
        {
            case CaptchaValidationStatus.Valid:
                return null;
            case CaptchaValidationStatus.Unavailable:
                Log.CaptchaRefused(logger, result.Status, result.Reason);
                return VerificationError.Unavailable(VerificationErrorReasons.CaptchaUnavailable, "The captcha service is unavailable; try again later.");
            default:
                Log.CaptchaRefused(logger, result.Status, result.Reason);
                return new VerificationError(VerificationErrorCodes.CaptchaInvalid, "The captcha token is forged, expired or already used.") { Reason = result.Reason };
        }
    }
}
