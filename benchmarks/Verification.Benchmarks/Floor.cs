using System.Security.Cryptography;
using System.Text;

namespace Verification.Benchmarks;

/// <summary>
/// The unavoidable work of one send and one verify, done by hand with the same primitives and keys as the service:
/// a code from the CSPRNG, a nonce, an HMAC-SHA256 of id, nonce and code, a dictionary insert (send) or remove
/// (verify), and a raw signature (send: the verification_id; verify: checking the verification_id and signing the
/// verification_token) over as many bytes as the service's real tokens sign.
/// </summary>
internal sealed class Floor
{
    private const int Live = 65_536;

    private readonly Keys _keys;
    private readonly string _algorithm;
    private readonly byte[] _idSigningInput;
    private readonly byte[] _idSignature;
    private readonly byte[] _tokenSigningInput;
    private readonly Dictionary<Guid, byte[]> _store = new(Live);
    private readonly Guid[] _ring = new Guid[Live];
    private readonly Lock _gate = new();
    private long _sent;

    /// <param name="keys">The keys the service uses.</param>
    /// <param name="algorithm">RS256, ES256 or HS256.</param>
    /// <param name="verificationId">A real verification_id of the service (its signed bytes are signed again here).</param>
    /// <param name="verificationToken">A real verification_token of the service.</param>
    public Floor(Keys keys, string algorithm, string verificationId, string verificationToken)
    {
        _keys = keys;
        _algorithm = algorithm;
        _idSigningInput = Jwt.SigningInput(verificationId);
        _idSignature = Jwt.Signature(verificationId);
        _tokenSigningInput = Jwt.SigningInput(verificationToken);
        if (!keys.Verify(algorithm, _idSigningInput, _idSignature))
        {
            throw new InvalidOperationException("The floor's keys are not the service's keys.");
        }
    }

    public int IdSigningInputLength => _idSigningInput.Length;

    public int TokenSigningInputLength => _tokenSigningInput.Length;

    /// <summary>A pending code the floor's verify consumes.</summary>
    public readonly record struct Pending(Guid Id, byte[] Nonce, string Code);

    /// <summary>Send: code, nonce, HMAC, dictionary insert (the oldest of 65,536 removed, a steady population), signature.</summary>
    public byte[] Send() => Send(out _);

    public byte[] Send(out Pending pending)
    {
        var code = Code();
        var nonce = RandomNumberGenerator.GetBytes(16);
        var id = Guid.NewGuid();
        var hash = Hash(id, nonce, code);
        lock (_gate)
        {
            var slot = (int)(_sent++ % Live);
            if (_ring[slot] != Guid.Empty)
            {
                _store.Remove(_ring[slot]);
            }

            _ring[slot] = id;
            _store[id] = hash;
        }

        pending = new Pending(id, nonce, code);
        return _keys.Sign(_algorithm, _idSigningInput);
    }

    /// <summary>Verify: signature check of the id, HMAC of the presented code, dictionary remove and constant-time compare, signature of the token.</summary>
    public byte[] Verify(in Pending pending)
    {
        if (!_keys.Verify(_algorithm, _idSigningInput, _idSignature))
        {
            throw new InvalidOperationException("The floor's signature did not verify.");
        }

        var hash = Hash(pending.Id, pending.Nonce, pending.Code);
        bool removed;
        byte[]? stored;
        lock (_gate)
        {
            removed = _store.Remove(pending.Id, out stored);
        }

        if (!removed || !CryptographicOperations.FixedTimeEquals(stored, hash))
        {
            throw new InvalidOperationException("The floor's code did not match.");
        }

        return _keys.Sign(_algorithm, _tokenSigningInput);
    }

    /// <summary>Six digits from one CSPRNG call (bytes below 250 give a digit, mod 10, unbiased), as the service draws them.</summary>
    private static string Code() =>
        string.Create(6, 0, static (span, _) =>
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
        });

    private byte[] Hash(Guid id, byte[] nonce, string code)
    {
        Span<byte> input = stackalloc byte[16 + 16 + 10];
        id.TryWriteBytes(input);
        nonce.CopyTo(input[16..]);
        var length = 32 + Encoding.ASCII.GetBytes(code, input[32..]);
        return Hmac.Compute(_keys.HashKey, input[..length]);
    }
}
