using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Verification.TestUtilities;

/// <summary>
/// A sender that plays scripted steps, one per call, then delivers normally (keeps the message) once the
/// script is used up.
/// </summary>
public sealed class ScriptedSender(string name) : ISmsSender, IEmailSender
{
    private readonly ConcurrentQueue<Func<VerificationMessage, CancellationToken, ValueTask>> _script = new();
    private readonly ConcurrentQueue<VerificationMessage> _delivered = new();
    private readonly ConcurrentQueue<VerificationMessage> _attempted = new();
    private int _calls;

    public string Name => name;

    public int Calls => Volatile.Read(ref _calls);

    public IReadOnlyList<VerificationMessage> Delivered => [.. _delivered];

    /// <summary>Every message handed to the sender, whether or not it was delivered.</summary>
    public IReadOnlyList<VerificationMessage> Attempted => [.. _attempted];

    /// <summary>Set when a <see cref="ThenHang"/> step is entered.</summary>
    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ScriptedSender Then(Func<VerificationMessage, CancellationToken, ValueTask> step)
    {
        _script.Enqueue(step);
        return this;
    }

    public ScriptedSender ThenDeliver() => Then((message, _) =>
    {
        _delivered.Enqueue(message);
        return ValueTask.CompletedTask;
    });

    public ScriptedSender ThenThrow(Exception exception) => Then((_, _) => ValueTask.FromException(exception));

    /// <summary>Waits until the delivery is cancelled (by the timeout or the caller), like a provider that never answers.</summary>
    public ScriptedSender ThenHang() => Then(async (_, ct) =>
    {
        Entered.TrySetResult();
        await Task.Delay(Timeout.InfiniteTimeSpan, ct);
    });

    /// <summary>Never completes and ignores its cancellation token, like a badly written provider client.</summary>
    public ScriptedSender ThenIgnoreCancellation() => Then((_, _) =>
    {
        Entered.TrySetResult();
        return new ValueTask(new TaskCompletionSource().Task);
    });

    public async ValueTask SendAsync(VerificationMessage message, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        _attempted.Enqueue(message);
        if (_script.TryDequeue(out var step))
        {
            await step(message, cancellationToken);
            return;
        }

        _delivered.Enqueue(message);
    }
}

/// <summary>
/// An <see cref="InMemoryCodeStore"/> that records what the engine asks of it and can be switched "down"
/// (every call throws, like an unreachable Redis).
/// </summary>
public sealed class ObservableStore(InMemoryCodeStore inner) : ICodeStore, ILiveCodeStore
{
    private readonly ConcurrentQueue<(CodeRecord Record, RateCharge[] Charges, bool WaiveSoftLimits)> _saves = new();
    private readonly ConcurrentQueue<CodeRecord> _releases = new();
    private volatile bool _down;
    private Func<ValueTask>? _beforeNextSave;

    public ObservableStore()
        : this(new InMemoryCodeStore())
    {
    }

    public InMemoryCodeStore Inner => inner;

    public bool Down
    {
        get => _down;
        set => _down = value;
    }

    public IReadOnlyList<(CodeRecord Record, RateCharge[] Charges, bool WaiveSoftLimits)> Saves => [.. _saves];

    public IReadOnlyList<CodeRecord> Releases => [.. _releases];

    /// <summary>Runs once, before the next save reaches the store (another request slipping in, or a throw: the store failing at the save).</summary>
    public Func<ValueTask>? BeforeNextSave
    {
        get => Volatile.Read(ref _beforeNextSave);
        set => Volatile.Write(ref _beforeNextSave, value);
    }

    public async ValueTask<SaveOutcome> SaveAsync(CodeRecord record, IReadOnlyList<RateCharge> charges, bool waiveSoftLimits, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ThrowIfDown();
        cancellationToken.ThrowIfCancellationRequested(); // as a networked store does
        if (Interlocked.Exchange(ref _beforeNextSave, null) is { } before)
        {
            await before();
        }

        _saves.Enqueue((record, [.. charges], waiveSoftLimits));
        return await inner.SaveAsync(record, charges, waiveSoftLimits, now, cancellationToken);
    }

    public ValueTask<IReadOnlyList<RateCounter>> ReadCountersAsync(IReadOnlyList<RateCharge> charges, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ThrowIfDown();
        cancellationToken.ThrowIfCancellationRequested();
        return inner.ReadCountersAsync(charges, now, cancellationToken);
    }

    public ValueTask ChargeAsync(IReadOnlyList<RateCharge> charges, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ThrowIfDown();
        cancellationToken.ThrowIfCancellationRequested();
        return inner.ChargeAsync(charges, now, cancellationToken);
    }

    public ValueTask<AttemptOutcome> AttemptAsync(Guid recordId, ReadOnlyMemory<byte> presentedHash, int maxAttempts, RateCharge failureCharge, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ThrowIfDown();
        cancellationToken.ThrowIfCancellationRequested();
        return inner.AttemptAsync(recordId, presentedHash, maxAttempts, failureCharge, now, cancellationToken);
    }

    public ValueTask ReleaseAsync(CodeRecord record, IReadOnlyList<RateCharge> charges, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ThrowIfDown();
        _releases.Enqueue(record);
        return inner.ReleaseAsync(record, charges, now, cancellationToken);
    }

    public ValueTask<bool> TryUseOnceAsync(string key, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ThrowIfDown();
        return inner.TryUseOnceAsync(key, expiresAt, now, cancellationToken);
    }

    public ValueTask<string> GetOrAddValueAsync(string key, string value, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ThrowIfDown();
        return inner.GetOrAddValueAsync(key, value, expiresAt, now, cancellationToken);
    }

