using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Verification.AspNetCore;

/// <summary>
/// Writes an answer's JSON through a per-thread buffer and <see cref="Utf8JsonWriter"/> straight into the response's
/// pipe, with its <c>Content-Length</c>: no array per answer (a send's answer is ~700 bytes, most of it the
/// <c>verification_id</c>), no reflection (the body's source-generated <see cref="JsonTypeInfo{T}"/>).
/// </summary>
/// <remarks>
/// Hand-written because <c>JsonSerializer.SerializeToUtf8Bytes</c> allocates the answer as an array and
/// <c>SerializeAsync(PipeWriter)</c> cannot give the length before the first byte (the answer would be chunked).
/// The buffer is copied into the pipe before anything is awaited, so the next answer on the thread may reuse it.
/// </remarks>
internal static class PooledJsonWriter
{
    /// <summary>A buffer that grew past this for one large answer is not kept for the thread.</summary>
    private const int KeptCapacity = 16 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    [ThreadStatic]
    private static JsonSerializerOptions? t_writerOptions;

    public static async Task WriteAsync<T>(HttpResponse response, T value, JsonTypeInfo<T> typeInfo, string contentType)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        try
        {
            var writer = WriterFor(typeInfo.Options, buffer);
            JsonSerializer.Serialize(writer, value, typeInfo);
            writer.Flush();

            response.ContentType = contentType;
            response.ContentLength = buffer.WrittenCount;
            response.Headers.CacheControl = "no-store";
            response.BodyWriter.Write(buffer.WrittenSpan);
        }
        finally
        {
            if (buffer.Capacity > KeptCapacity)
            {
                t_buffer = null; // the thread's writer is pointed at the next buffer by its Reset
            }
            else
            {
                buffer.ResetWrittenCount();
            }
        }

        await response.BodyWriter.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>The thread's writer over <paramref name="buffer"/>, made again when the answer's options differ.</summary>
    private static Utf8JsonWriter WriterFor(JsonSerializerOptions options, ArrayBufferWriter<byte> buffer)
    {
        if (t_writer is { } writer && ReferenceEquals(t_writerOptions, options))
        {
            writer.Reset(buffer);
            return writer;
        }

        // What the serializer's own writers take from its options (encoder, indentation, depth); validation is off
        // as it is there: the serializer writes well-formed JSON.
        writer = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Encoder = options.Encoder,
            Indented = options.WriteIndented,
            IndentCharacter = options.IndentCharacter,
            IndentSize = options.IndentSize,
            NewLine = options.NewLine,
            MaxDepth = options.MaxDepth,
            SkipValidation = true,
        });
        t_writer = writer;
        t_writerOptions = options;
        return writer;
    }
}
