using System.Text.Json;

namespace Verification.TestUtilities;

/// <summary>
/// A fresh folder under the temporary directory for the pickup-directory sender, not created until something writes to
/// it, deleted with everything in it on <see cref="Dispose"/>; reads back the JSON files written there.
/// </summary>
public sealed class PickupFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"verification-tests-{Guid.NewGuid():N}");

    /// <summary>Whether any file has been written (the folder may not exist at all).</summary>
    public bool HasFiles => Directory.Exists(Path) && Directory.EnumerateFiles(Path).Any();

    /// <summary>The <c>*.json</c> files of the folder, each read as the documented fields of one message.</summary>
    public IReadOnlyList<PickupFile> ReadFiles() =>
        Directory.GetFiles(Path, "*.json")
            .Select(f =>
            {
                using var json = JsonDocument.Parse(File.ReadAllText(f));
                var root = json.RootElement;
                return new PickupFile(
                    root.GetProperty("channel").GetString()!,
                    root.GetProperty("to").GetString()!,
                    root.GetProperty("subject").GetString(),
                    root.GetProperty("body").GetString()!,
                    root.GetProperty("created_at").GetString()!);
            })
            .ToList();

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}

/// <summary>One message as the pickup-directory sender wrote it.</summary>
public sealed record PickupFile(string Channel, string To, string? Subject, string Body, string CreatedAt);
