using Microsoft.Extensions.Logging;

namespace Verification;

/// <summary>
/// Checks a code by the contact it was sent to (<see cref="IVerificationService.CheckCodeAsync"/>): the store names
/// the contact's live record, and the presented code is one attempt on it with the same attempt limit, failure
/// budget and single use as a check by verification id.
/// </summary>
internal sealed class ContactCodeChecker(
    ICodeStore store,
    CodeHasher hasher,
    ContactParser parser,
    int maxAttempts,
    Func<string, RateCharge> failureCharge,
    TimeProvider timeProvider,
    ILogger logger,
    VerificationMetrics metrics)
{
    public async ValueTask<VerificationResult<VerifiedContact>> CheckAsync(CodeCheckRequest request, CancellationToken cancellationToken)
    {
        if (Validate(request) is { } invalid)
        {
            return invalid;
        }

        if (!VerificationService.TryNormalizeCode(request.VerificationCode, out var code, out var codeError))
        {
            return codeError!;
        }

        var phone = !string.IsNullOrWhiteSpace(request.PhoneNumber);
        var parsed = phone
            ? parser.TryParsePhone(request.PhoneNumber!, out var contact, out var error)
            : ContactParser.TryParseEmail(request.Email!, out contact, out error);
        if (!parsed)
        {
            return error!;
        }

        if (store is not ILiveCodeStore live)
        {
            return new VerificationError(
                VerificationErrorCodes.FailedPrecondition,
                $"Checking codes by contact needs a store that implements {nameof(ILiveCodeStore)} ({store.GetType().Name} does not); the in-memory and Redis stores do.")
            { Reason = VerificationErrorReasons.StoreNotSupported };
        }

        var masked = new MaskedContact(contact.Channel, contact.Normalized);
        var now = timeProvider.GetUtcNow();
        AttemptOutcome outcome;
        Guid recordId;
        try
        {
            if (await live.FindLiveRecordAsync(contact.Key, now, cancellationToken).ConfigureAwait(false) is not { } found)
            {
                // Nothing to guess against: no attempt is counted, and no budget is charged.
                return Refused(masked, contact, VerificationError.InvalidCode(VerificationErrorReasons.Unknown, "No code is pending for this contact; ask for a new one."));
            }

            recordId = found;
            var hash = hasher.Hash(recordId, hasher.Nonce(recordId, request.Usage), code);
            outcome = await store.AttemptAsync(recordId, hash, maxAttempts, failureCharge(contact.Key), now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.StoreFailed(logger, e, "verify");
            metrics.Verified(contact.Channel, contact.Normalized, "unavailable");
            return VerificationError.Unavailable(VerificationErrorReasons.StoreUnavailable, "The code store is unavailable; try again later.");
        }

        if (outcome.Status == AttemptStatus.Verified)
        {
            Log.CodeVerified(logger, recordId, masked);
            metrics.Verified(contact.Channel, contact.Normalized, "verified");
            return new VerifiedContact(contact.Channel, contact.Normalized, request.Usage);
        }

        if (outcome.Status == AttemptStatus.RateLimited)
        {
            metrics.Throttled("verify", "hard", VerificationErrorReasons.FailureBudget);
        }

        return Refused(masked, contact, outcome.Status switch
        {
            AttemptStatus.Mismatch => VerificationError.InvalidCode(VerificationErrorReasons.Wrong, "The code is wrong.", outcome.AttemptsRemaining),
            AttemptStatus.Exhausted or AttemptStatus.Burned => VerificationError.InvalidCode(VerificationErrorReasons.Exhausted, "Too many wrong attempts; ask for a new code.", 0),
            AttemptStatus.Used => VerificationError.InvalidCode(VerificationErrorReasons.Used, "The code was already used; ask for a new one."),
            AttemptStatus.Superseded => VerificationError.InvalidCode(VerificationErrorReasons.Superseded, "A newer code was sent; use the latest one."),
            AttemptStatus.RateLimited => VerificationError.RateLimited(VerificationErrorReasons.FailureBudget, outcome.RetryAfter, "Too many wrong codes for this contact; try again later."),
            AttemptStatus.Expired => VerificationError.InvalidCode(VerificationErrorReasons.Expired, "The code expired; ask for a new one."),
            _ => VerificationError.InvalidCode(VerificationErrorReasons.Unknown, "No code is pending for this contact; ask for a new one."),
        });
    }

    /// <summary>
    /// Whether a verification token's contact and usage fit what the caller expects (checked before the token is
    /// consumed): the expected contact in any spelling the send accepts, and the expected usage unless the token
    /// carries none (its code was sent without a usage). Null when they fit.
    /// </summary>
    public VerificationError? Mismatch(VerificationChannel channel, string contact, VerificationUsage? usage, VerificationUsage? expectedUsage, string? expectedContact)
    {
        if (expectedUsage is { } expected && usage is { } actual && actual != expected)
        {
            Log.TokenRefused(logger, TokenKind.VerificationToken, VerificationErrorReasons.UsageMismatch);
            return VerificationError.InvalidToken(VerificationErrorReasons.UsageMismatch, "The verification token was issued for another usage.");
        }

        if (string.IsNullOrWhiteSpace(expectedContact))
        {
            return null;
        }

        // An unparsable contact cannot be the token's (which was parsed by the same rules when its code was sent).
        var parsed = expectedContact.Contains('@', StringComparison.Ordinal)
            ? ContactParser.TryParseEmail(expectedContact, out var given, out _)
            : parser.TryParsePhone(expectedContact, out given, out _);
        if (parsed && given.Channel == channel && string.Equals(given.Key, ContactParser.KeyOf(channel, contact), StringComparison.Ordinal))
        {
            return null;
        }

        Log.TokenRefused(logger, TokenKind.VerificationToken, VerificationErrorReasons.ContactMismatch);
        return VerificationError.InvalidToken(VerificationErrorReasons.ContactMismatch, "The verification token proves another contact than the one given.");
    }

    private static VerificationError? Validate(CodeCheckRequest? request)
    {
        if (request is null)
        {
            return VerificationError.InvalidArgument("phone_number", VerificationErrorReasons.Missing, "The request is missing.");
        }

        if (request.Usage is { } usage && !Enum.IsDefined(usage))
        {
            return VerificationError.InvalidArgument("usage", VerificationErrorReasons.UnknownValue, "usage must be REGISTER, SIGN_IN, PASSWORD_RESET, EMAIL_ADDRESS_CHANGE or PHONE_NUMBER_CHANGE.");
        }

        var phone = !string.IsNullOrWhiteSpace(request.PhoneNumber);
        return phone == !string.IsNullOrWhiteSpace(request.Email)
            ? VerificationError.InvalidArgument(phone ? "email" : "phone_number", VerificationErrorReasons.ExactlyOneContact, "Give exactly one of phone_number and email.")
            : null;
    }

    private VerificationError Refused(MaskedContact masked, ParsedContact contact, VerificationError failure)
    {
        Log.VerifyRefused(logger, masked, failure.Reason!);
        metrics.Verified(contact.Channel, contact.Normalized, failure.Reason!);
        return failure;
    }
}
