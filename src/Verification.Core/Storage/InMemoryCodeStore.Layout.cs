using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Verification;

/// <content>
/// How a pending record is held: inline in its table entry, with no objects of its own. A phone number's contact key
/// is packed into a number instead of keeping its string; other contact keys keep theirs.
/// </content>
public sealed partial class InMemoryCodeStore
{
    /// <summary>The bytes a 32-byte keyed hash is held in: the first half of its SHA-256.</summary>
    private const int DigestLength = CodeHasher.HashLength / 2;

    /// <summary>A pending record: its keyed hash (as a digest), expiry, contact, attempts and state (48 bytes).</summary>
    private struct Slot
    {
        public HashBytes Hash;
        public long ExpiresAt;
        public ContactRef Contact;
        public int Attempts;
        public State State;
    }

    /// <summary>
    /// A 32-byte keyed hash held as the first 16 bytes of its SHA-256, inline: half the bytes of every pending record.
    /// Matching it takes a second preimage of truncated SHA-256 (2^128 work) for any presented value, structured or not,
    /// so comparing digests decides exactly what comparing the hashes would.
    /// </summary>
    [InlineArray(DigestLength)]
    private struct HashBytes
    {
        private byte _first;
    }

    private static void Digest(ReadOnlySpan<byte> hash, Span<byte> digest)
    {
        Span<byte> full = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(hash, full);
        full[..DigestLength].CopyTo(digest);
    }

    /// <summary>
    /// A contact key as the live-record table holds it: an E.164 number (<c>+</c> and up to 18 digits, the first not 0)
    /// as the number its digits spell, which gives the digits back exactly, so no string is kept; any other key as its
    /// string. Hashes are seeded per process (<see cref="HashCode"/>), like strings', so that chosen keys cannot
    /// crowd one bucket.
    /// </summary>
    private readonly struct ContactRef : IEquatable<ContactRef>
    {
        private const int MaxPackedDigits = 18;

        private readonly string? _text;
        private readonly ulong _number;

        private ContactRef(string? text, ulong number)
        {
            _text = text;
            _number = number;
        }

        public static ContactRef Of(string contactKey) => TryPack(contactKey, out var number) ? new(null, number) : new(contactKey, 0);

        public bool Equals(ContactRef other) => _number == other._number && string.Equals(_text, other._text, StringComparison.Ordinal);

        public override bool Equals(object? obj) => obj is ContactRef other && Equals(other);

        public override int GetHashCode() => _text is null ? HashCode.Combine(_number) : _text.GetHashCode(StringComparison.Ordinal);

        private static bool TryPack(string key, out ulong number)
        {
            number = 0;
            if (key.Length < 2 || key.Length > MaxPackedDigits + 1 || key[0] != '+' || key[1] == '0')
            {
                return false;
            }

            foreach (var c in key.AsSpan(1))
            {
                if (!char.IsAsciiDigit(c))
                {
                    return false;
                }

                number = (number * 10) + (ulong)(c - '0');
            }

            return true;
        }
    }
}
