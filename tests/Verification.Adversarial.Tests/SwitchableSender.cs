using System.Collections.Concurrent;

namespace Verification.Adversarial.Tests;

/// <summary>An SMS sender that delivers, or fails for good while <see cref="Down"/>.</summary>
internal sealed class SwitchableSender : ISmsSender
{
    private readonly ConcurrentQueue<VerificationMessage> _messages = new();

    public string Name => "switchable";

    public bool Down { get; set; }

    public VerificationMessage Last => _messages.Last();

    public ValueTask SendAsync(VerificationMessage message, CancellationToken cancellationToken = default)
    {
        if (Down)
        {
            throw new DeliveryException(DeliveryFailureKind.Permanent, "The provider refused the message.");
        }

        _messages.Enqueue(message);
        return ValueTask.CompletedTask;
    }
}
