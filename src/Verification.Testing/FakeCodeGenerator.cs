namespace Verification.Testing;

/// <summary>
/// Chooses the codes the service sends, so a test can type a code it knows (<see cref="FixedCode"/>) or a known
/// sequence (<see cref="Enqueue"/>). It works only through <c>.UseFakes()</c>, and only while the fake senders are the
/// only senders: the service refuses to start when any other sender is registered, so a chosen code can never reach
/// a real phone or mailbox. Get it from the service provider to change the codes during a test. Thread-safe.
/// </summary>
/// <remarks>
/// Each send takes the next queued code; when the queue is empty, <see cref="FixedCode"/>; when that is null, a
/// random code from the CSPRNG as in production (read it from the fake sender). A chosen code must have as many
/// digits as <c>Verification:Code:Length</c> (6 by default); a send with a code of another length throws
/// <see cref="InvalidOperationException"/>.
/// </remarks>
public sealed class FakeCodeGenerator
{
    private readonly Lock _gate = new();
    private readonly Queue<string> _queue = new();
    private string? _fixedCode;

    /// <summary>The code of every send once the queue is empty; null for random codes.</summary>
    /// <value>Default null (random codes), unless set through <c>UseFakes(o =&gt; o.FixedCode = …)</c>.</value>
    /// <exception cref="ArgumentException">The value is not 4–10 decimal digits.</exception>
    public string? FixedCode
    {
        get
        {
            lock (_gate)
            {
                return _fixedCode;
            }
        }

        set
        {
            if (value is not null)
            {
                ThrowIfNotACode(value, nameof(value));
            }

            lock (_gate)
            {
                _fixedCode = value;
            }
        }
    }

    /// <summary>How many queued codes are left.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Queues codes for the next sends, one per send, in order.</summary>
    /// <param name="codes">Codes of 4–10 decimal digits.</param>
    /// <exception cref="ArgumentException">A code is not 4–10 decimal digits.</exception>
    public void Enqueue(params IEnumerable<string> codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        var list = codes.ToList();
        foreach (var code in list)
        {
            ThrowIfNotACode(code, nameof(codes));
        }

        lock (_gate)
        {
            foreach (var code in list)
            {
                _queue.Enqueue(code);
            }
        }
    }

    /// <summary>Empties the queue and clears <see cref="FixedCode"/>: codes are random again.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _queue.Clear();
            _fixedCode = null;
        }
    }

    /// <summary>The code of the next send, or null for a random one.</summary>
    internal string? Next(int length)
    {
        string? code;
        lock (_gate)
        {
            code = _queue.Count > 0 ? _queue.Dequeue() : _fixedCode;
        }

        if (code is not null && code.Length != length)
        {
            throw new InvalidOperationException(
                $"The chosen code has {code.Length} digits, but Verification:Code:Length is {length}. " +
                $"Choose codes of {length} digits (FakeCodeGenerator.FixedCode / Enqueue), or set Verification:Code:Length to {code.Length}.");
        }

        return code;
    }

    private static void ThrowIfNotACode(string? code, string paramName)
    {
        if (code is null || code.Length is < 4 or > 10 || !code.All(char.IsAsciiDigit))
        {
            throw new ArgumentException("A code is 4 to 10 decimal digits (0-9).", paramName);
        }
    }
}
