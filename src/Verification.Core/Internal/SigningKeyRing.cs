using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Verification;

/// <summary>The signing keys of one algorithm: the first signs, all validate.</summary>
internal sealed class SigningKeyRing : IDisposable
{
    private SigningKeyRing(string algorithm, SecurityKey signingKey, IReadOnlyList<SecurityKey> validationKeys, bool ephemeral)
    {
        Algorithm = algorithm;
        SigningCredentials = new SigningCredentials(signingKey, algorithm);
        ValidationKeys = validationKeys;
        IsEphemeral = ephemeral;
    }

    /// <summary>
    /// The key id of an HS256 secret without a configured KeyId: <c>hs256-</c> and its position in the list. Never a
    /// hash of the secret (that would publish a fingerprint to test guesses of it against, and tell deployments that
    /// share a secret apart); the same on every instance of a deployment, so they accept each other's tokens.
    /// </summary>
    internal const string UnnamedSecretPrefix = "hs256-";

    public string Algorithm { get; }

    public SigningCredentials SigningCredentials { get; }

    public IReadOnlyList<SecurityKey> ValidationKeys { get; }

    public bool IsEphemeral { get; }

    /// <summary>Releases the asymmetric keys (only for rings that were loaded to be checked, never for one in use).</summary>
    public void Dispose()
    {
        foreach (var key in ValidationKeys)
        {
            (key as RsaSecurityKey)?.Rsa?.Dispose();
            (key as ECDsaSecurityKey)?.ECDsa?.Dispose();
        }
    }

    public static bool TryNormalizeAlgorithm(string? algorithm, out string normalized)
    {
        normalized = algorithm?.Trim().ToUpperInvariant() switch
        {
            "RS256" => SecurityAlgorithms.RsaSha256,
            "ES256" => SecurityAlgorithms.EcdsaSha256,
            "HS256" => SecurityAlgorithms.HmacSha256,
            _ => string.Empty,
        };
        return normalized.Length != 0;
    }

    /// <summary>Loads the configured keys; returns null and fills <paramref name="errors"/> when they are unusable.</summary>
    /// <param name="options">The token options.</param>
    /// <param name="errors">Receives what is wrong, naming the keys to fix.</param>
    /// <param name="validateOnly">Checks without making an ephemeral key (validation at start need not pay for one).</param>
    public static SigningKeyRing? Load(TokenOptions options, ICollection<string> errors, bool validateOnly = false)
    {
        if (!TryNormalizeAlgorithm(options.Algorithm, out var algorithm))
        {
            errors.Add($"Verification:Tokens:Algorithm '{options.Algorithm}' is not supported; use RS256, ES256 or HS256.");
            return null;
        }

        if (options.SigningKeys.Count == 0)
        {
            if (options.AllowEphemeralKey)
            {
                return validateOnly ? null : Ephemeral(algorithm);
            }

            errors.Add(
                "No signing key is configured. Set Verification:Tokens:SigningKeys:0:Pem (or :PemFile; :Secret for HS256) to a " +
                $"{Describe(algorithm)}, or, for development only, set Verification:Tokens:AllowEphemeralKey=true.");
            return null;
        }

        var keys = new List<SecurityKey>(options.SigningKeys.Count);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.SigningKeys.Count; i++)
        {
            var key = LoadOne(algorithm, options.SigningKeys[i], i, signer: i == 0, errors);
            if (key is null)
            {
                continue;
            }

            if (!ids.Add(key.KeyId))
            {
                errors.Add($"Verification:Tokens:SigningKeys:{i}:KeyId '{key.KeyId}' is used by another key; give every key its own KeyId.");
                continue;
            }

            keys.Add(key);
        }

        if (keys.Count != options.SigningKeys.Count)
        {
            return null;
        }

