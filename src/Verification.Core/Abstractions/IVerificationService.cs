namespace Verification;

/// <summary>
/// Sends one-time codes by SMS or email and checks them: the documented
/// <c>POST /auth/v1/verification</c> and <c>POST /auth/v1/verification/verify</c> calls, independent of any host.
/// </summary>
/// <remarks>
/// Every expected outcome — bad input, throttling, a wrong code, a store or provider outage — is a
/// <see cref="VerificationResult{T}"/> with a documented error code; no exception escapes for them.
/// Implementations are thread-safe.
/// </remarks>
public interface IVerificationService
{
    /// <summary>Validates the contact, applies the limits, stores a new code and delivers it.</summary>
    /// <param name="request">The contact, target and usage.</param>
    /// <param name="context">The caller's IP, device, culture and idempotency key, when the host knows them.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The verification id and lifetime, or why nothing was sent.</returns>
    ValueTask<VerificationResult<VerificationResponse>> SendAsync(
        VerificationRequest request,
        VerificationContext? context = null,
        CancellationToken cancellationToken = default);

    /// <summary>Checks a code against its verification id; a correct code consumes it and yields a verification token.</summary>
    /// <param name="request">The verification id and the code.</param>
    /// <param name="context">The caller's IP, device and culture, when the host knows them.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The verification token, or why the code was refused.</returns>
    ValueTask<VerificationResult<VerifyResponse>> VerifyAsync(
        VerifyRequest request,
        VerificationContext? context = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Validates a verification token and consumes it: the first redeem returns the verified contact, every later
    /// one fails with <c>invalid_verification_token</c> (reason <c>used</c>). Call it from the host's own sign-up
    /// or sign-in endpoint. With <paramref name="expectedUsage"/> or <paramref name="expectedContact"/>, the token
    /// must fit the call before it is consumed: a token for another contact or usage is refused with
    /// <c>invalid_verification_token</c> (reason <c>contact_mismatch</c> or <c>usage_mismatch</c>) and stays
    /// redeemable, so a request naming the wrong account cannot burn someone's token.
    /// </summary>
    /// <param name="verificationToken">The <c>verification_token</c> returned by <see cref="VerifyAsync"/>.</param>
    /// <param name="expectedUsage">
    /// The usage the call needs, or null for any. A token whose code was sent without a usage fits every usage;
    /// send codes with a usage to bind them to one purpose.
    /// </param>
    /// <param name="expectedContact">
    /// The phone number or email address the request names, in any spelling that a send accepts
    /// (<c>+86 155 8866 5555</c> and <c>+8615588665555</c> are one number), or null for any.
    /// </param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The contact the token proves, or why it was refused.</returns>
    ValueTask<VerificationResult<VerifiedContact>> RedeemVerificationTokenAsync(
        string verificationToken,
        VerificationUsage? expectedUsage = null,
        string? expectedContact = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Validates a verification token and checks that it fits, like
    /// <see cref="RedeemVerificationTokenAsync"/>, without
    /// consuming it: lets a host check its own preconditions (the account exists, the password is acceptable)
    /// before it redeems, so that a refusal leaves the token usable.
    /// </summary>
    /// <param name="verificationToken">The <c>verification_token</c>.</param>
    /// <param name="expectedUsage">The usage the call needs, or null for any (see the redeem overload).</param>
    /// <param name="expectedContact">The contact the request names, in any spelling, or null for any.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The contact the token proves, or why it is refused. A later redeem can still fail (used meanwhile).</returns>
    ValueTask<VerificationResult<VerifiedContact>> ValidateVerificationTokenAsync(
        string verificationToken,
        VerificationUsage? expectedUsage = null,
        string? expectedContact = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Checks a code by the contact it was sent to, without a verification id (as Twilio Verify's checks and ASP.NET
    /// Core Identity's token providers work): the newest live code of that contact, with the same attempt limit,
    /// failure budget and single use as <see cref="VerifyAsync"/>. A code sent for another usage is a wrong code.
    /// </summary>
    /// <param name="request">The contact, the usage and the code.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>
    /// The verified contact (the code is consumed), or why it was refused: <c>invalid_verification_code</c> with the
    /// reason (<c>wrong</c> with attempts remaining, <c>exhausted</c>, <c>expired</c>, <c>unknown</c> when no code is
    /// pending), <c>rate_limit_exceeded</c>, <c>unavailable</c>, or <c>failed_precondition</c> when the store cannot
    /// name a contact's live code (<see cref="ILiveCodeStore"/>).
    /// </returns>
    ValueTask<VerificationResult<VerifiedContact>> CheckCodeAsync(
        CodeCheckRequest request,
        CancellationToken cancellationToken = default);
}
