namespace Verification.Testing;

/// <summary>
/// The state shared by <see cref="FakeSmsSender"/> and <see cref="FakeEmailSender"/>: the delivered messages, the
/// waiters for messages still to come, and the failures the test asked for. One lock guards it all, so concurrent
/// sends, reads and waits see one order.
/// </summary>
internal sealed class FakeOutbox(VerificationChannel channel, string senderName)
{
    private readonly Lock _gate = new();
    private readonly List<VerificationMessage> _messages = [];

    // The recipients in the form ContactMatcher compares, computed once per message outside the lock.
    private readonly List<string> _recipients = [];
    private readonly List<Waiter> _waiters = [];
    private readonly Queue<Func<Exception>> _nextFailures = new();
    private Func<Exception>? _alwaysFail;
    private int _attempts;

    public VerificationChannel Channel { get; } = channel;

    public IReadOnlyList<VerificationMessage> Messages
    {
        get
        {
            lock (_gate)
            {
                return [.. _messages];
            }
        }
    }

    public VerificationMessage? LastMessage
    {
        get
        {
            lock (_gate)
            {
                return _messages.Count == 0 ? null : _messages[^1];
            }
        }
    }

    public int Attempts
    {
        get
        {
            lock (_gate)
            {
                return _attempts;
            }
        }
    }

    public IReadOnlyList<VerificationMessage> MessagesTo(string contact)
    {
        var wanted = ContactMatcher.Normalize(Channel, contact);
        lock (_gate)
        {
            return [.. _messages.Where((_, i) => ContactMatcher.Same(Channel, _recipients[i], wanted))];
        }
    }

    public VerificationMessage? LastMessageTo(string contact)
    {
        var wanted = ContactMatcher.Normalize(Channel, contact);
        lock (_gate)
        {
            for (var i = _messages.Count - 1; i >= 0; i--)
            {
                if (ContactMatcher.Same(Channel, _recipients[i], wanted))
                {
                    return _messages[i];
                }
            }

            return null;
        }
    }

    public ValueTask SendAsync(VerificationMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Channel != Channel)
        {
            throw new ArgumentException($"A {Channel} sender was given a {message.Channel} message.", nameof(message));
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        var recipient = ContactMatcher.Normalize(Channel, message.To);
        List<Waiter>? woken = null;
        lock (_gate)
        {
            _attempts++;
            var failure = _nextFailures.Count > 0 ? _nextFailures.Dequeue() : _alwaysFail;
            if (failure is not null)
            {
                return ValueTask.FromException(failure());
            }

            _messages.Add(message);
            _recipients.Add(recipient);
            foreach (var waiter in _waiters)
            {
                if (waiter.Predicate(message))
                {
                    (woken ??= []).Add(waiter);
                }
            }

            if (woken is not null)
            {
                _waiters.RemoveAll(woken.Contains);
            }
        }

        // Outside the lock: the waiters' continuations run asynchronously anyway, but a disposed registration must
        // never run under our lock.
        foreach (var waiter in woken ?? [])
        {
            waiter.Complete(message);
        }

        return ValueTask.CompletedTask;
    }

    public Task<VerificationMessage> WaitForMessageAsync(Func<VerificationMessage, bool>? predicate, CancellationToken cancellationToken)
    {
        predicate ??= static _ => true;
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<VerificationMessage>(cancellationToken);
        }

        Waiter waiter;
        lock (_gate)
        {
            foreach (var message in _messages)
            {
                if (predicate(message))
                {
                    return Task.FromResult(message);
                }
            }

            waiter = new Waiter(predicate);
            _waiters.Add(waiter);
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiter.Registration = cancellationToken.Register(() =>
            {
                lock (_gate)
                {
                    _waiters.Remove(waiter);
                }

                waiter.Source.TrySetCanceled(cancellationToken);
            });
        }

        return waiter.Source.Task;
    }

    public void Clear()
    {
        lock (_gate)
        {
            _messages.Clear();
            _recipients.Clear();
            _attempts = 0;
        }
    }

    public void FailNext(Func<Exception> failure, int times)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(times);
        lock (_gate)
        {
            for (var i = 0; i < times; i++)
            {
                _nextFailures.Enqueue(failure);
            }
        }
    }

    public void FailAlways(Func<Exception> failure)
    {
        lock (_gate)
        {
            _alwaysFail = failure;
        }
    }

    public void StopFailing()
    {
        lock (_gate)
        {
            _nextFailures.Clear();
            _alwaysFail = null;
        }
    }

    public Func<Exception> DeliveryFailure(DeliveryFailureKind kind)
    {
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a DeliveryFailureKind.");
        }

        return () => new DeliveryException(kind, $"The fake sender '{senderName}' was told to fail ({kind}).");
    }

    private sealed class Waiter(Func<VerificationMessage, bool> predicate)
    {
        public Func<VerificationMessage, bool> Predicate { get; } = predicate;

        public TaskCompletionSource<VerificationMessage> Source { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Registration { get; set; }

        public void Complete(VerificationMessage message)
        {
            Registration.Dispose();
            Source.TrySetResult(message);
        }
    }
}
