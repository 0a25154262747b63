namespace Verification;

/// <summary>Single-use marks: a verification token, a captcha token or a challenge is accepted the first time only.</summary>
/// <remarks>
/// Every method is one atomic operation (in memory under a lock, in Redis one Lua script). Time is always passed in,
/// so windows and expiry follow the engine's clock. Failures (the store is down, times out) are thrown as
/// exceptions; the engine turns them into <c>unavailable</c> and fails closed. Everything written gets a time to live.
/// The conformance suite of Verification.Testing.Stores checks an implementation against these rules.
/// </remarks>
public interface ISingleUseMarkStore
{
    /// <summary>
    /// Marks <paramref name="key"/> used until <paramref name="expiresAt"/>; true the first time only, also
    /// under concurrency (verification tokens, captcha tokens, image-captcha challenges).
    /// </summary>
    /// <param name="key">The mark's key.</param>
    /// <param name="expiresAt">When the mark may be forgotten (the expiry of what it guards).</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask<bool> TryUseOnceAsync(
        string key,
        DateTimeOffset expiresAt,
        DateTimeOffset now,
        CancellationToken cancellationToken = default);
}
