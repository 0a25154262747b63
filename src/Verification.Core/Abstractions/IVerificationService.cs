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
    /// or sign-in endpoint.
    /// </summary>
    /// <param name="verificationToken">The <c>verification_token</c> returned by <see cref="VerifyAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The contact the token proves, or why it was refused.</returns>
    ValueTask<VerificationResult<VerifiedContact>> RedeemVerificationTokenAsync(
        string verificationToken,
        CancellationToken cancellationToken = default);
}
