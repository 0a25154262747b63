namespace Verification;

/// <summary>The claims of one kind of token, read from a checked JWT; the only code that knows the claim names.</summary>
/// <typeparam name="TSelf">The claims type.</typeparam>
internal interface ITokenClaims<TSelf>
    where TSelf : class, ITokenClaims<TSelf>
{
    /// <summary>The kind of token these claims belong to (its <c>typ</c>).</summary>
    static abstract TokenKind Kind { get; }

    /// <summary>Takes the claims of this kind from a payload the codec read and checked; false when one is missing.</summary>
    static abstract bool TryRead(in TokenPayload payload, out TSelf claims);

    /// <summary>Signs these claims as a token of <see cref="Kind"/>.</summary>
    string Sign(TokenService tokens);
}

/// <summary>The claims of a <c>verification_id</c>: the pending code's record (<c>kid</c>), its nonce (<c>t</c>), the contact (<c>e</c>) and usage (<c>u</c>).</summary>
internal sealed record VerificationIdClaims(Guid RecordId, string Nonce, string Contact, VerificationUsage? Usage, DateTimeOffset ExpiresAt)
    : ITokenClaims<VerificationIdClaims>
{
    public static TokenKind Kind => TokenKind.VerificationId;

    /// <summary>The contact's channel: an email has an <c>@</c>, an E.164 number never does.</summary>
    public VerificationChannel Channel => TokenClaimReader.ChannelOf(Contact);

    public static bool TryRead(in TokenPayload payload, out VerificationIdClaims claims)
    {
        claims = null!;
        if (payload is not { Nonce: { } nonce, Contact: { } contact })
        {
            return false;
        }

        claims = new VerificationIdClaims(payload.RecordId, nonce, contact, payload.Usage, payload.ExpiresAt);
        return true;
    }

    public string Sign(TokenService tokens) => tokens.CreateVerificationId(RecordId, Nonce, Contact, Usage, ExpiresAt);
}

/// <summary>The claims of a <c>verification_token</c>: its id (<c>jti</c>), the verified contact (<c>e</c>) and usage (<c>u</c>).</summary>
internal sealed record VerificationTokenClaims(string TokenId, string Contact, VerificationUsage? Usage, DateTimeOffset ExpiresAt)
    : ITokenClaims<VerificationTokenClaims>
{
    public static TokenKind Kind => TokenKind.VerificationToken;

    /// <summary>The contact's channel: an email has an <c>@</c>, an E.164 number never does.</summary>
    public VerificationChannel Channel => TokenClaimReader.ChannelOf(Contact);

    public static bool TryRead(in TokenPayload payload, out VerificationTokenClaims claims)
    {
        claims = null!;
        if (payload is not { TokenId: { } tokenId, Contact: { } contact })
        {
            return false;
        }

        claims = new VerificationTokenClaims(tokenId, contact, payload.Usage, payload.ExpiresAt);
        return true;
    }

    public string Sign(TokenService tokens) => tokens.CreateVerificationToken(TokenId, Contact, Usage, ExpiresAt);
}

/// <summary>The claims of an image-captcha challenge: its record (<c>kid</c>) and nonce (<c>t</c>).</summary>
internal sealed record CaptchaChallengeClaims(Guid ChallengeId, string Nonce, DateTimeOffset ExpiresAt)
    : ITokenClaims<CaptchaChallengeClaims>
{
    public static TokenKind Kind => TokenKind.CaptchaChallenge;

    public static bool TryRead(in TokenPayload payload, out CaptchaChallengeClaims claims)
    {
        claims = null!;
        if (payload.Nonce is not { } nonce)
        {
            return false;
        }

        claims = new CaptchaChallengeClaims(payload.RecordId, nonce, payload.ExpiresAt);
        return true;
    }

    public string Sign(TokenService tokens) => tokens.CreateCaptchaChallenge(ChallengeId, Nonce, ExpiresAt);
}

/// <summary>The claims of a single-use captcha token: its id (<c>jti</c>).</summary>
internal sealed record CaptchaTokenClaims(string TokenId, DateTimeOffset ExpiresAt) : ITokenClaims<CaptchaTokenClaims>
{
    public static TokenKind Kind => TokenKind.CaptchaToken;

    public static bool TryRead(in TokenPayload payload, out CaptchaTokenClaims claims)
    {
        claims = null!;
        if (payload.TokenId is not { } tokenId)
        {
            return false;
        }

        claims = new CaptchaTokenClaims(tokenId, payload.ExpiresAt);
        return true;
    }

    public string Sign(TokenService tokens) => tokens.CreateCaptchaToken(TokenId, ExpiresAt);
}

/// <summary>How reading a token ended: its claims, or why there are none.</summary>
internal enum ClaimsStatus
{
    /// <summary>Signed, of the right kind, unexpired, and its claims read.</summary>
    Valid,

    /// <summary>Signed and of the right kind, but expired (beyond the clock skew).</summary>
    Expired,

    /// <summary>Forged, of another kind or project, or unreadable.</summary>
    Invalid,

    /// <summary>Signed by a configured key for this project, but its claims are not exactly those of its kind.</summary>
    BadClaims,
}

/// <summary>The outcome of <see cref="TokenClaimReader.ReadAsync{TClaims}"/>.</summary>
/// <typeparam name="TClaims">The claims type.</typeparam>
/// <param name="Status">Valid, or why not.</param>
/// <param name="Claims">The claims, when valid.</param>
internal readonly record struct ClaimsCheck<TClaims>(ClaimsStatus Status, TClaims? Claims = null)
    where TClaims : class;

/// <summary>Checks a token and takes its typed claims from what the codec read.</summary>
internal static class TokenClaimReader
{
    /// <summary>Checks <paramref name="token"/> as a <typeparamref name="TClaims"/> token at <paramref name="now"/> and reads its claims.</summary>
    public static async ValueTask<ClaimsCheck<TClaims>> ReadAsync<TClaims>(this TokenService tokens, string token, DateTimeOffset now)
        where TClaims : class, ITokenClaims<TClaims>
    {
        var check = await tokens.CheckAsync(token, TClaims.Kind, now).ConfigureAwait(false);
        return check.Status switch
        {
            TokenCheckStatus.Valid => TClaims.TryRead(check.Payload, out var claims) ? new(ClaimsStatus.Valid, claims) : new(ClaimsStatus.BadClaims),
            TokenCheckStatus.Expired => new(ClaimsStatus.Expired),
            TokenCheckStatus.Malformed => new(ClaimsStatus.BadClaims),
            _ => new(ClaimsStatus.Invalid),
        };
    }

    internal static VerificationChannel ChannelOf(string contact) =>
        contact.Contains('@', StringComparison.Ordinal) ? VerificationChannel.Email : VerificationChannel.Sms;
}
