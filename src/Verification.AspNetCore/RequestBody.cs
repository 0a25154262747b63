using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Verification.AspNetCore;

/// <summary>
/// Reads a small flat JSON object whatever the content type (the CloudBase client posts <c>text/plain</c>):
/// at most <see cref="VerificationEndpointOptions.MaxRequestBodySize"/> bytes, valid UTF-8, an object whose known
/// fields are strings or null; unknown fields are skipped. Every failure is an <c>invalid_argument</c>.
/// </summary>
internal static class RequestBody
{
    private const int MaxDepth = 16;

    /// <summary>Reads the body and fills <paramref name="values"/> with the string values of <paramref name="fields"/>.</summary>
    public static async ValueTask<VerificationError?> ReadAsync(HttpRequest request, string[] fields, string?[] values, CancellationToken cancellationToken)
    {
        const int max = VerificationEndpointOptions.MaxRequestBodySize;
        if (request.ContentLength > max)
        {
            return TooLarge();
        }

        var buffer = ArrayPool<byte>.Shared.Rent(max + 1);
        try
        {
            var length = 0;
            while (length <= max)
            {
                var read = await request.Body.ReadAsync(buffer.AsMemory(length, max + 1 - length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            if (length > max)
            {
                return TooLarge();
            }

            if (length == 0)
            {
                return Errors.InvalidArgument("body", VerificationErrorReasons.Missing, "The request body must be a JSON object.");
            }

            return Parse(buffer.AsSpan(0, length), fields, values);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    internal static VerificationError? Parse(ReadOnlySpan<byte> json, string[] fields, string?[] values)
    {
        // A leading UTF-8 byte order mark is ignored (RFC 8259 §8.1), as System.Text.Json's own readers of whole documents do.
        if (json.StartsWith("\uFEFF"u8))
        {
            json = json[3..];
        }

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return Malformed("The request body must be a JSON object.");
            }

            var seen = new bool[fields.Length];
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var index = IndexOf(ref reader, fields);
                reader.Read();
                if (index < 0)
                {
                    reader.Skip();
                    continue;
                }

                var field = fields[index];
                if (seen[index])
                {
                    return Errors.InvalidArgument(field, VerificationErrorReasons.Malformed, $"{field} appears more than once.");
                }

                seen[index] = true;
                switch (reader.TokenType)
                {
                    case JsonTokenType.String:
                        values[index] = reader.GetString();
                        break;
                    case JsonTokenType.Null:
                        values[index] = null;
                        break;
                    default:
                        return Errors.InvalidArgument(field, VerificationErrorReasons.Malformed, $"{field} must be a string.");
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return Malformed("The request body must be one JSON object.");
            }

            return null;
        }
        catch (JsonException)
        {
            return Malformed("The request body is not valid JSON (UTF-8, at most 16 levels deep).");
        }
        catch (InvalidOperationException)
        {
            // GetString on invalid UTF-8 or escapes.
            return Malformed("The request body is not valid JSON text.");
        }
    }

    private static int IndexOf(ref Utf8JsonReader reader, string[] fields)
    {
        for (var i = 0; i < fields.Length; i++)
        {
            if (reader.ValueTextEquals(fields[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static VerificationError TooLarge() =>
        Errors.InvalidArgument("body", VerificationErrorReasons.TooLong, $"The request body is larger than {VerificationEndpointOptions.MaxRequestBodySize} bytes.");

    private static VerificationError Malformed(string description) =>
        Errors.InvalidArgument("body", VerificationErrorReasons.Malformed, description);
}
