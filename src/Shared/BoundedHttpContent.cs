using System.Buffers;

namespace Verification.Shared;

/// <summary>
/// Reads a provider's answer with a size cap, so that a broken or hostile peer cannot make us buffer megabytes.
/// Shared source: linked into each HTTP adapter (Captcha, TencentCloud, Twilio) rather than made public API.
/// </summary>
internal static class BoundedHttpContent
{
    /// <summary>The largest answer read from a provider.</summary>
    public const int MaxResponseBytes = 64 * 1024;

    /// <summary>Reads the body, at most <see cref="MaxResponseBytes"/>; null when it is longer.</summary>
    public static async Task<byte[]?> ReadAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > MaxResponseBytes)
        {
            return null;
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = ArrayPool<byte>.Shared.Rent(MaxResponseBytes + 1);
            try
            {
                var length = 0;
                int read;
                while (length <= MaxResponseBytes
                    && (read = await stream.ReadAsync(buffer.AsMemory(length, MaxResponseBytes + 1 - length), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    length += read;
                }

                return length > MaxResponseBytes ? null : buffer.AsSpan(0, length).ToArray();
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
