using System.Security.Cryptography;
using System.Text;

namespace Verification;

/// <summary>Draws codes from the CSPRNG and hashes them with HMAC-SHA256 bound to their record.</summary>
internal sealed class CodeHasher(byte[] key)
{
    public const int HashLength = 32;
    private const int MaxCodeLength = 10;

    // The HMAC context of the last hasher used on this thread: keying an HMAC (OpenSSL's EVP_MAC fetch and init) costs
    // several times the hashing of a few dozen bytes, so a thread reuses its keyed context for the same hasher.
    [ThreadStatic]
    private static CodeHasher? _threadOwner;

    [ThreadStatic]
    private static IncrementalHash? _threadHmac;

    /// <summary>
    /// A code of <paramref name="length"/> decimal digits, leading zeros kept, each digit drawn without modulo bias.
    /// </summary>
    /// <remarks>
    /// One CSPRNG call fills a buffer of random bytes; a byte below 250 (25 × 10) gives a digit (its value mod 10, uniform),
    /// a byte of 250 or more is discarded (rejection sampling), and the buffer is refilled in the rare case it runs out.
    /// A call to the CSPRNG per digit (<see cref="RandomNumberGenerator.GetInt32(int)"/>) is a system call per digit.
    /// </remarks>
    public static string Generate(int length) =>
        string.Create(length, 0, static (span, _) =>
        {
            Span<byte> random = stackalloc byte[32];
            var used = random.Length;
            for (var i = 0; i < span.Length;)
            {
                if (used == random.Length)
                {
                    RandomNumberGenerator.Fill(random);
                    used = 0;
                }

                var b = random[used++];
                if (b < 250)
                {
                    span[i++] = (char)('0' + (b % 10));
                }
            }

            CryptographicOperations.ZeroMemory(random);
        });

    /// <summary>A fresh per-record nonce (the <c>t</c> claim).</summary>
    public static string NewNonce()
    {
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        return Convert.ToHexStringLower(random);
    }

    /// <summary>
    /// The nonce of a record (the <c>t</c> claim): HMAC-SHA256(key, "nonce" ‖ record id ‖ usage), 32 hex characters.
    /// Derived rather than random so that a check by contact (<see cref="IVerificationService.CheckCodeAsync"/>),
    /// which has a record id from the store but no verification id, can rebuild it; binding the usage makes a code
    /// sent for one usage a wrong code for another. Without the key it is as unpredictable as a random nonce.
    /// </summary>
    public string Nonce(Guid recordId, VerificationUsage? usage)
    {
        Span<byte> input = stackalloc byte[5 + 16 + 1];
        "nonce"u8.CopyTo(input);
        if (!recordId.TryWriteBytes(input[5..]))
        {
            throw new InvalidOperationException("A Guid always fits in 16 bytes.");
        }

        input[^1] = (byte)(usage is { } u ? (int)u : 0);
        Span<byte> mac = stackalloc byte[HashLength];
        HMACSHA256.HashData(key, input, mac);
        return Convert.ToHexStringLower(mac[..16]);
    }

    /// <summary>HMAC-SHA256(key, record id ‖ nonce ‖ code).</summary>
    public byte[] Hash(Guid recordId, string nonce, ReadOnlySpan<char> code)
    {
        // 16 bytes of id, the ASCII nonce (32 hex characters) and at most 10 digits.
        Span<byte> input = stackalloc byte[16 + 64 + MaxCodeLength];
        if (!recordId.TryWriteBytes(input))
        {
            throw new InvalidOperationException("A Guid always fits in 16 bytes.");
        }

        var written = 16;
        written += Encoding.ASCII.GetBytes(nonce.AsSpan(0, Math.Min(nonce.Length, 64)), input[written..]);
        written += Encoding.ASCII.GetBytes(code[..Math.Min(code.Length, MaxCodeLength)], input[written..]);

        var hmac = _threadHmac;
        if (hmac is null || !ReferenceEquals(_threadOwner, this))
        {
            // Another hasher (another service) used this thread last: key a context for this one.
            hmac?.Dispose();
            _threadHmac = null;
            hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
            _threadHmac = hmac;
            _threadOwner = this;
        }

        var hash = new byte[HashLength];
        hmac.AppendData(input[..written]);
        if (hmac.GetHashAndReset(hash) != HashLength)
        {
            throw new CryptographicException("HMAC-SHA256 did not produce 32 bytes.");
        }

        return hash;
    }
}
