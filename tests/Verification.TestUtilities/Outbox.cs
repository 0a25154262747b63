using System.Collections.Concurrent;

namespace Verification.TestUtilities;

/// <summary>Records every message instead of delivering it, for both channels, so a test can read the code.</summary>
public sealed class Outbox : ISmsSender, IEmailSender
{
    private readonly ConcurrentQueue<VerificationMessage> _messages = new();

    public IReadOnlyList<VerificationMessage> Messages => [.. _messages];

    public VerificationMessage Last => Messages[^1];

    public ValueTask SendAsync(VerificationMessage message, CancellationToken cancellationToken = default)
    {
        _messages.Enqueue(message);
        return ValueTask.CompletedTask;
    }
}

/// <summary>A user directory holding a fixed set of normalized contacts.</summary>
public sealed class FakeUserDirectory(params string[] contacts) : IUserDirectory
{
    private readonly ConcurrentDictionary<string, bool> _contacts = new(contacts.Select(c => KeyValuePair.Create(c, true)), StringComparer.OrdinalIgnoreCase);

    public ValueTask<bool> ExistsAsync(VerificationChannel channel, string contact, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_contacts.ContainsKey(contact));
}
