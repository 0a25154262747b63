using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Verification.Tests.Tokens;

/// <summary>
/// The oracle for <see cref="TokenCodec"/>: Microsoft.IdentityModel's <see cref="JsonWebTokenHandler"/> under the
/// pinned parameters (one algorithm, one <c>typ</c> per kind, the ring's keys by <c>kid</c>), plus every rule the
/// library applied on top of it before the codec: key-carrying headers refused, <c>pj</c>, <c>e</c>, <c>exp</c>,
/// <c>nbf</c> with the skew, and each kind's claims (record id a "D" GUID, non-empty nonce and token id, a known
/// usage). Written here, independently of the production code, so that the codec is checked against the library
/// it replaces rather than against itself.
/// </summary>
internal sealed class JwtOracle(SigningKeyRing keys, string projectId, TimeSpan clockSkew)
{
    private static readonly string[] ForbiddenHeaders = ["jku", "x5u", "jwk", "x5c", "crit"];

    private readonly JsonWebTokenHandler _handler = new()
    {
        SetDefaultTimesOnTokenCreation = false,
        MaximumTokenSizeInBytes = TokenCodec.MaxTokenLength,
        MapInboundClaims = false,
    };

    /// <summary>The handler alone under the pinned parameters: signature, algorithm, <c>typ</c> and key id.</summary>
    public async Task<JsonWebToken?> ValidateAsync(string token, TokenKind kind)
    {
        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidAlgorithms = [keys.Algorithm],
            ValidTypes = [TokenCodec.Types[(int)kind]],
            IssuerSigningKeys = keys.ValidationKeys,
            TryAllIssuerSigningKeys = false,
            RequireSignedTokens = true,
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            ValidateIssuerSigningKey = false,
        });
        return result.IsValid ? result.SecurityToken as JsonWebToken : null;
    }

    /// <summary>The handler and every rule of the library before the codec; claims set when valid or expired.</summary>
    public async Task<(TokenCheckStatus Status, TokenPayload Claims)> CheckAsync(string token, TokenKind kind, DateTimeOffset now)
    {
        if (token.Length is 0 or > TokenCodec.MaxTokenLength || await ValidateAsync(token, kind) is not { } jwt)
        {
            return (TokenCheckStatus.Invalid, default);
        }

        if (ForbiddenHeaders.Any(h => jwt.TryGetHeaderValue<object>(h, out _))
            || string.IsNullOrEmpty(jwt.Kid)
            || !jwt.TryGetPayloadValue<string>("pj", out var project) || project != projectId
            || !jwt.TryGetPayloadValue<long>("exp", out _))
        {
            return (TokenCheckStatus.Invalid, default);
        }

        string? contact = null, nonce = null, tokenId = null;
        var recordId = Guid.Empty;
        VerificationUsage? usage = null;
        var hasContact = kind is TokenKind.VerificationId or TokenKind.VerificationToken;
        var hasRecord = kind is TokenKind.VerificationId or TokenKind.CaptchaChallenge;
        if ((hasContact && (!jwt.TryGetPayloadValue("e", out contact) || string.IsNullOrEmpty(contact)))
            || (hasRecord && (!jwt.TryGetPayloadValue<string>("kid", out var kid) || !Guid.TryParseExact(kid, "D", out recordId)
                || !jwt.TryGetPayloadValue("t", out nonce) || string.IsNullOrEmpty(nonce)))
            || (!hasRecord && (!jwt.TryGetPayloadValue("jti", out tokenId) || string.IsNullOrEmpty(tokenId)))
            || (hasContact && jwt.TryGetPayloadValue<string>("u", out var u) && !TryParseUsage(u, out usage)))
        {
            return (TokenCheckStatus.Invalid, default);
        }

        var utcNow = now.UtcDateTime;
        if (jwt.TryGetPayloadValue<long>("nbf", out _) && jwt.ValidFrom > utcNow + clockSkew)
        {
            return (TokenCheckStatus.Invalid, default);
        }

        var claims = new TokenPayload(contact, recordId, nonce, tokenId, usage, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero));
        return (jwt.ValidTo + clockSkew <= utcNow ? TokenCheckStatus.Expired : TokenCheckStatus.Valid, claims);
    }

    /// <summary>A token as the handler wrote it: the kind's <c>typ</c>, the first key, <c>exp</c> from <paramref name="expiresAt"/>.</summary>
    public string Create(TokenKind kind, Dictionary<string, object> claims, DateTimeOffset expiresAt) =>
        _handler.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = TokenCodec.Types[(int)kind],
            Claims = claims,
            Expires = expiresAt.UtcDateTime,
            SigningCredentials = keys.SigningCredentials,
        });

    /// <summary>Signs <paramref name="signingInput"/> (header.payload, as sent) with the ring's first key, as a key holder would.</summary>
    public string Sign(string signingInput)
    {
        var data = System.Text.Encoding.UTF8.GetBytes(signingInput);
        var signature = keys.SigningCredentials.Key switch
        {
            RsaSecurityKey rsa => rsa.Rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            ECDsaSecurityKey ec => ec.ECDsa.SignData(data, HashAlgorithmName.SHA256),
            SymmetricSecurityKey secret => HMACSHA256.HashData(secret.Key, data),
            var other => throw new NotSupportedException(other.GetType().Name),
        };
        return $"{signingInput}.{Base64UrlEncoder.Encode(signature)}";
    }

    private static bool TryParseUsage(string value, out VerificationUsage? usage)
    {
        usage = value switch
        {
            "REGISTER" => VerificationUsage.Register,
            "SIGN_IN" => VerificationUsage.SignIn,
            "PASSWORD_RESET" => VerificationUsage.PasswordReset,
            "EMAIL_ADDRESS_CHANGE" => VerificationUsage.EmailAddressChange,
            "PHONE_NUMBER_CHANGE" => VerificationUsage.PhoneNumberChange,
            _ => null,
        };
        return usage is not null;
    }
}
