using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Verification;

/// <summary>
/// Writes and reads the library's four compact JWS kinds (<c>verification_id</c>, <c>verification_token</c>, captcha
/// challenge, captcha token) without a general JWT library on the hot path, and without an exception on any refusal.
/// </summary>
/// <remarks>
/// <para>The wire format is the one the JWT library wrote (same header members and order, <c>exp</c> first, the same
/// JSON escaping), so that tokens minted by either validate with the other.</para>
/// <para>Reading a token, in order, each step refusing with <see cref="TokenCheckStatus.Invalid"/> (or, for a payload
/// that a configured key signed but that is not exactly the kind's claims, <see cref="TokenCheckStatus.Malformed"/>):</para>
/// <list type="number">
/// <item>its length (empty or over <see cref="MaxTokenLength"/>), before anything else;</item>
/// <item>its header segment, compared with the precomputed segments of the kind for each configured key: this pins
/// <c>alg</c> per key, <c>typ</c> per kind and a known <c>kid</c>, and refuses any other header member
/// (<c>jku</c>, <c>x5u</c>, <c>jwk</c>, <c>x5c</c>, <c>crit</c>, …) before any parsing;</item>
/// <item>strict base64url (no padding, canonical trailing bits) and the key's exact signature length;</item>
/// <item>the signature, with the key's primitive;</item>
/// <item>the payload, read once with <see cref="Utf8JsonReader"/>: one JSON object holding only the claims of the kind,
/// each once and of its type (strings; <c>exp</c> and <c>nbf</c> integers within the calendar), <c>pj</c> equal
/// to this project (else <see cref="TokenCheckStatus.Invalid"/>), the record id a GUID, the usage a known wire
/// name, the strings non-empty;</item>
/// <item><c>nbf</c> later than now plus the skew refuses; <c>exp</c> plus the skew at or before now is
/// <see cref="TokenCheckStatus.Expired"/>.</item>
/// </list>
/// </remarks>
internal sealed class TokenCodec
{
    /// <summary>Tokens longer than this are refused before parsing.</summary>
    public const int MaxTokenLength = 2048;

    /// <summary>The <c>typ</c> of each kind, indexed by <see cref="TokenKind"/>.</summary>
    internal static readonly string[] Types =
    [
        TokenService.VerificationIdType, TokenService.VerificationTokenType, TokenService.CaptchaChallengeType, TokenService.CaptchaTokenType,
    ];

    // Seconds from the Unix epoch to 9999-12-31T23:59:59Z, the last instant a DateTimeOffset holds.
    private const long MaxUnixSeconds = 253_402_300_799;

    private static readonly SearchValues<char> Base64UrlAlphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly JsonEncodedText E = JsonEncodedText.Encode("e"u8);
    private static readonly JsonEncodedText Exp = JsonEncodedText.Encode("exp"u8);
    private static readonly JsonEncodedText Jti = JsonEncodedText.Encode("jti"u8);
    private static readonly JsonEncodedText Kid = JsonEncodedText.Encode("kid"u8);
    private static readonly JsonEncodedText Pj = JsonEncodedText.Encode("pj"u8);
    private static readonly JsonEncodedText T = JsonEncodedText.Encode("t"u8);
    private static readonly JsonEncodedText U = JsonEncodedText.Encode("u"u8);

    // The wire name of every usage, from the one table of wire names.
    private static readonly (JsonEncodedText Name, VerificationUsage Usage)[] Usages =
        [.. Enum.GetValues<VerificationUsage>().Select(u => (JsonEncodedText.Encode(WireNames.Of(u), JavaScriptEncoder.UnsafeRelaxedJsonEscaping), u))];

    // The claims each kind must have and may have, indexed by TokenKind. nbf is not written but honoured, as before.
    private static readonly Claim[] Required =
    [
        Claim.E | Claim.Exp | Claim.Kid | Claim.Pj | Claim.T,
        Claim.E | Claim.Exp | Claim.Jti | Claim.Pj,
        Claim.Exp | Claim.Kid | Claim.Pj | Claim.T,
        Claim.Exp | Claim.Jti | Claim.Pj,
    ];

    private static readonly Claim[] Optional = [Claim.U | Claim.Nbf, Claim.U | Claim.Nbf, Claim.Nbf, Claim.Nbf];

    // The payload of the token being written: one buffer and one writer per thread, reused.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _threadBuffer;

    [ThreadStatic]
    private static Utf8JsonWriter? _threadWriter;

    private readonly TokenKey[] _keys;
    private readonly JsonEncodedText _project;
    private readonly long _skewTicks;