        return new SigningKeyRing(algorithm, keys[0], keys, ephemeral: false);
    }

    private static SecurityKey? LoadOne(string algorithm, SigningKeyOptions options, int index, bool signer, ICollection<string> errors)
    {
        var where = $"Verification:Tokens:SigningKeys:{index}";
        var sources = (options.Pem is null ? 0 : 1) + (options.PemFile is null ? 0 : 1) + (options.Secret is null ? 0 : 1);
        if (sources != 1)
        {
            errors.Add($"{where} must set exactly one of Pem, PemFile and Secret.");
            return null;
        }

        if (algorithm == SecurityAlgorithms.HmacSha256)
        {
            return LoadSecret(options, index, where, errors);
        }

        if (options.Secret is not null)
        {
            errors.Add($"{where}:Secret is for HS256; {algorithm} needs a {Describe(algorithm)} in Pem or PemFile.");
            return null;
        }

        string pem;
        try
        {
            pem = options.Pem ?? File.ReadAllText(options.PemFile!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            errors.Add($"{where}:PemFile '{options.PemFile}' cannot be read: {e.Message}");
            return null;
        }

        return algorithm == SecurityAlgorithms.RsaSha256
            ? LoadRsa(pem, options.KeyId, where, signer, errors)
            : LoadEcdsa(pem, options.KeyId, where, signer, errors);
    }

    private static SecurityKey? LoadRsa(string pem, string? keyId, string where, bool signer, ICollection<string> errors)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            errors.Add($"{where} is not an RSA key in PEM ({e.Message}). RS256 needs '-----BEGIN PRIVATE KEY-----' (PKCS#8) or '-----BEGIN RSA PRIVATE KEY-----'.");
            return null;
        }

        if (rsa.KeySize < 2048)
        {
            errors.Add($"{where} is an RSA key of {rsa.KeySize} bits; RS256 needs at least 2048.");
            return null;
        }

        if (signer && !HasPrivateKey(() => rsa.ExportParameters(true)))
        {
            errors.Add($"{where} is a public key; the first signing key signs and must be a private key.");
            return null;
        }

        var key = new RsaSecurityKey(rsa);
        key.KeyId = keyId ?? Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return key;
    }

    private static SecurityKey? LoadEcdsa(string pem, string? keyId, string where, bool signer, ICollection<string> errors)
    {
        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportFromPem(pem);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            ecdsa.Dispose();
            errors.Add($"{where} is not an EC key in PEM ({e.Message}). ES256 needs a P-256 key as '-----BEGIN PRIVATE KEY-----' or '-----BEGIN EC PRIVATE KEY-----'.");
            return null;
        }

        if (ecdsa.KeySize != 256)
        {
            errors.Add($"{where} is an EC key of {ecdsa.KeySize} bits; ES256 needs a P-256 key.");
            return null;
        }

        if (signer && !HasPrivateKey(() => ecdsa.ExportParameters(true)))
        {
            errors.Add($"{where} is a public key; the first signing key signs and must be a private key.");
            return null;
        }

        var key = new ECDsaSecurityKey(ecdsa);
        key.KeyId = keyId ?? Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return key;
    }

    private static SecurityKey? LoadSecret(SigningKeyOptions options, int index, string where, ICollection<string> errors)
    {
        if (options.Secret is null)
        {
            errors.Add($"{where}: HS256 needs a base64 Secret of at least 32 bytes, not a PEM key.");
            return null;
        }

        var secret = TryDecodeBase64(options.Secret);
        if (secret is null || secret.Length < 32)
        {
            errors.Add($"{where}:Secret must be base64 of at least 32 random bytes (for example the output of 'openssl rand -base64 32').");
            return null;
        }

        return new SymmetricSecurityKey(secret)
        {
            KeyId = options.KeyId ?? UnnamedSecretPrefix + index.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    private static SigningKeyRing Ephemeral(string algorithm)
    {
        var keyId = "ephemeral-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        SecurityKey key = algorithm switch
        {
            SecurityAlgorithms.RsaSha256 => new RsaSecurityKey(RSA.Create(2048)) { KeyId = keyId },
            SecurityAlgorithms.EcdsaSha256 => new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = keyId },
            _ => new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)) { KeyId = keyId },
        };
        return new SigningKeyRing(algorithm, key, [key], ephemeral: true);
    }

    internal static byte[]? TryDecodeBase64(string value)
    {
        var buffer = new byte[(value.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(value.Trim(), buffer, out var written) ? buffer[..written] : null;
    }

    private static bool HasPrivateKey(Action export)
    {
        try
        {
            export();
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static string Describe(string algorithm) => algorithm switch
    {
        SecurityAlgorithms.RsaSha256 => "RSA private key of at least 2048 bits in PEM",
        SecurityAlgorithms.EcdsaSha256 => "P-256 EC private key in PEM",
        _ => "base64 secret of at least 32 bytes",
    };
}
