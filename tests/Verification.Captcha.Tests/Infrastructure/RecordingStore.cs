using System.Collections.Concurrent;

namespace Verification.Captcha.Tests;

/// <summary>The in-memory store, recording every single-use mark; optionally failing them as a store that is down.</summary>
internal sealed class RecordingStore(bool down = false) : DelegatingCodeStore(new InMemoryCodeStore())
{
    private readonly ConcurrentQueue<(string Key, DateTimeOffset ExpiresAt, DateTimeOffset Now)> _marks = new();

    public IReadOnlyList<(string Key, DateTimeOffset ExpiresAt, DateTimeOffset Now)> Marks => [.. _marks];

    public override ValueTask<bool> TryUseOnceAsync(string key, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (down)
        {
            throw new TimeoutException("The store did not answer (simulated).");
        }

        _marks.Enqueue((key, expiresAt, now));
        return Inner.TryUseOnceAsync(key, expiresAt, now, cancellationToken);
    }
}