    /// <param name="keys">The key ring: its first key signs, all of them validate.</param>
    /// <param name="projectId">The <c>pj</c> claim written and required.</param>
    /// <param name="clockSkew">Tolerated clock difference for <c>exp</c> and <c>nbf</c> (0 to 30 seconds).</param>
    public TokenCodec(SigningKeyRing keys, string projectId, TimeSpan clockSkew)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clockSkew, TimeSpan.Zero);
        _keys = [.. keys.ValidationKeys.Select(k => TokenKey.Create(keys.Algorithm, k))];
        _project = JsonEncodedText.Encode(projectId, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        _skewTicks = clockSkew.Ticks;
    }

    [Flags]
    private enum Claim
    {
        None = 0,
        E = 1,
        Exp = 2,
        Kid = 4,
        Pj = 8,
        T = 16,
        U = 32,
        Jti = 64,
        Nbf = 128,
    }

    /// <summary>A <c>verification_id</c>: claims <c>exp</c>, <c>e</c>, <c>kid</c> (the record), <c>pj</c>, <c>t</c>, and <c>u</c> when a usage is given.</summary>
    public string CreateVerificationId(Guid recordId, string nonce, string contact, VerificationUsage? usage, DateTimeOffset expiresAt)
    {
        var writer = StartPayload(expiresAt);
        writer.WriteString(E, contact);
        writer.WriteString(Kid, recordId);
        writer.WriteString(Pj, _project);
        writer.WriteString(T, nonce);
        WriteUsage(writer, usage);
        return Finish(TokenKind.VerificationId, writer);
    }

    /// <summary>A <c>verification_token</c>: claims <c>exp</c>, <c>e</c>, <c>jti</c>, <c>pj</c>, and <c>u</c> when a usage is given.</summary>
    public string CreateVerificationToken(string tokenId, string contact, VerificationUsage? usage, DateTimeOffset expiresAt)
    {
        var writer = StartPayload(expiresAt);
        writer.WriteString(E, contact);
        writer.WriteString(Jti, tokenId);
        writer.WriteString(Pj, _project);
        WriteUsage(writer, usage);
        return Finish(TokenKind.VerificationToken, writer);
    }

    /// <summary>An image-captcha challenge: claims <c>exp</c>, <c>kid</c> (the challenge record), <c>pj</c>, <c>t</c>.</summary>
    public string CreateCaptchaChallenge(Guid challengeId, string nonce, DateTimeOffset expiresAt)
    {
        var writer = StartPayload(expiresAt);
        writer.WriteString(Kid, challengeId);
        writer.WriteString(Pj, _project);
        writer.WriteString(T, nonce);
        return Finish(TokenKind.CaptchaChallenge, writer);
    }

    /// <summary>A single-use captcha token: claims <c>exp</c>, <c>jti</c>, <c>pj</c>.</summary>
    public string CreateCaptchaToken(string tokenId, DateTimeOffset expiresAt)
    {
        var writer = StartPayload(expiresAt);
        writer.WriteString(Jti, tokenId);
        writer.WriteString(Pj, _project);
        return Finish(TokenKind.CaptchaToken, writer);
    }

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

    private static Utf8JsonWriter StartPayload(DateTimeOffset expiresAt)
    {
        var buffer = _threadBuffer ??= new ArrayBufferWriter<byte>(512);
        buffer.ResetWrittenCount();
        var writer = _threadWriter ??= new Utf8JsonWriter(buffer, WriterOptions);
        writer.Reset(buffer);
        writer.WriteStartObject();
        writer.WriteNumber(Exp, expiresAt.ToUnixTimeSeconds());
        return writer;
    }

    private static void WriteUsage(Utf8JsonWriter writer, VerificationUsage? usage)
    {
        if (usage is not { } u)
        {
            return;
        }

        foreach (var (name, value) in Usages)
        {
            if (value == u)
            {
                writer.WriteString(U, name);
                return;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(usage), usage, null);
    }

    private string Finish(TokenKind kind, Utf8JsonWriter writer)
    {
        writer.WriteEndObject();
        writer.Flush();
        var json = _threadBuffer!.WrittenSpan;

        var key = _keys[0];
        var header = key.HeaderBytesOf(kind);
        var inputLength = header.Length + 1 + Base64Url.GetEncodedLength(json.Length);
        var tokenLength = inputLength + 1 + key.EncodedSignatureLength;
        var rented = ArrayPool<byte>.Shared.Rent(tokenLength + key.SignatureLength);
        try
        {
            var buffer = rented.AsSpan();
            header.CopyTo(buffer);
            buffer[header.Length] = (byte)'.';
            Base64Url.EncodeToUtf8(json, buffer[(header.Length + 1)..inputLength]);
            var signature = buffer.Slice(tokenLength, key.SignatureLength);
            key.Sign(buffer[..inputLength], signature);
            buffer[inputLength] = (byte)'.';
            Base64Url.EncodeToUtf8(signature, buffer[(inputLength + 1)..tokenLength]);
            return Encoding.ASCII.GetString(buffer[..tokenLength]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

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
