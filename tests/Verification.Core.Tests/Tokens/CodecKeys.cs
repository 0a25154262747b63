using System.Security.Cryptography;

namespace Verification.Tests.Tokens;

/// <summary>
/// Key rings for the codec tests, one per algorithm, made once per run (an RSA-2048 key takes about half a second on a
/// 2-core machine) and only read afterwards; with a codec and an oracle over the same ring.
/// </summary>
internal static class CodecKeys
{
    public const string ProjectId = "proj-a";

    public static readonly DateTimeOffset Now = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    public static readonly TimeSpan Skew = TimeSpan.FromSeconds(10);

    public static readonly string[] Algorithms = ["RS256", "ES256", "HS256"];

    private static readonly Lazy<string> RsaPem = new(() => Pem(RSA.Create(2048)));
    private static readonly Lazy<string> OtherRsaPem = new(() => Pem(RSA.Create(2048)));
    private static readonly Lazy<string> EcPem = new(() => Pem(ECDsa.Create(ECCurve.NamedCurves.nistP256)));
    private static readonly Lazy<string> OtherEcPem = new(() => Pem(ECDsa.Create(ECCurve.NamedCurves.nistP256)));
    private static readonly string Secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string OtherSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The ring of <paramref name="algorithm"/> with one key, <c>key-1</c>.</summary>
    public static SigningKeyRing Ring(string algorithm, string keyId = "key-1") => Load(algorithm, Key(algorithm, keyId, other: false));

    /// <summary>Another key of <paramref name="algorithm"/> (a different secret), under the given id.</summary>
    public static SigningKeyOptions OtherKey(string algorithm, string keyId) => Key(algorithm, keyId, other: true);

    public static SigningKeyOptions Key(string algorithm, string keyId, bool other = false) => algorithm switch
    {
        "RS256" => new SigningKeyOptions { KeyId = keyId, Pem = (other ? OtherRsaPem : RsaPem).Value },
        "ES256" => new SigningKeyOptions { KeyId = keyId, Pem = (other ? OtherEcPem : EcPem).Value },
        _ => new SigningKeyOptions { KeyId = keyId, Secret = other ? OtherSecret : Secret },
    };

    public static SigningKeyRing Load(string algorithm, params SigningKeyOptions[] keys)
    {
        var errors = new List<string>();
        var ring = SigningKeyRing.Load(new TokenOptions { Algorithm = algorithm, SigningKeys = [.. keys] }, errors);
        Assert.True(ring is not null, string.Join(Environment.NewLine, errors));
        return ring;
    }

    public static (TokenCodec Codec, JwtOracle Oracle) Both(SigningKeyRing ring, string projectId = ProjectId) =>
        (new TokenCodec(ring, projectId, Skew), new JwtOracle(ring, projectId, Skew));

    private static string Pem(AsymmetricAlgorithm key)
    {
        using (key)
        {
            return key.ExportPkcs8PrivateKeyPem();
        }
    }
}
