using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Verification;

// The reading half of TokenCodec: the checks in the order listed in the remarks of TokenCodec.cs.
internal sealed partial class TokenCodec
{
    // Seconds from the Unix epoch to 9999-12-31T23:59:59Z, the last instant a DateTimeOffset holds.
    private const long MaxUnixSeconds = 253_402_300_799;

    private static readonly SearchValues<char> Base64UrlAlphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    // The claims each kind must have and may have, indexed by TokenKind. nbf is not written but honoured, as before.
    private static readonly Claim[] Required =
    [
        Claim.E | Claim.Exp | Claim.Kid | Claim.Pj | Claim.T,
        Claim.E | Claim.Exp | Claim.Jti | Claim.Pj,
        Claim.Exp | Claim.Kid | Claim.Pj | Claim.T,
        Claim.Exp | Claim.Jti | Claim.Pj,
    ];

    private static readonly Claim[] Optional = [Claim.U | Claim.Nbf, Claim.U | Claim.Nbf, Claim.Nbf, Claim.Nbf];

    /// <summary>Checks <paramref name="token"/> as a token of <paramref name="kind"/> at <paramref name="now"/>; never throws.</summary>
    /// <param name="token">The token as received.</param>
    /// <param name="kind">The only kind accepted.</param>
    /// <param name="now">The engine's clock.</param>
    /// <param name="payload">The claims, when valid or expired; default otherwise.</param>
    public TokenCheckStatus Read(string? token, TokenKind kind, DateTimeOffset now, out TokenPayload payload)
    {
        payload = default;
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return TokenCheckStatus.Invalid;
        }

        var text = token.AsSpan();
        var headerEnd = text.IndexOf('.');
        var key = headerEnd > 0 ? FindKey(text[..headerEnd], kind) : null;
        if (key is null)
        {
            return TokenCheckStatus.Invalid;
        }

        var rest = text[(headerEnd + 1)..];
        var payloadEnd = rest.IndexOf('.');
        if (payloadEnd <= 0)
        {
            return TokenCheckStatus.Invalid;
        }

        var encodedPayload = rest[..payloadEnd];
        var encodedSignature = rest[(payloadEnd + 1)..];
        if (encodedSignature.Length != key.EncodedSignatureLength || !IsBase64Url(encodedSignature) || !IsBase64Url(encodedPayload))
        {
            return TokenCheckStatus.Invalid;
        }

        // The signing input as ASCII: the key's header bytes, '.', the payload segment (checked to be base64url).
        // Both lengths are bounded by the token's, at most MaxTokenLength bytes on the stack.
        var header = key.HeaderBytesOf(kind);
        Span<byte> input = stackalloc byte[header.Length + 1 + encodedPayload.Length];
        header.CopyTo(input);
        input[header.Length] = (byte)'.';
        var payloadBytes = input.Slice(header.Length + 1, encodedPayload.Length);
        if (Ascii.FromUtf16(encodedPayload, payloadBytes, out _) != OperationStatus.Done)
        {
            return TokenCheckStatus.Invalid;
        }

        Span<byte> signature = stackalloc byte[key.SignatureLength];
        if (Base64Url.DecodeFromChars(encodedSignature, signature, out _, out var signatureLength) != OperationStatus.Done
            || signatureLength != signature.Length
            || !key.Verify(input, signature))
        {
            return TokenCheckStatus.Invalid;
        }

