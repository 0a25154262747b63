namespace Verification.Testing;

/// <summary>
/// What <see cref="FakeSmsSender"/> and <see cref="FakeEmailSender"/> share: a thread-safe outbox of the messages
/// "sent" (nothing is delivered), the codes in them, and failures on demand.
/// </summary>
/// <remarks>
/// Messages are kept in the order they were delivered. Failed deliveries are not kept, but counted in
/// <see cref="Attempts"/> (the service retries <see cref="DeliveryFailureKind.NotProcessed"/> failures).
/// </remarks>
public abstract class FakeSender
{
    private readonly VerificationChannel _channel;
    private readonly FakeOutbox _outbox;

    private protected FakeSender(VerificationChannel channel, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        _channel = channel;
        _outbox = new FakeOutbox(channel, name);
    }

    /// <summary>The name the service logs and measures deliveries under.</summary>
    public string Name { get; }

    /// <summary>Every message delivered so far (since the last <see cref="Clear"/>), oldest first; a snapshot.</summary>
    public IReadOnlyList<VerificationMessage> Messages => _outbox.Messages;

    /// <summary>The latest delivered message, or null when none was.</summary>
    public VerificationMessage? LastMessage => _outbox.LastMessage;

    /// <summary>The code of <see cref="LastMessage"/>, or null when no message was delivered.</summary>
    public string? LastCode => LastMessage?.Code;

    /// <summary>How many times the service called this sender (since the last <see cref="Clear"/>), failed calls included.</summary>
    public int Attempts => _outbox.Attempts;

    /// <summary>The messages delivered to <paramref name="contact"/>, oldest first.</summary>
    /// <param name="contact">A phone number with its country code in any spelling (<c>"+86 155 8866 5555"</c> finds <c>+8615588665555</c>), or an email address (compared case-insensitively, the domain as punycode).</param>
    /// <returns>A snapshot; empty when none was delivered to that contact.</returns>
    public IReadOnlyList<VerificationMessage> MessagesTo(string contact) => _outbox.MessagesTo(contact);

    /// <summary>The latest message delivered to <paramref name="contact"/>, or null.</summary>
    /// <param name="contact">The phone number or email address, in any spelling.</param>
    /// <returns>The message, or null when none was delivered to that contact.</returns>
    public VerificationMessage? LastMessageTo(string contact) => _outbox.LastMessageTo(contact);

    /// <summary>The code of the latest message delivered to <paramref name="contact"/>, or null.</summary>
    /// <param name="contact">The phone number or email address, in any spelling.</param>
    /// <returns>The code, or null when no message was delivered to that contact.</returns>
    public string? LastCodeTo(string contact) => LastMessageTo(contact)?.Code;

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
    /// The first message in the outbox to <paramref name="contact"/>, waiting for one if there is none yet
    /// (see <see cref="WaitForMessageAsync"/>). Call <see cref="Clear"/> first to wait for a new one.
    /// </summary>
    /// <param name="contact">The phone number or email address, in any spelling.</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <returns>The message.</returns>
    public Task<VerificationMessage> WaitForMessageToAsync(string contact, CancellationToken cancellationToken = default)
    {
        var match = ContactMatcher.For(_channel, contact);
        return _outbox.WaitForMessageAsync(m => match(m.To), cancellationToken);
    }

    /// <summary>Forgets the delivered messages and resets <see cref="Attempts"/>; failures asked for stay in force.</summary>
    public void Clear() => _outbox.Clear();

    /// <summary>
    /// Makes the next <paramref name="times"/> deliveries fail with a <see cref="DeliveryException"/> of
    /// <paramref name="kind"/>: <see cref="DeliveryFailureKind.NotProcessed"/> is retried by the service,
    /// <see cref="DeliveryFailureKind.Permanent"/> and <see cref="DeliveryFailureKind.InvalidRecipient"/> are not
    /// and not failed over, the others fail over to the next sender. When every sender fails the send answers
    /// <c>unavailable</c> (or, for an invalid recipient, <c>invalid_phone_number</c> by SMS and <c>invalid_argument</c> by email).
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

    /// <summary>Keeps <paramref name="message"/> in the outbox, or fails as asked.</summary>
    /// <param name="message">The message the service would deliver.</param>
    /// <param name="cancellationToken">Cancels the delivery.</param>
    /// <returns>A task that completes when the message is kept.</returns>
    public ValueTask SendAsync(VerificationMessage message, CancellationToken cancellationToken = default) =>
        _outbox.SendAsync(message, cancellationToken);
}
