namespace Verification;

/// <summary>One signing key (<c>Verification:Tokens:SigningKeys:N</c>). Set exactly one of Pem, PemFile and Secret.</summary>
public sealed class SigningKeyOptions
{
    /// <summary>The key id written in the JWT header (<c>kid</c>).</summary>
    /// <value>
    /// Default null: an RSA or EC key's RFC 7638 thumbprint (public anyway); for an HS256 secret <c>hs256-</c> and its
    /// position in the list (never derived from the secret). Give rotated HS256 secrets explicit ids, so that a token's
    /// id keeps naming its secret when the list changes.
    /// </value>
    public string? KeyId { get; set; }

    /// <summary>A PKCS#8 or PKCS#1/SEC1 private key in PEM (RS256, ES256).</summary>
    public string? Pem { get; set; }

    /// <summary>The path of a PEM file holding the private key (RS256, ES256).</summary>
    public string? PemFile { get; set; }

    /// <summary>A base64 secret of at least 32 bytes (HS256).</summary>
    public string? Secret { get; set; }
}
