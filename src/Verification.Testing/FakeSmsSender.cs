namespace Verification.Testing;

/// <summary>
/// An <see cref="ISmsSender"/> for tests: it delivers nothing and keeps every message in a thread-safe outbox, so a
/// test reads the code that was "sent" (<see cref="FakeSender.LastCode"/>, <see cref="FakeSender.LastCodeTo"/>) and
/// can make deliveries fail on demand (<see cref="FakeSender.FailNext"/>). <c>.UseFakes()</c> registers one; get it
/// from the service provider, or create and register your own with <c>.AddSmsSender(sender)</c>.
/// </summary>
public sealed class FakeSmsSender : FakeSender, ISmsSender
{
    /// <summary>Creates a fake SMS sender named <c>"fake-sms"</c>.</summary>
    public FakeSmsSender()
        : this("fake-sms")
    {
    }

    /// <summary>Creates a fake SMS sender with a name of your choice (to tell two fakes apart in a failover test).</summary>
    /// <param name="name">The name the service logs and measures deliveries under.</param>
    public FakeSmsSender(string name)
        : base(VerificationChannel.Sms, name)
    {
    }
}