    public ValueTask<string?> GetValueAsync(string key, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ThrowIfDown();
        return inner.GetValueAsync(key, now, cancellationToken);
    }

    public ValueTask RemoveValueAsync(string key, string value, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ThrowIfDown();
        return inner.RemoveValueAsync(key, value, now, cancellationToken);
    }

    public ValueTask<Guid?> FindLiveRecordAsync(string contactKey, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ThrowIfDown();
        return inner.FindLiveRecordAsync(contactKey, now, cancellationToken);
    }

    private void ThrowIfDown()
    {
        if (_down)
        {
            throw new InvalidOperationException("The test store is down.");
        }
    }
}

/// <summary>
/// A <see cref="VerificationService"/> with its own keys (HS256, fast to create), a fake clock, an observable
/// in-memory store and the shipped fake senders (<see cref="FakeSmsSender"/>, <see cref="FakeEmailSender"/>); every
/// part can be replaced.
/// </summary>
public sealed class ServiceHarness
{
    public const string Phone = "+86 15588665555";
    public const string PhoneE164 = "+8615588665555";
    public const string Email = "alice@example.com";

    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public ServiceHarness(
        Action<VerificationOptions>? configure = null,
        ICodeStore? store = null,
        IEnumerable<ISmsSender>? smsSenders = null,
        IEnumerable<IEmailSender>? emailSenders = null,
        IUserDirectory? userDirectory = null,
        ICaptchaValidator? captchaValidator = null,
        ILogger<VerificationService>? logger = null)
    {
        Options = CreateOptions();
        configure?.Invoke(Options);
        Service = new VerificationService(
            MsOptions.Create(Options),
            store ?? Store,
            smsSenders ?? [SmsSender],
            emailSenders ?? [EmailSender],
            userDirectory,
            captchaValidator,
            timeProvider: Time,
            logger: logger);
    }

    public VerificationOptions Options { get; }

    public FakeTimeProvider Time { get; } = new(Start);

    public ObservableStore Store { get; } = new();

    public FakeSmsSender SmsSender { get; } = new();

    public FakeEmailSender EmailSender { get; } = new();

    /// <summary>Every message the fakes delivered, on either channel (the SMS first, then the email).</summary>
    public IReadOnlyList<VerificationMessage> Messages => [.. SmsSender.Messages, .. EmailSender.Messages];

    /// <summary>The fake that delivers <paramref name="request"/>: the SMS one for a phone number, else the email one.</summary>
    public FakeSender SenderFor(VerificationRequest request) => string.IsNullOrWhiteSpace(request.PhoneNumber) ? EmailSender : SmsSender;

    public VerificationService Service { get; }

    /// <summary>Options with fresh keys owned by one test.</summary>
    public static VerificationOptions CreateOptions()
    {
        var options = new VerificationOptions();
        TestKeys.UseFreshHs256(options.Tokens, "test");

        // Retries follow at once, so that no test waits on the fake clock for a backoff.
        options.Delivery.RetryDelay = TimeSpan.Zero;
        return options;
    }

    /// <summary>A code that differs from <paramref name="code"/> in its last digit only.</summary>
    public static string WrongCode(string code) => string.Concat(code.AsSpan(0, code.Length - 1), ((char)('0' + ((code[^1] - '0' + 1) % 10))).ToString());

    /// <summary>Sends a code that must succeed; returns its verification id and the delivered code.</summary>
    public async Task<(string VerificationId, string Code)> SendAsync(VerificationRequest request)
    {
        var result = await Service.SendAsync(request);
        Assert.True(result.Succeeded, result.ToString());
        return (result.Value.VerificationId, SenderFor(request).LastCode!);
    }

    public Task<(string VerificationId, string Code)> SendPhoneAsync(string phone = Phone, VerificationUsage? usage = null) =>
        SendAsync(new VerificationRequest(PhoneNumber: phone, Usage: usage));

    public Task<(string VerificationId, string Code)> SendEmailAsync(string email = Email, VerificationUsage? usage = null) =>
        SendAsync(new VerificationRequest(Email: email, Usage: usage));

    /// <summary>Verifies a code that must be accepted; returns the verification token.</summary>
    public async Task<string> VerifyAsync(string verificationId, string code)
    {
        var result = await Service.VerifyAsync(new VerifyRequest(verificationId, code));
        Assert.True(result.Succeeded, result.ToString());
        return result.Value.VerificationToken;
    }
}

public static class ResultAssert
{
    public static T Succeeded<T>(VerificationResult<T> result)
        where T : class
    {
        Assert.True(result.Succeeded, result.ToString());
        return result.Value;
    }

    public static VerificationError Failed<T>(VerificationResult<T> result, string code, string? reason = null)
        where T : class
    {
        Assert.False(result.Succeeded, $"Expected {code} ({reason}), got {result}.");
        Assert.Equal(code, result.Error.Code);
        if (reason is not null)
        {
            Assert.Equal(reason, result.Error.Reason);
        }

        return result.Error;
    }
}

public static class Concurrently
{
    /// <summary>
    /// Starts <paramref name="count"/> thread-pool tasks held at one gate, opens it, and waits for all: the calls
    /// really overlap without blocking pool threads (a blocking barrier of 100 would starve a 2-core pool).
    /// </summary>
    public static async Task<T[]> RunAsync<T>(int count, Func<int, ValueTask<T>> action)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = new Task<T>[count];
        for (var i = 0; i < count; i++)
        {
            var index = i;
            tasks[i] = Task.Run(async () =>
            {
                await gate.Task;
                return await action(index);
            });
        }

        gate.SetResult();
        return await Task.WhenAll(tasks);
    }
}
