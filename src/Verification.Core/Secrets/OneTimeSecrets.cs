namespace Verification;

/// <summary>A secret issued and saved as a pending record: its id and nonce (for the signed id) and the stored record.</summary>
/// <param name="Id">The record id (the <c>kid</c> claim).</param>
/// <param name="Nonce">The per-record nonce (the <c>t</c> claim).</param>
/// <param name="Record">What the store keeps: the keyed hash, never the secret.</param>
internal sealed record PendingSecret(Guid Id, string Nonce, CodeRecord Record);

/// <summary>
/// The one-time-secret protocol shared by verification codes and image-captcha challenges.
/// Issue: a fresh record id and nonce, the secret's keyed hash (HMAC bound to both), a save with the charges of the
/// request, then a signed id carrying the record id and nonce. Check: the signed id → its typed claims → one attempt
/// against the stored hash → the outcome. The secret itself is never stored or signed.
/// </summary>
internal sealed class OneTimeSecrets(TokenService tokens, CodeHasher hasher, IPendingCodeStore store, StoreGuard guard, TimeProvider timeProvider)
{
    /// <summary>The signer and checker of the ids.</summary>
    public TokenService Tokens => tokens;

    /// <summary>
    /// Issues <paramref name="secret"/> for <paramref name="ownerKey"/> (one live record per owner) until
    /// <paramref name="expiresAt"/>, with the nonce derived from its id and <paramref name="usage"/>
    /// (<see cref="CodeHasher.Nonce"/>), so that a check by owner can rebuild it (<see cref="FindLiveAsync"/>).
    /// </summary>
    public PendingSecret Issue(ReadOnlySpan<char> secret, string ownerKey, DateTimeOffset expiresAt, VerificationUsage? usage = null) =>
        Issue(secret, ownerKey, ownerIsPrefix: false, expiresAt, usage);

    /// <summary>Issues a secret that is its own owner: its owner key is <paramref name="prefix"/> and its record id.</summary>
    public PendingSecret IssueOwned(ReadOnlySpan<char> secret, string prefix, DateTimeOffset expiresAt) =>
        Issue(secret, prefix, ownerIsPrefix: true, expiresAt, null);

    /// <summary>The nonce of a record issued by <see cref="Issue(ReadOnlySpan{char}, string, DateTimeOffset, VerificationUsage?)"/> for <paramref name="usage"/>.</summary>
    public string NonceOf(Guid id, VerificationUsage? usage) => hasher.Nonce(id, usage);

    /// <summary>Whether the store can name an owner's live record (<see cref="ILiveCodeStore"/>).</summary>
    public bool CanFindLive => store is ILiveCodeStore;

    /// <summary>The owner's live record (<see cref="CanFindLive"/> must be true); a store failure is <c>unavailable</c>.</summary>
    public ValueTask<Guarded<Guid?>> FindLiveAsync(string ownerKey, DateTimeOffset now, string operation, CancellationToken cancellationToken) =>
        guard.RunAsync(
            operation,
            (live: (ILiveCodeStore)store, ownerKey, now),
            static (s, ct) => s.live.FindLiveRecordAsync(s.ownerKey, s.now, ct),
            StoreGuard.TryLater,
            cancellationToken);

    private PendingSecret Issue(ReadOnlySpan<char> secret, string owner, bool ownerIsPrefix, DateTimeOffset expiresAt, VerificationUsage? usage)
    {
        var id = Guid.NewGuid();
        var nonce = ownerIsPrefix ? CodeHasher.NewNonce() : hasher.Nonce(id, usage);
        var ownerKey = ownerIsPrefix ? owner + id.ToString("N") : owner;
        return new PendingSecret(id, nonce, new CodeRecord { Id = id, ContactKey = ownerKey, CodeHash = hasher.Hash(id, nonce, secret), ExpiresAt = expiresAt });
    }

    /// <summary>Saves an issued secret with its charges; a store failure is <c>unavailable</c> (<paramref name="description"/>).</summary>
    public ValueTask<Guarded<SaveOutcome>> SaveAsync(
        PendingSecret secret,
        IReadOnlyList<RateCharge> charges,
        bool waiveSoftLimits,
        DateTimeOffset now,
        string operation,
        string description,
        CancellationToken cancellationToken) =>
        guard.RunAsync(
            operation,
            (store, secret.Record, charges, waiveSoftLimits, now),
            static (s, ct) => s.store.SaveAsync(s.Record, s.charges, s.waiveSoftLimits, s.now, ct),
            description,
            cancellationToken);

    /// <summary>Signs the id of an issued secret: its claims carry the record id and nonce.</summary>
    public string Sign<TClaims>(TClaims claims)
        where TClaims : class, ITokenClaims<TClaims> => claims.Sign(tokens);

    /// <summary>Undoes a save whose use failed (a delivery no sender made): deletes the record and refunds its charges. Never fails.</summary>
    public ValueTask ReleaseAsync(PendingSecret secret, IReadOnlyList<RateCharge> charges) =>
        guard.BestEffortAsync(
            (store, secret.Record, charges, now: timeProvider.GetUtcNow()),
            static s => s.store.ReleaseAsync(s.Record, s.charges, s.now, CancellationToken.None),
            static (logger, e, s) => Log.ReleaseFailed(logger, e, s.Record.Id));

    /// <summary>Checks a signed id and reads its claims.</summary>
    public ValueTask<ClaimsCheck<TClaims>> ReadAsync<TClaims>(string signedId, DateTimeOffset now)
        where TClaims : class, ITokenClaims<TClaims> => tokens.ReadAsync<TClaims>(signedId, now);

    /// <summary>
    /// One attempt of <paramref name="presented"/> against the record <paramref name="id"/> (with the nonce of its
    /// signed id), charging <paramref name="charge"/> on a mismatch; a store failure is <c>unavailable</c>.
    /// </summary>
    public ValueTask<Guarded<AttemptOutcome>> AttemptAsync(
        Guid id,
        string nonce,
        ReadOnlySpan<char> presented,
        int maxAttempts,
        RateCharge charge,
        DateTimeOffset now,
        string operation,
        CancellationToken cancellationToken) =>
        guard.RunAsync(
            operation,
            (store, id, hash: hasher.Hash(id, nonce, presented), maxAttempts, charge, now),
            static (s, ct) => s.store.AttemptAsync(s.id, s.hash, s.maxAttempts, s.charge, s.now, ct),
            StoreGuard.TryLater,
            cancellationToken);
}