        // Only now, signed by a configured key, is the payload decoded (in place; it was checked to be base64url) and read.
        return ReadPayload(payloadBytes[..Base64Url.DecodeFromUtf8InPlace(payloadBytes)], kind, now, out payload);
    }

    /// <summary>
    /// Strict base64url: only its 64 characters, no padding, no impossible length, and canonical (the unused bits of
    /// the last character zero), so that one signature has exactly one spelling.
    /// </summary>
    internal static bool IsBase64Url(ReadOnlySpan<char> text)
    {
        if (text.Length % 4 == 1 || text.ContainsAnyExcept(Base64UrlAlphabet))
        {
            return false;
        }

        var unusedBits = (text.Length % 4) switch { 2 => 0b1111, 3 => 0b11, _ => 0 };
        return unusedBits == 0 || (Sextet(text[^1]) & unusedBits) == 0;
    }

    private static int Sextet(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '-' => 62,
        _ => 63,
    };

    private TokenKey? FindKey(ReadOnlySpan<char> header, TokenKind kind)
    {
        foreach (var key in _keys)
        {
            if (header.SequenceEqual(key.HeaderOf(kind)))
            {
                return key;
            }
        }

        return null;
    }

    private TokenCheckStatus ReadPayload(ReadOnlySpan<byte> json, TokenKind kind, DateTimeOffset now, out TokenPayload payload)
    {
        payload = default;
        var allowed = Required[(int)kind] | Optional[(int)kind];
        var seen = Claim.None;
        string? contact = null, nonce = null, tokenId = null;
        var recordId = Guid.Empty;
        VerificationUsage? usage = null;
        long expires = 0, notBefore = 0;

        // Only a payload signed by a configured key gets here: anything wrong with it but its project and its nbf is
        // Malformed (a key holder signed what the library never writes). Malformed JSON is the one case where the
        // reader throws, so it is caught here; no token without the key reaches it.
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return TokenCheckStatus.Malformed;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var claim = ClaimOf(ref reader);
                if ((claim & allowed) == 0 || (claim & seen) != 0 || !reader.Read())
                {
                    return TokenCheckStatus.Malformed;
                }

                seen |= claim;
                var ok = claim switch
                {
                    Claim.Exp => TryReadSeconds(ref reader, out expires),
                    Claim.Nbf => TryReadSeconds(ref reader, out notBefore),
                    Claim.Pj => reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(_project.EncodedUtf8Bytes),
                    Claim.Kid => TryReadGuid(ref reader, out recordId),
                    Claim.U => TryReadUsage(ref reader, out usage),
                    Claim.E => TryReadText(ref reader, out contact),
                    Claim.T => TryReadText(ref reader, out nonce),
                    _ => TryReadText(ref reader, out tokenId),
                };
                if (!ok)
                {
                    // Another project's pj is another project's token, not a malformed one of ours.
                    return claim == Claim.Pj ? TokenCheckStatus.Invalid : TokenCheckStatus.Malformed;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return TokenCheckStatus.Malformed;
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return TokenCheckStatus.Malformed;
        }

        var required = Required[(int)kind];
        if ((seen & required) != required)
        {
            return (seen & Claim.Pj) == 0 ? TokenCheckStatus.Invalid : TokenCheckStatus.Malformed;
        }

        // exp plus the skew must still be a date (so that nothing downstream overflows); nbf must have come.
        var expiresTicks = DateTimeOffset.UnixEpoch.UtcTicks + (expires * TimeSpan.TicksPerSecond);
        if (expiresTicks > DateTimeOffset.MaxValue.UtcTicks - _skewTicks)
        {
            return TokenCheckStatus.Malformed;
        }

        if ((seen & Claim.Nbf) != 0 && DateTimeOffset.UnixEpoch.UtcTicks + (notBefore * TimeSpan.TicksPerSecond) - _skewTicks > now.UtcTicks)
        {
            return TokenCheckStatus.Invalid;
        }

        payload = new TokenPayload(contact, recordId, nonce, tokenId, usage, new DateTimeOffset(expiresTicks, TimeSpan.Zero));
        return expiresTicks + _skewTicks <= now.UtcTicks ? TokenCheckStatus.Expired : TokenCheckStatus.Valid;
    }

    private static Claim ClaimOf(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals(E.EncodedUtf8Bytes) ? Claim.E
        : reader.ValueTextEquals(Exp.EncodedUtf8Bytes) ? Claim.Exp
        : reader.ValueTextEquals(Kid.EncodedUtf8Bytes) ? Claim.Kid
        : reader.ValueTextEquals(Pj.EncodedUtf8Bytes) ? Claim.Pj
        : reader.ValueTextEquals(T.EncodedUtf8Bytes) ? Claim.T
        : reader.ValueTextEquals(U.EncodedUtf8Bytes) ? Claim.U
        : reader.ValueTextEquals(Jti.EncodedUtf8Bytes) ? Claim.Jti
        : reader.ValueTextEquals("nbf"u8) ? Claim.Nbf
        : Claim.None;

    /// <summary>An integer number of seconds since the Unix epoch, 1970 to 9999.</summary>
    private static bool TryReadSeconds(ref Utf8JsonReader reader, out long seconds)
    {
        seconds = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out seconds) && seconds is >= 0 and <= MaxUnixSeconds;
    }

    private static bool TryReadText(ref Utf8JsonReader reader, out string? value)
    {
        value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return !string.IsNullOrEmpty(value);
    }

    /// <summary>A GUID in the "D" form (8-4-4-4-12 hex digits), as written.</summary>
    private static bool TryReadGuid(ref Utf8JsonReader reader, out Guid value)
    {
        value = Guid.Empty;
        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        if (!reader.ValueIsEscaped)
        {
            return Utf8Parser.TryParse(reader.ValueSpan, out value, out var consumed, 'D') && consumed == reader.ValueSpan.Length;
        }

        return Guid.TryParseExact(reader.GetString(), "D", out value);
    }

    private static bool TryReadUsage(ref Utf8JsonReader reader, out VerificationUsage? usage)
    {
        usage = null;
        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        foreach (var (name, value) in Usages)
        {
            if (reader.ValueTextEquals(name.EncodedUtf8Bytes))
            {
                usage = value;
                return true;
            }
        }

        return false;
    }
}
