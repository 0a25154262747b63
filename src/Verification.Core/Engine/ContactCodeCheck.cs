using Microsoft.Extensions.Logging;

namespace Verification;

/// <summary>
/// A check by contact (<see cref="IVerificationService.CheckCodeAsync"/>): the input, the store's live record of the
/// contact, one attempt at it with the nonce of that record and usage, the answer. The same attempt limit, failure
/// budget and single use as a verify by verification id.
/// </summary>
internal sealed class ContactCodeCheck(ContactParser parser, ChargePlan plan, OneTimeSecrets secrets, int maxAttempts, VerificationMetrics metrics, TimeProvider timeProvider, ILogger logger)
{
    public async ValueTask<VerificationResult<VerifiedContact>> CheckAsync(CodeCheckRequest request, CancellationToken cancellationToken)
    {
        if (Validate(request) is { } invalid)
        {
            return invalid;
        }

        if (!RequestRules.TryNormalizeCode(request.VerificationCode, out var code, out var codeError))
        {
            return codeError!;
        }

        if (!parser.TryParse(request.PhoneNumber, request.Email, out var contact, out var error))
        {
            return error!;
        }

        if (!secrets.CanFindLive)
        {
            return new VerificationError(VerificationErrorCodes.FailedPrecondition, $"Checking codes by contact needs a store that implements {nameof(ILiveCodeStore)}; the in-memory and Redis stores do.")
            {
                Reason = VerificationErrorReasons.StoreNotSupported,
            };
        }

        var masked = new MaskedContact(contact.Channel, contact.Normalized);
        var now = timeProvider.GetUtcNow();
        var live = await secrets.FindLiveAsync(contact.Key, now, "verify", cancellationToken).ConfigureAwait(false);
        var attempt = live.Value is { } id
            ? await secrets.AttemptAsync(id, secrets.NonceOf(id, request.Usage), code, maxAttempts, plan.ForVerify(contact.Key), now, "verify", cancellationToken).ConfigureAwait(false)
            : default;
        if ((live.Error ?? attempt.Error) is { } unavailable)
        {
            metrics.Verified(contact.Channel, contact.Normalized, "unavailable");
            return unavailable;
        }

        // No live record (or one that vanished since): nothing to guess against, so nothing is counted or charged.
        var failure = live.Value is null || attempt.Value.Status == AttemptStatus.NotFound
            ? VerificationError.InvalidCode(VerificationErrorReasons.Unknown, "No code is pending for this contact; ask for a new one.")
            : AttemptAnswers.RefusalOf(attempt.Value, DateTimeOffset.MaxValue, now);
        if (failure is null)
        {
            Log.CodeVerified(logger, live.Value!.Value, masked);
            metrics.Verified(contact.Channel, contact.Normalized, "verified");
            return new VerifiedContact(contact.Channel, contact.Normalized, request.Usage);
        }

        if (attempt.Value.Status == AttemptStatus.RateLimited)
        {
            metrics.Throttled("verify", "hard", VerificationErrorReasons.FailureBudget);
        }

        Log.VerifyRefused(logger, masked, failure.Reason!);
        metrics.Verified(contact.Channel, contact.Normalized, failure.Reason!);
        return failure;
    }

    private static VerificationError? Validate(CodeCheckRequest? request) =>
        request is null
            ? VerificationError.InvalidArgument("phone_number", VerificationErrorReasons.Missing, "The request is missing.")
            : RequestRules.CheckUsage(request.Usage) ?? RequestRules.CheckOneContact(request.PhoneNumber, request.Email);
}
