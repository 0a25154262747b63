using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Verification;

// The writing half of TokenCodec: the payload with Utf8JsonWriter, signed by the first key of the ring.
internal sealed partial class TokenCodec
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // The payload of the token being written: one buffer and one writer per thread, reused.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _threadBuffer;

    [ThreadStatic]
    private static Utf8JsonWriter? _threadWriter;

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
}
