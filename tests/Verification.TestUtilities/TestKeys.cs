using System.Security.Cryptography;

namespace Verification.TestUtilities;

/// <summary>Key material that one test owns.</summary>
public static class TestKeys
{
    /// <summary>
    /// Signs with HS256 under a fresh random secret (key id <paramref name="keyId"/>) and hashes codes with a fresh
    /// random hash key: the cheapest valid token set-up, so tests that are not about keys make none.
    /// </summary>
    public static void UseFreshHs256(TokenOptions tokens, string keyId = "hs-test")
    {
        ArgumentNullException.ThrowIfNull(tokens);
        tokens.Algorithm = "HS256";
        tokens.SigningKeys.Add(new SigningKeyOptions { KeyId = keyId, Secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) });
        tokens.HashKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    }
}
