namespace Verification;

/// <summary>
/// Development sender for both channels: prints each message, code included, to the console (standard output).
/// It writes to the console rather than to a logger on purpose: codes never enter the logging pipeline.
/// Never register it in production.
/// </summary>
public sealed class ConsoleVerificationSender : ISmsSender, IEmailSender
{
    private readonly TextWriter? _writer;
    private readonly Lock _gate = new();

    /// <summary>Creates a sender that prints to <see cref="Console.Out"/>.</summary>
    public ConsoleVerificationSender()
    {
    }

    /// <summary>Creates a sender that prints to <paramref name="writer"/>.</summary>
    /// <param name="writer">Where to print.</param>
    public ConsoleVerificationSender(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
    }

    /// <inheritdoc cref="ISmsSender.Name" />
    public string Name => "console";

    /// <inheritdoc cref="ISmsSender.SendAsync" />
    public ValueTask SendAsync(VerificationMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var writer = _writer ?? Console.Out;
        var text = message.Channel == VerificationChannel.Sms
            ? $"[verification] SMS to {message.To}: {message.Body}"
            : $"[verification] Email to {message.To}: {message.Subject}{Environment.NewLine}{message.Body}";
        lock (_gate)
        {
            writer.WriteLine(text);
            writer.Flush();
        }

        return ValueTask.CompletedTask;
    }
}
