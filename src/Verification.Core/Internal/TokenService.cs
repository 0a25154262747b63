using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

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
    Valid,
    Expired,
    Invalid,
}

/// <summary>The outcome of checking a token; <see cref="Token"/> is set when valid.</summary>
internal readonly record struct TokenCheck(TokenCheckStatus Status, JsonWebToken? Token = null);

/// <summary>
/// Creates and checks the signed JWTs: the <c>verification_id</c> (claims <c>e</c>, <c>exp</c>, <c>kid</c>,
/// <c>pj</c>, <c>t</c>, and <c>u</c> when a usage is given) and the <c>verification_token</c> (<c>e</c>,
/// <c>exp</c>, <c>jti</c>, <c>pj</c>, <c>u</c>). Algorithms are pinned, the key id must be known, key-carrying
/// headers are refused, and expiry follows the engine's clock.
/// </summary>
internal sealed class TokenService
{
    /// <summary>Tokens longer than this are refused before parsing.</summary>
    public const int MaxTokenLength = 2048;

    public const string VerificationIdType = "vid+jwt";
    public const string VerificationTokenType = "vt+jwt";
    public const string CaptchaChallengeType = "captcha-challenge+jwt";
    public const string CaptchaTokenType = "captcha+jwt";

    private static readonly string[] ForbiddenHeaders = ["jku", "x5u", "jwk", "x5c", "crit"];

    private readonly JsonWebTokenHandler _handler = new()
    {
        SetDefaultTimesOnTokenCreation = false,
        MaximumTokenSizeInBytes = MaxTokenLength,
        MapInboundClaims = false,
    };

    private readonly SigningKeyRing _keys;
    private readonly string _projectId;
    private readonly TimeSpan _clockSkew;
    private readonly TokenValidationParameters[] _parameters;

    public TokenService(SigningKeyRing keys, string projectId, TimeSpan clockSkew)
    {
        _keys = keys;
        _projectId = projectId;
        _clockSkew = clockSkew;
        _parameters =
        [
            Parameters(VerificationIdType), Parameters(VerificationTokenType), Parameters(CaptchaChallengeType), Parameters(CaptchaTokenType),
        ];
    }

    public bool IsEphemeral => _keys.IsEphemeral;

    public string CreateVerificationId(Guid recordId, string nonce, string contact, VerificationUsage? usage, DateTimeOffset expiresAt)
    {
        var claims = new Dictionary<string, object>(6, StringComparer.Ordinal)
        {
            ["e"] = contact,
            ["kid"] = recordId.ToString("D"),
            ["pj"] = _projectId,
            ["t"] = nonce,
        };
        if (usage is { } u)
        {
            claims["u"] = WireNames.Of(u);
        }

        return Create(VerificationIdType, claims, expiresAt);
    }

    public string CreateVerificationToken(string tokenId, string contact, VerificationUsage? usage, DateTimeOffset expiresAt)
    {
        var claims = new Dictionary<string, object>(5, StringComparer.Ordinal)
        {
            ["e"] = contact,
            ["jti"] = tokenId,
            ["pj"] = _projectId,
        };
        if (usage is { } u)
        {
            claims["u"] = WireNames.Of(u);
        }

        return Create(VerificationTokenType, claims, expiresAt);
    }

    /// <summary>An image-captcha challenge: claims <c>kid</c> (the challenge record), <c>t</c> (its nonce), <c>pj</c>, <c>exp</c>.</summary>
    public string CreateCaptchaChallenge(Guid challengeId, string nonce, DateTimeOffset expiresAt) =>
        Create(CaptchaChallengeType, new Dictionary<string, object>(3, StringComparer.Ordinal)
        {
            ["kid"] = challengeId.ToString("D"),
            ["pj"] = _projectId,
            ["t"] = nonce,
        }, expiresAt);

    /// <summary>A single-use captcha token: claims <c>jti</c>, <c>pj</c>, <c>exp</c>.</summary>
    public string CreateCaptchaToken(string tokenId, DateTimeOffset expiresAt) =>
        Create(CaptchaTokenType, new Dictionary<string, object>(2, StringComparer.Ordinal)
        {
            ["jti"] = tokenId,
            ["pj"] = _projectId,
        }, expiresAt);

    public async ValueTask<TokenCheck> CheckAsync(string token, TokenKind kind, DateTimeOffset now)
    {
        if (token.Length is 0 or > MaxTokenLength)
        {
            return new(TokenCheckStatus.Invalid);
        }

        var parameters = _parameters[(int)kind];
        var result = await _handler.ValidateTokenAsync(token, parameters).ConfigureAwait(false);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            return new(TokenCheckStatus.Invalid);
        }

        foreach (var header in ForbiddenHeaders)
        {
            if (jwt.TryGetHeaderValue<object>(header, out _))
            {
                return new(TokenCheckStatus.Invalid);
            }
        }

        if (string.IsNullOrEmpty(jwt.Kid)
            || !jwt.TryGetPayloadValue<string>("pj", out var project)
            || !string.Equals(project, _projectId, StringComparison.Ordinal)
            || (kind is TokenKind.VerificationId or TokenKind.VerificationToken
                && (!jwt.TryGetPayloadValue<string>("e", out var contact) || string.IsNullOrEmpty(contact)))
            || !jwt.TryGetPayloadValue<long>("exp", out var exp)
            || !IsInstant(exp))
        {
            return new(TokenCheckStatus.Invalid);
        }

        var utcNow = now.UtcDateTime;
        var hasNbf = jwt.TryGetPayloadValue<object>("nbf", out _);
        if (hasNbf && (!jwt.TryGetPayloadValue<long>("nbf", out var nbf) || !IsInstant(nbf) || jwt.ValidFrom > utcNow + _clockSkew))
        {
            return new(TokenCheckStatus.Invalid);
        }

        return jwt.ValidTo + _clockSkew <= utcNow ? new(TokenCheckStatus.Expired, jwt) : new(TokenCheckStatus.Valid, jwt);
    }

    /// <summary>
    /// Whether a NumericDate claim is an instant the engine can compute with: after 1970 and at least a day before the
    /// end of <see cref="DateTime"/>, so that adding the clock skew or a lifetime to it never overflows. A correctly
    /// signed token with <c>exp</c> past that is refused as invalid, never answered with an exception.
    /// </summary>
    internal static bool IsInstant(long seconds) => seconds is > 0 and <= MaxInstantSeconds;

    /// <summary>9999-12-30T23:59:59Z: one day before the last second <see cref="DateTime"/> holds.</summary>
    private const long MaxInstantSeconds = 253_402_214_399;

    private string Create(string type, Dictionary<string, object> claims, DateTimeOffset expiresAt) =>
        _handler.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = type,
            Claims = claims,
            Expires = expiresAt.UtcDateTime,
            SigningCredentials = _keys.SigningCredentials,
        });

    private TokenValidationParameters Parameters(string type) => new()
    {
        ValidAlgorithms = [_keys.Algorithm],
        ValidTypes = [type],
        IssuerSigningKeys = _keys.ValidationKeys,
        IssuerSigningKeyResolver = (_, _, kid, _) => _keys.Resolve(kid),
        TryAllIssuerSigningKeys = false,
        RequireSignedTokens = true,
        ValidateIssuer = false,
        ValidateAudience = false,

        // Expiry is judged below from the engine's TimeProvider, not from the machine clock.
        ValidateLifetime = false,
        RequireExpirationTime = false,
        ValidateIssuerSigningKey = false,
    };
}
