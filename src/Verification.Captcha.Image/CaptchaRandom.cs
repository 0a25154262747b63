using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Verification.Captcha.Image;

/// <summary>
/// Random numbers for one picture, from <see cref="RandomNumberGenerator"/>. Not thread-safe: each render makes
/// its own. Bytes are fetched in blocks because a picture needs a few hundred numbers.
/// </summary>
/// <remarks>
/// A predictable generator would let an attacker who learns its state predict the distortion and strip it off,
/// so the cryptographic generator is used even for the noise.
/// </remarks>
internal sealed class CaptchaRandom
{
    private readonly byte[] _buffer = new byte[1024];
    private int _position;

    public CaptchaRandom() => Refill();

    /// <summary>A number in [0, 1).</summary>
    public float NextFloat()
    {
        if (_position + sizeof(uint) > _buffer.Length)
        {
            Refill();
        }

        var value = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(_position));
        _position += sizeof(uint);

        // 24 bits fill a float's mantissa exactly, so every result is below 1.
        return (value >> 8) / (float)(1 << 24);
    }

    /// <summary>A number in [<paramref name="min"/>, <paramref name="max"/>).</summary>
    public float Next(float min, float max) => min + ((max - min) * NextFloat());

    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>).</summary>
    public int Next(int min, int max) => Math.Min(max - 1, min + (int)((max - min) * NextFloat()));

    /// <summary>+1 or −1.</summary>
    public float NextSign() => NextFloat() < 0.5f ? -1 : 1;

    private void Refill()
    {
        RandomNumberGenerator.Fill(_buffer);
        _position = 0;
    }
}
