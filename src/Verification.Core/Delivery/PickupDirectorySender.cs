using System.Globalization;
using System.Text.Json;

namespace Verification;

/// <summary>
/// Development sender for both channels: writes each message as one JSON file
/// (<c>channel</c>, <c>to</c>, <c>code</c>, <c>subject</c>, <c>body</c>, <c>created_at</c>) into a folder, where tests,
/// scripts and people can pick it up: a reader takes <c>code</c> instead of scanning the body. Files appear whole
/// (written aside, then moved in), as UTF-8 that stays readable in an editor or a terminal (Chinese text, quotes and
/// <c>+</c> are written as themselves, not as <c>\uXXXX</c> escapes).
/// </summary>
public sealed class PickupDirectorySender : ISmsSender, IEmailSender
{
    private readonly string _directory;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a sender writing into <paramref name="directory"/>, created when missing.</summary>
    /// <param name="directory">The pickup folder.</param>
    /// <param name="timeProvider">The clock for <c>created_at</c>; the system clock when null.</param>
    public PickupDirectorySender(string directory, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _directory = Path.GetFullPath(directory);
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The full path of the pickup folder.</summary>
    public string Directory => _directory;

    /// <inheritdoc cref="ISmsSender.Name" />
    public string Name => "pickup-directory";

    /// <inheritdoc cref="ISmsSender.SendAsync" />
    public async ValueTask SendAsync(VerificationMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var now = _timeProvider.GetUtcNow();
        var document = new PickupMessage(
            message.Channel == VerificationChannel.Sms ? "sms" : "email",
            message.To,
            message.Code,
            message.Subject,
            message.Body,
            now.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));

        try
        {
            System.IO.Directory.CreateDirectory(_directory);
            var name = $"{now:yyyyMMdd'T'HHmmssfffffff}-{Guid.NewGuid():N}";
            var temporary = Path.Combine(_directory, name + ".tmp");
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, useAsync: true))
            {
                await JsonSerializer.SerializeAsync(stream, document, PickupJsonContext.Readable.PickupMessage, cancellationToken).ConfigureAwait(false);
            }

            File.Move(temporary, Path.Combine(_directory, name + ".json"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DeliveryException(DeliveryFailureKind.Transient, $"The pickup directory '{_directory}' cannot be written: {e.Message}", e);
        }
    }
}

internal sealed record PickupMessage(
    [property: System.Text.Json.Serialization.JsonPropertyName("channel")] string Channel,
    [property: System.Text.Json.Serialization.JsonPropertyName("to")] string To,
    [property: System.Text.Json.Serialization.JsonPropertyName("code")] string Code,
    [property: System.Text.Json.Serialization.JsonPropertyName("subject")] string? Subject,
    [property: System.Text.Json.Serialization.JsonPropertyName("body")] string Body,
    [property: System.Text.Json.Serialization.JsonPropertyName("created_at")] string CreatedAt);

[System.Text.Json.Serialization.JsonSerializable(typeof(PickupMessage))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(WriteIndented = true)]
internal sealed partial class PickupJsonContext : System.Text.Json.Serialization.JsonSerializerContext
{
    /// <summary>The context with an encoder that leaves non-ASCII text and JSON-safe punctuation as they are (files, not HTML).</summary>
    public static PickupJsonContext Readable { get; } = new(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
