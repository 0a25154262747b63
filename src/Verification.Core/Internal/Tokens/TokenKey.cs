using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Verification;

/// <summary>
/// One signing key of the codec: its primitive, and the header segment of each token kind signed with it
/// (<c>{"alg":…,"kid":…,"typ":…}</c>, base64url), computed once so that reading a token begins with a comparison.
/// </summary>
internal abstract class TokenKey
{
    private readonly string[] _headers;
    private readonly byte[][] _headerBytes;

    protected TokenKey(string algorithm, string keyId, int signatureLength)
    {
        KeyId = keyId;
        SignatureLength = signatureLength;
        EncodedSignatureLength = System.Buffers.Text.Base64Url.GetEncodedLength(signatureLength);
        _headerBytes = new byte[TokenCodec.Types.Length][];
        _headers = new string[TokenCodec.Types.Length];
        for (var kind = 0; kind < TokenCodec.Types.Length; kind++)
        {
            _headerBytes[kind] = Header(algorithm, keyId, TokenCodec.Types[kind]);
            _headers[kind] = Encoding.ASCII.GetString(_headerBytes[kind]);
        }
    }

    public string KeyId { get; }

    /// <summary>The length of a raw signature: the modulus for RSA, r‖s (64 bytes) for P-256, 32 bytes for HMAC-SHA256.</summary>
    public int SignatureLength { get; }

    public int EncodedSignatureLength { get; }

    /// <summary>The header segment of <paramref name="kind"/>, as text (for comparing tokens).</summary>
    public string HeaderOf(TokenKind kind) => _headers[(int)kind];

    /// <summary>The header segment of <paramref name="kind"/>, as ASCII bytes (the start of a signing input).</summary>
    public ReadOnlySpan<byte> HeaderBytesOf(TokenKind kind) => _headerBytes[(int)kind];

    /// <summary>Signs <paramref name="data"/> into <paramref name="signature"/>, exactly <see cref="SignatureLength"/> bytes.</summary>
    public abstract void Sign(ReadOnlySpan<byte> data, Span<byte> signature);

    /// <summary>Checks a signature of <see cref="SignatureLength"/> bytes; never throws for a wrong one.</summary>
    public abstract bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature);

    /// <summary>The codec key of one key of the ring (the ring has checked its algorithm, size and kind).</summary>
    public static TokenKey Create(string algorithm, SecurityKey key) => (algorithm, key) switch
    {
        (SecurityAlgorithms.RsaSha256, RsaSecurityKey rsa) => new RsaTokenKey(rsa.Rsa ?? RSA.Create(rsa.Parameters), key.KeyId),
        (SecurityAlgorithms.EcdsaSha256, ECDsaSecurityKey ecdsa) => new EcdsaTokenKey(ecdsa.ECDsa, key.KeyId),
        (SecurityAlgorithms.HmacSha256, SymmetricSecurityKey secret) => new HmacTokenKey(secret.Key, key.KeyId),
        _ => throw new ArgumentException($"A {key.GetType().Name} cannot sign {algorithm}.", nameof(key)),
    };

    /// <summary>
    /// The header as the JWT library writes it (same member order, same escaping), so that tokens it minted before
    /// and tokens minted now share their header segments.
    /// </summary>
    private static byte[] Header(string algorithm, string keyId, string type)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("alg"u8, algorithm);
            writer.WriteString("kid"u8, keyId);
            writer.WriteString("typ"u8, type);
            writer.WriteEndObject();
        }

        return Encoding.ASCII.GetBytes(System.Buffers.Text.Base64Url.EncodeToString(buffer.WrittenSpan));
    }
}

/// <summary>RS256: RSASSA-PKCS1-v1_5 with SHA-256.</summary>
internal sealed class RsaTokenKey(RSA rsa, string keyId) : TokenKey(SecurityAlgorithms.RsaSha256, keyId, (rsa.KeySize + 7) / 8)
{
    public override void Sign(ReadOnlySpan<byte> data, Span<byte> signature)
    {
        if (!rsa.TrySignData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, out var written) || written != SignatureLength)
        {
            throw new CryptographicException($"RS256 did not produce a {SignatureLength}-byte signature.");
        }
    }

    public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
}

/// <summary>ES256: ECDSA over P-256 with SHA-256, the signature as fixed-size r‖s (64 bytes), as JWS requires.</summary>
internal sealed class EcdsaTokenKey(ECDsa ecdsa, string keyId) : TokenKey(SecurityAlgorithms.EcdsaSha256, keyId, 64)
{
    public override void Sign(ReadOnlySpan<byte> data, Span<byte> signature)
    {
        if (!ecdsa.TrySignData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation, out var written)
            || written != SignatureLength)
        {
            throw new CryptographicException("ES256 did not produce a 64-byte signature.");
        }
    }

    public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
}

/// <summary>
/// HS256: HMAC-SHA256, compared in constant time. Keying an HMAC costs several times hashing a token, so each thread
/// keeps one keyed context per key and resets it after every use.
/// </summary>
internal sealed class HmacTokenKey : TokenKey
{
    private readonly ThreadLocal<IncrementalHash> _context;

    public HmacTokenKey(byte[] secret, string keyId)
        : base(SecurityAlgorithms.HmacSha256, keyId, 32)
    {
        var key = (byte[])secret.Clone();
        _context = new ThreadLocal<IncrementalHash>(() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key));
    }

    public override void Sign(ReadOnlySpan<byte> data, Span<byte> signature)
    {
        var hmac = _context.Value!;
        hmac.AppendData(data);
        if (hmac.GetHashAndReset(signature) != SignatureLength)
        {
            throw new CryptographicException("HMAC-SHA256 did not produce 32 bytes.");
        }
    }

    public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        Span<byte> expected = stackalloc byte[32];
        Sign(data, expected);
        return signature.Length == expected.Length && CryptographicOperations.FixedTimeEquals(expected, signature);
    }
}
