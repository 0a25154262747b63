namespace Verification;

/// <summary>
/// An <see cref="IEmailSender"/> for tests: it delivers nothing and keeps every message in a thread-safe outbox, so a
/// test reads the code that was "sent" (<see cref="LastCode"/>, <see cref="LastCodeTo"/>) and can make deliveries
/// fail on demand (<see cref="FailNext(DeliveryFailureKind, int)"/>). <c>.UseFakes()</c> registers one; get it
/// from the service provider, or create and register your own with <c>.AddEmailSender(sender)</c>.
/// </summary>
/// <remarks>
/// Messages are kept in the order they were delivered. Failed deliveries are not kept, but counted in
/// <see cref="Attempts"/> (the service retries <see cref="DeliveryFailureKind.NotProcessed"/> failures).
/// </remarks>
public sealed class FakeEmailSender : IEmailSender
{
    private readonly FakeOutbox _outbox;

    /// <summary>Creates a fake email sender named <c>"fake-email"</c>.</summary>
    public FakeEmailSender()
        : this("fake-email")
    {
    }

    /// <summary>Creates a fake email sender with a name of your choice (to tell two fakes apart in a failover test).</summary>
    /// <param name="name">The name the service logs and measures deliveries under.</param>
    public FakeEmailSender(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        _outbox = new FakeOutbox(VerificationChannel.Email, name);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Every message delivered so far (since the last <see cref="Clear"/>), oldest first; a snapshot.</summary>
    public IReadOnlyList<VerificationMessage> Messages => _outbox.Messages;

    /// <summary>The latest delivered message, or null when none was.</summary>
    public VerificationMessage? LastMessage => _outbox.LastMessage;

    /// <summary>The code of <see cref="LastMessage"/>, or null when no message was delivered.</summary>
    public string? LastCode => LastMessage?.Code;

    /// <summary>How many times the service called this sender (since the last <see cref="Clear"/>), failed calls included.</summary>
    public int Attempts => _outbox.Attempts;

    /// <summary>The messages delivered to <paramref name="email"/>, oldest first.</summary>
    /// <param name="email">The address; the domain compares as punycode and the address case-insensitively.</param>
    /// <returns>A snapshot; empty when none was delivered to that address.</returns>
    public IReadOnlyList<VerificationMessage> MessagesTo(string email) => _outbox.MessagesTo(email);

    /// <summary>The latest message delivered to <paramref name="email"/>, or null.</summary>
    /// <param name="email">The address, compared case-insensitively.</param>
    /// <returns>The message, or null when none was delivered to that address.</returns>
    public VerificationMessage? LastMessageTo(string email) => _outbox.LastMessageTo(email);

    /// <summary>The code of the latest message delivered to <paramref name="email"/>, or null.</summary>
    /// <param name="email">The address, compared case-insensitively.</param>
    /// <returns>The code, or null when no message was delivered to that address.</returns>
    public string? LastCodeTo(string email) => LastMessageTo(email)?.Code;

    /// <summary>
    /// The first message in the outbox that matches <paramref name="predicate"/>, waiting for one to be delivered if
    /// there is none yet. For code that sends in the background; it never reads the clock, so give it a
    /// <paramref name="cancellationToken"/> that ends the wait (for example the test's own token).
    /// </summary>
    /// <param name="predicate">Which message to wait for; any message when null.</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <returns>The message.</returns>
    public Task<VerificationMessage> WaitForMessageAsync(Func<VerificationMessage, bool>? predicate = null, CancellationToken cancellationToken = default) =>
        _outbox.WaitForMessageAsync(predicate, cancellationToken);

    /// <summary>
    /// The first message in the outbox to <paramref name="email"/>, waiting for one if there is none yet
    /// (see <see cref="WaitForMessageAsync"/>). Call <see cref="Clear"/> first to wait for a new one.
    /// </summary>
    /// <param name="email">The address, compared case-insensitively.</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <returns>The message.</returns>
    public Task<VerificationMessage> WaitForMessageToAsync(string email, CancellationToken cancellationToken = default)
    {
        var match = ContactMatcher.For(VerificationChannel.Email, email);
        return _outbox.WaitForMessageAsync(m => match(m.To), cancellationToken);
    }

    /// <summary>Forgets the delivered messages and resets <see cref="Attempts"/>; failures asked for stay in force.</summary>
    public void Clear() => _outbox.Clear();

    /// <summary>
    /// Makes the next <paramref name="times"/> deliveries fail with a <see cref="DeliveryException"/> of
    /// <paramref name="kind"/>: <see cref="DeliveryFailureKind.NotProcessed"/> is retried by the service,
    /// <see cref="DeliveryFailureKind.Permanent"/> and <see cref="DeliveryFailureKind.InvalidRecipient"/> are not
    /// and not failed over, the others fail over to the next sender. When every sender fails the send answers
    /// <c>unavailable</c> (or <c>invalid_argument</c> for an invalid recipient).
    /// </summary>
    /// <param name="kind">How the deliveries fail.</param>
    /// <param name="times">How many deliveries fail; the ones after deliver again.</param>
    public void FailNext(DeliveryFailureKind kind, int times = 1) => _outbox.FailNext(_outbox.DeliveryFailure(kind), times);

    /// <summary>Makes the next <paramref name="times"/> deliveries throw <paramref name="exception"/> (an unexpected error of a provider client).</summary>
    /// <param name="exception">What the deliveries throw.</param>
    /// <param name="times">How many deliveries throw.</param>
    public void ThrowNext(Exception exception, int times = 1)
    {
        ArgumentNullException.ThrowIfNull(exception);
        _outbox.FailNext(() => exception, times);
    }

    /// <summary>Makes every delivery fail with a <see cref="DeliveryException"/> of <paramref name="kind"/> until <see cref="StopFailing"/>.</summary>
    /// <param name="kind">How the deliveries fail.</param>
    public void FailAlways(DeliveryFailureKind kind) => _outbox.FailAlways(_outbox.DeliveryFailure(kind));

    /// <summary>Cancels the failures asked for: deliveries succeed again.</summary>
    public void StopFailing() => _outbox.StopFailing();

    /// <inheritdoc />
    public ValueTask SendAsync(VerificationMessage message, CancellationToken cancellationToken = default) =>
        _outbox.SendAsync(message, cancellationToken);
}
