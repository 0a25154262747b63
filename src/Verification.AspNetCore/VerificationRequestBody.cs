using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Verification.AspNetCore;

/// <summary>
/// Reads a request body as the library's endpoints do, whatever its <c>Content-Type</c> (the CloudBase client posts
/// <c>text/plain</c>): at most <see cref="VerificationEndpointOptions.MaxRequestBodySize"/> bytes of UTF-8 JSON, one
/// object, unknown properties skipped. Every failure is an <c>invalid_argument</c> naming the offending field (or
/// <c>body</c>), ready for <see cref="VerificationHttpResults.Error(VerificationError)"/>.
/// </summary>
public static class VerificationRequestBody
{
    /// <summary>Reads and deserializes the body of <paramref name="request"/>.</summary>
    /// <typeparam name="T">The body type, for example <see cref="SendVerificationBody"/>.</typeparam>
    /// <param name="request">The request.</param>
    /// <param name="typeInfo">Its JSON metadata, for example <c>VerificationJsonContext.Default.SendVerificationBody</c> or one of the app's own context.</param>
    /// <param name="cancellationToken">Cancels reading.</param>
    /// <returns>The body, or an <c>invalid_argument</c> error.</returns>
    public static async ValueTask<VerificationResult<T>> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(typeInfo);
        const int max = VerificationEndpointOptions.MaxRequestBodySize;
        if (request.ContentLength > max)
        {
            return TooLarge();
        }

        var buffer = ArrayPool<byte>.Shared.Rent(max + 1);
        try
        {
            var length = 0;
            try
            {
                while (length <= max)
                {
                    var read = await request.Body.ReadAsync(buffer.AsMemory(length, max + 1 - length), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    length += read;
                }
            }
            catch (BadHttpRequestException)
            {
                // The server could not read the body (it ended before its Content-Length, or its chunking was
                // broken): the request's fault, answered as one, never as a 500.
                return Malformed("The request body ended early or could not be read.");
            }

            if (length > max)
            {
                return TooLarge();
            }

            if (length == 0)
            {
                return Invalid(WireFields.Body, VerificationErrorReasons.Missing, "The request body must be a JSON object.");
            }

            return Parse(buffer.AsSpan(0, length), typeInfo);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    internal static VerificationResult<T> Parse<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        // A leading UTF-8 byte order mark is ignored (RFC 8259 §8.1), as System.Text.Json's own readers of streams do.
        if (json.StartsWith("\uFEFF"u8))
        {
            json = json[3..];
        }

        try
        {
            return JsonSerializer.Deserialize(json, typeInfo) is { } value
                ? value
                : Malformed("The request body must be a JSON object.");
        }
        catch (JsonException e) when (e.InnerException is not JsonException && KnownField(e.Path, typeInfo) is { } field
            && (e.InnerException is null || !HoldsString(json, field)))
        {
            // The serializer's refusals of a member, rather than of the JSON text: a duplicate, or a value of the wrong
            // type (a string whose text is broken, such as a lone surrogate, is the body's fault).
            return Invalid(field, VerificationErrorReasons.Malformed, $"{field} must be a string, given once.");
        }
        catch (JsonException e) when (e.InnerException is null && e.Path == "$")
        {
            return Malformed("The request body must be one JSON object.");
        }
        catch (JsonException)
        {
            return Malformed("The request body is not valid JSON (UTF-8, at most 16 levels deep).");
        }
        catch (InvalidOperationException)
        {
            // Invalid UTF-8 or escapes inside a string.
            return Malformed("The request body is not valid JSON text.");
        }
    }

    /// <summary>Whether the first value of the top-level property <paramref name="field"/> is a string or null.</summary>
    private static bool HoldsString(ReadOnlySpan<byte> json, string field)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
        try
        {
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var match = reader.ValueTextEquals(field);
                reader.Read();
                if (match)
                {
                    return reader.TokenType is JsonTokenType.String or JsonTokenType.Null;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }

        return true;
    }

    /// <summary>The wire name of a member of <typeparamref name="T"/> when <paramref name="path"/> is <c>$.name</c>.</summary>
    private static string? KnownField<T>(string? path, JsonTypeInfo<T> typeInfo)
    {
        if (path is null || !path.StartsWith("$.", StringComparison.Ordinal))
        {
            return null;
        }

        var name = path[2..];
        foreach (var property in typeInfo.Properties)
        {
            if (property.Name == name)
            {
                return property.Name;
            }
        }

        return null;
    }

    private static VerificationError TooLarge() =>
        Invalid(WireFields.Body, VerificationErrorReasons.TooLong, $"The request body is larger than {VerificationEndpointOptions.MaxRequestBodySize} bytes.");

    private static VerificationError Malformed(string description) =>
        Invalid(WireFields.Body, VerificationErrorReasons.Malformed, description);

    internal static VerificationError Invalid(string field, string reason, string description) =>
        new(VerificationErrorCodes.InvalidArgument, description) { Field = field, Reason = reason };
}
