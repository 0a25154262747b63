namespace Verification;

/// <summary>The kinds of tokens; each has its own <c>typ</c> so none is ever accepted as another.</summary>
internal enum TokenKind
{
    VerificationId,
    VerificationToken,
    CaptchaChallenge,
    CaptchaToken,
}

internal enum TokenCheckStatus
{
    /// <summary>Signed by a configured key, of the kind asked for and this project, well-formed and unexpired.</summary>
    Valid,

    /// <summary>As valid, but its expiry plus the clock skew has passed.</summary>
    Expired,

    /// <summary>Forged, of another kind or project, not yet valid, or unreadable.</summary>
    Invalid,

    /// <summary>Signed by a configured key for this project, but its payload is not exactly the claims of its kind.</summary>
    Malformed,
}

/// <summary>The outcome of checking a token; <see cref="Payload"/> is set when valid or expired.</summary>
internal readonly record struct TokenCheck(TokenCheckStatus Status, TokenPayload Payload = default);

/// <summary>
/// Creates and checks the signed JWTs through <see cref="TokenCodec"/>: the <c>verification_id</c> (claims <c>e</c>,
/// <c>exp</c>, <c>kid</c>, <c>pj</c>, <c>t</c>, and <c>u</c> when a usage is given), the <c>verification_token</c>
/// (<c>e</c>, <c>exp</c>, <c>jti</c>, <c>pj</c>, <c>u</c>) and the image captcha's challenge and token. Algorithms are
/// pinned, the key id must be known, key-carrying headers are refused, and expiry follows the engine's clock.
/// </summary>
internal sealed class TokenService(SigningKeyRing keys, string projectId, TimeSpan clockSkew)
{
    /// <summary>Tokens longer than this are refused before parsing.</summary>
    public const int MaxTokenLength = TokenCodec.MaxTokenLength;

    public const string VerificationIdType = "vid+jwt";
    public const string VerificationTokenType = "vt+jwt";
    public const string CaptchaChallengeType = "captcha-challenge+jwt";
    public const string CaptchaTokenType = "captcha+jwt";

    private readonly TokenCodec _codec = new(keys, projectId, clockSkew);

    public bool IsEphemeral => keys.IsEphemeral;

    public string CreateVerificationId(Guid recordId, string nonce, string contact, VerificationUsage? usage, DateTimeOffset expiresAt) =>
        _codec.CreateVerificationId(recordId, nonce, contact, usage, expiresAt);

    public string CreateVerificationToken(string tokenId, string contact, VerificationUsage? usage, DateTimeOffset expiresAt) =>
        _codec.CreateVerificationToken(tokenId, contact, usage, expiresAt);

    /// <summary>An image-captcha challenge: claims <c>kid</c> (the challenge record), <c>t</c> (its nonce), <c>pj</c>, <c>exp</c>.</summary>
    public string CreateCaptchaChallenge(Guid challengeId, string nonce, DateTimeOffset expiresAt) =>
        _codec.CreateCaptchaChallenge(challengeId, nonce, expiresAt);

    /// <summary>A single-use captcha token: claims <c>jti</c>, <c>pj</c>, <c>exp</c>.</summary>
    public string CreateCaptchaToken(string tokenId, DateTimeOffset expiresAt) => _codec.CreateCaptchaToken(tokenId, expiresAt);

    /// <summary>Checks a token of <paramref name="kind"/> at <paramref name="now"/>; completes synchronously and never throws.</summary>
    public ValueTask<TokenCheck> CheckAsync(string token, TokenKind kind, DateTimeOffset now) =>
        ValueTask.FromResult(new TokenCheck(_codec.Read(token, kind, now, out var payload), payload));
}
