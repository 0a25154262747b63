using Microsoft.IdentityModel.JsonWebTokens;

namespace Verification;

/// <summary>The claims of one kind of token, read from a checked JWT; the only code that knows the claim names.</summary>
/// <typeparam name="TSelf">The claims type.</typeparam>
internal interface ITokenClaims<TSelf>
    where TSelf : class, ITokenClaims<TSelf>
{
    /// <summary>The kind of token these claims belong to (its <c>typ</c>).</summary>
    static abstract TokenKind Kind { get; }

    /// <summary>Reads the claims of a token whose signature, type and project were checked; false when one is missing or malformed.</summary>
    static abstract bool TryRead(JsonWebToken jwt, out TSelf claims);

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

    public static bool TryRead(JsonWebToken jwt, out VerificationIdClaims claims)
    {
        claims = null!;
        if (!TokenClaimReader.TryReadRecord(jwt, out var recordId, out var nonce)
            || !TokenClaimReader.TryReadUsage(jwt, out var usage)
            || !jwt.TryGetPayloadValue<string>("e", out var contact) || string.IsNullOrEmpty(contact))
        {
            return false;
        }

        claims = new VerificationIdClaims(recordId, nonce, contact, usage, TokenClaimReader.ExpiresAt(jwt));
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

    public static bool TryRead(JsonWebToken jwt, out VerificationTokenClaims claims)
    {
        claims = null!;
        if (!TokenClaimReader.TryReadTokenId(jwt, out var tokenId)
            || !TokenClaimReader.TryReadUsage(jwt, out var usage)
            || !jwt.TryGetPayloadValue<string>("e", out var contact) || string.IsNullOrEmpty(contact))
        {
            return false;
        }

        claims = new VerificationTokenClaims(tokenId, contact, usage, TokenClaimReader.ExpiresAt(jwt));
        return true;
    }

    public string Sign(TokenService tokens) => tokens.CreateVerificationToken(TokenId, Contact, Usage, ExpiresAt);
}

/// <summary>The claims of an image-captcha challenge: its record (<c>kid</c>) and nonce (<c>t</c>).</summary>
internal sealed record CaptchaChallengeClaims(Guid ChallengeId, string Nonce, DateTimeOffset ExpiresAt)
    : ITokenClaims<CaptchaChallengeClaims>
{
    public static TokenKind Kind => TokenKind.CaptchaChallenge;

    public static bool TryRead(JsonWebToken jwt, out CaptchaChallengeClaims claims)
    {
        claims = null!;
        if (!TokenClaimReader.TryReadRecord(jwt, out var id, out var nonce))
        {
            return false;
        }

        claims = new CaptchaChallengeClaims(id, nonce, TokenClaimReader.ExpiresAt(jwt));
        return true;
    }

    public string Sign(TokenService tokens) => tokens.CreateCaptchaChallenge(ChallengeId, Nonce, ExpiresAt);
}

/// <summary>The claims of a single-use captcha token: its id (<c>jti</c>).</summary>
internal sealed record CaptchaTokenClaims(string TokenId, DateTimeOffset ExpiresAt) : ITokenClaims<CaptchaTokenClaims>
{
    public static TokenKind Kind => TokenKind.CaptchaToken;

    public static bool TryRead(JsonWebToken jwt, out CaptchaTokenClaims claims)
    {
        claims = null!;
        if (!TokenClaimReader.TryReadTokenId(jwt, out var tokenId))
        {
            return false;
        }

        claims = new CaptchaTokenClaims(tokenId, TokenClaimReader.ExpiresAt(jwt));
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

    /// <summary>Signed and unexpired, but a claim is missing or malformed.</summary>
    BadClaims,
}

/// <summary>The outcome of <see cref="TokenClaimReader.ReadAsync{TClaims}"/>.</summary>
/// <typeparam name="TClaims">The claims type.</typeparam>
/// <param name="Status">Valid, or why not.</param>
/// <param name="Claims">The claims, when valid.</param>
internal readonly record struct ClaimsCheck<TClaims>(ClaimsStatus Status, TClaims? Claims = null)
    where TClaims : class;

/// <summary>Checks a token and reads its typed claims; the claim-name helpers shared by the claims types.</summary>
internal static class TokenClaimReader
{
    /// <summary>Checks <paramref name="token"/> as a <typeparamref name="TClaims"/> token at <paramref name="now"/> and reads its claims.</summary>
    public static async ValueTask<ClaimsCheck<TClaims>> ReadAsync<TClaims>(this TokenService tokens, string token, DateTimeOffset now)
        where TClaims : class, ITokenClaims<TClaims>
    {
        var check = await tokens.CheckAsync(token, TClaims.Kind, now).ConfigureAwait(false);
        return check.Status switch
        {
            TokenCheckStatus.Valid => TClaims.TryRead(check.Token!, out var claims) ? new(ClaimsStatus.Valid, claims) : new(ClaimsStatus.BadClaims),
            TokenCheckStatus.Expired => new(ClaimsStatus.Expired),
            _ => new(ClaimsStatus.Invalid),
        };
    }

    internal static bool TryReadRecord(JsonWebToken jwt, out Guid recordId, out string nonce)
    {
        recordId = Guid.Empty;
        nonce = string.Empty;
        return jwt.TryGetPayloadValue<string>("kid", out var kid) && Guid.TryParseExact(kid, "D", out recordId)
            && jwt.TryGetPayloadValue<string>("t", out nonce) && !string.IsNullOrEmpty(nonce);
    }

    internal static bool TryReadTokenId(JsonWebToken jwt, out string tokenId) =>
        jwt.TryGetPayloadValue<string>("jti", out tokenId) && !string.IsNullOrEmpty(tokenId);

    /// <summary>The optional <c>u</c> claim: absent is no usage; present it must be a known wire name.</summary>
    internal static bool TryReadUsage(JsonWebToken jwt, out VerificationUsage? usage)
    {
        usage = null;
        if (!jwt.TryGetPayloadValue<string>("u", out var value))
        {
            return true;
        }

        if (WireNames.TryParseUsage(value, out var parsed))
        {
            usage = parsed;
            return true;
        }

        return false;
    }

    internal static VerificationChannel ChannelOf(string contact) =>
        contact.Contains('@', StringComparison.Ordinal) ? VerificationChannel.Email : VerificationChannel.Sms;

    internal static DateTimeOffset ExpiresAt(JsonWebToken jwt) => new(jwt.ValidTo, TimeSpan.Zero);
}
