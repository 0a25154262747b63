namespace Verification;

/// <summary>Signing and hashing keys, token lifetimes (<c>Verification:Tokens</c>).</summary>
public sealed class TokenOptions
{
    /// <summary>The JWT algorithm of every token: <c>RS256</c>, <c>ES256</c> or <c>HS256</c>.</summary>
    /// <value>Default <c>"RS256"</c>.</value>
    public string Algorithm { get; set; } = "RS256";

    /// <summary>
    /// The signing keys: the first signs, all validate (rotation). RS256 wants an RSA private key of at least
    /// 2048 bits, ES256 a P-256 private key, both as PEM (<see cref="SigningKeyOptions.Pem"/> or
    /// <see cref="SigningKeyOptions.PemFile"/>); HS256 a base64 <see cref="SigningKeyOptions.Secret"/> of at least 32 bytes.
    /// </summary>
    /// <value>Default empty: the service refuses to start unless <see cref="AllowEphemeralKey"/> is set.</value>
    public IList<SigningKeyOptions> SigningKeys { get; set; } = new List<SigningKeyOptions>();

    /// <summary>
    /// The HMAC-SHA256 secret that stored codes are hashed with, base64, at least 32 bytes. Instances of one
    /// deployment share it.
    /// </summary>
    /// <value>Default null: required unless <see cref="AllowEphemeralKey"/> is set.</value>
    public string? HashKey { get; set; }

    /// <summary>
    /// Development only: when no signing key or hash key is configured, make random ones for this process.
    /// Tokens then die with the process and are not shared between instances.
    /// </summary>
    /// <value>Default false.</value>
    public bool AllowEphemeralKey { get; set; }

    /// <summary>How long a verification token stays redeemable (its <c>expires_in</c>).</summary>
    /// <value>Default 00:10:00. 1 second to 1 day.</value>
    public TimeSpan VerificationTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Tolerated clock difference when checking token expiry.</summary>
    /// <value>Default 00:00:10. At most 30 seconds.</value>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(10);
}
