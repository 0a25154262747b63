using Microsoft.Extensions.Logging;

namespace Verification;

/// <summary>
/// The captcha step of a send: asks the <see cref="ICaptchaValidator"/> about the request's token. A valid token
/// waives the soft limits; an invalid one refuses the send; a failing validator fails closed with <c>unavailable</c>.
/// An <see cref="ISaveBoundCaptchaValidator"/> is only asked (the token stays unused) and gives the charge that marks
/// the token used, which the send's save takes with its record.
/// </summary>
internal sealed class CaptchaGate(ICaptchaValidator? validator, VerificationMetrics metrics, ILogger logger)
{
    /// <summary>Whether the request carries a token and a validator is registered to check it.</summary>
    public bool Applies(string? captchaToken) => !string.IsNullOrEmpty(captchaToken) && validator is not null;

    /// <summary>
    /// Null when the token is valid (with the charge that marks it used, when the validator leaves that to the save);
    /// otherwise the refusal.
    /// </summary>
    public async ValueTask<(VerificationError? Error, RateCharge? UsedMark)> CheckAsync(string token, VerificationContext? context, CancellationToken cancellationToken)
    {
        CaptchaValidationResult result;
        RateCharge? usedMark = null;
        try
        {
            if (validator is ISaveBoundCaptchaValidator saveBound)
            {
                (result, usedMark) = await saveBound.CheckAsync(token, context, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                result = await validator!.ValidateAsync(token, context, cancellationToken).ConfigureAwait(false);
            }
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
                return (null, usedMark);
            case CaptchaValidationStatus.Unavailable:
                Log.CaptchaRefused(logger, result.Status, result.Reason);
                return (VerificationError.Unavailable(VerificationErrorReasons.CaptchaUnavailable, "The captcha service is unavailable; try again later."), null);
            default:
                Log.CaptchaRefused(logger, result.Status, result.Reason);
                return (Invalid(result.Reason), null);
        }
    }

    /// <summary>The refusal of a forged, expired or used token (also the save's, when another send took its mark first).</summary>
    public static VerificationError Invalid(string? reason) =>
        new(VerificationErrorCodes.CaptchaInvalid, "The captcha token is forged, expired or already used.") { Reason = reason };
}
