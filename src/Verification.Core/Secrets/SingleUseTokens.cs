namespace Verification;

/// <summary>
/// Accepts a signed token once: the first use marks its id used until the token's expiry plus the clock skew (so it
/// cannot come back while any instance would still accept it); a store failure is <c>unavailable</c>.
/// Verification tokens and captcha tokens are redeemed through it.
/// </summary>
internal sealed class SingleUseTokens(ISingleUseMarkStore marks, StoreGuard guard, TimeSpan clockSkew)
{
    /// <summary>True the first time the token <paramref name="tokenId"/> (of the kind <paramref name="markPrefix"/> names) is used.</summary>
    public ValueTask<Guarded<bool>> UseAsync(string markPrefix, string tokenId, DateTimeOffset expiresAt, DateTimeOffset now, string operation, CancellationToken cancellationToken) =>
        guard.RunAsync(
            operation,
            (marks, key: markPrefix + tokenId, until: expiresAt + clockSkew, now),
            static (s, ct) => s.marks.TryUseOnceAsync(s.key, s.until, s.now, ct),
            StoreGuard.TryLater,
            cancellationToken);
}
