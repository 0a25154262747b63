using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Verification.MailKit;

/// <summary>
/// Sends verification emails over SMTP with MailKit, through a bounded pool of connections (see
/// <see cref="SmtpEmailOptions.PoolSize"/>). Register it with <c>AddVerification().AddSmtpEmail()</c>.
/// </summary>
/// <remarks>
/// SMTP answers map to <see cref="DeliveryFailureKind"/>: 4xx to <c>MAIL FROM</c> or <c>RCPT TO</c> is
/// <see cref="DeliveryFailureKind.NotProcessed"/>, any other 4xx <see cref="DeliveryFailureKind.Transient"/>;
/// 550, 551 or 553 to <c>RCPT TO</c> (except 5.7.x policy answers) is <see cref="DeliveryFailureKind.InvalidRecipient"/>,
/// any other 5xx <see cref="DeliveryFailureKind.Permanent"/>; connection failures are
/// <see cref="DeliveryFailureKind.NotProcessed"/>; refused credentials and TLS problems are
/// <see cref="DeliveryFailureKind.Permanent"/> and logged as configuration problems. A reused connection that
/// broke before the server took the sender is replaced and the message sent again, since nothing can have been
/// delivered; a connection that broke later gives <see cref="DeliveryFailureKind.Unknown"/>.
/// </remarks>
public sealed class SmtpEmailSender : IEmailSender, IAsyncDisposable, IDisposable
{
    private const int MaxServerTextLength = 200;

    private readonly SmtpEmailOptions _options;
    private readonly ILogger _logger;
    private readonly SmtpConnectionPool _pool;
    private readonly MailboxAddress _from;

    /// <summary>Creates the sender; it connects on the first message.</summary>
    /// <param name="options">The options, validated (see <see cref="SmtpEmailOptions"/>).</param>
    /// <param name="logger">The logger; none when null.</param>
    /// <param name="timeProvider">The clock for idle checks; the system clock when null.</param>
    public SmtpEmailSender(IOptions<SmtpEmailOptions> options, ILogger<SmtpEmailSender>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        if (string.IsNullOrWhiteSpace(_options.Host) || string.IsNullOrWhiteSpace(_options.From) || _options.PoolSize < 1)
        {
            throw new OptionsValidationException(nameof(SmtpEmailOptions), typeof(SmtpEmailOptions), ["Verification:Smtp:Host and Verification:Smtp:From are required and Verification:Smtp:PoolSize must be at least 1."]);
        }

        _logger = logger ?? (ILogger)NullLogger.Instance;
        _pool = new SmtpConnectionPool(_options, _logger, timeProvider ?? TimeProvider.System);
        _from = new MailboxAddress(_options.FromName ?? string.Empty, _options.From);
    }

    /// <summary>Always <c>"smtp"</c>.</summary>
    public string Name => "smtp";

    /// <summary>Connections open now; for tests and diagnostics.</summary>
    internal int OpenConnections => _pool.OpenConnections;

    /// <summary>Connections opened since the sender was created; for tests and diagnostics.</summary>
    internal int ConnectionsOpened => _pool.ConnectionsOpened;

    /// <inheritdoc />
    public async ValueTask SendAsync(VerificationMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var mime = Build(message);
        var delivery = message.ToString();

        // Stale pooled connections are replaced one by one, each at most once; a fresh connection is never retried.
        for (var attempt = 0; ; attempt++)
        {
            var client = await _pool.RentAsync(cancellationToken).ConfigureAwait(false);
            client.BeginMessage();
            var reused = client.Reused;
            try
            {
                await client.SendAsync(mime, cancellationToken).ConfigureAwait(false);
            }
            catch (SmtpCommandException e)
            {
                // MailKit sent RSET after the refusal; the connection stays usable unless the server closed it (421).
                var closedBeforeSender = !client.SenderAccepted && !client.IsConnected;
                _pool.Return(client, reusable: true);
                if (reused && closedBeforeSender && attempt < _options.PoolSize)
                {
                    Log.RetryingOnNewConnection(_logger, e);
                    continue;
                }

                throw Refused(e, message, delivery);
            }
            catch (ServiceNotAuthenticatedException e)
            {
                _pool.Return(client, reusable: false);
                Log.ConfigurationProblem(_logger, e, _options.Host!, _options.Port, "the server requires authentication; set Verification:Smtp:UserName and Verification:Smtp:Password.");
                throw new DeliveryException(DeliveryFailureKind.Permanent, "The SMTP server requires authentication; nothing was sent.", e);
            }
            catch (Exception e) when (e is IOException or SmtpProtocolException or ServiceNotConnectedException)
            {
                var senderAccepted = client.SenderAccepted;
                _pool.Return(client, reusable: false);
                if (senderAccepted)
                {
                    Log.BrokeInFlight(_logger, e, delivery);
                    throw new DeliveryException(DeliveryFailureKind.Unknown, "The connection to the SMTP server broke during the message; it may or may not have been delivered.", e);
                }

                if (reused && attempt < _options.PoolSize)
                {
                    Log.RetryingOnNewConnection(_logger, e);
                    continue;
                }

                throw new DeliveryException(DeliveryFailureKind.NotProcessed, "The connection to the SMTP server broke before the message was sent; nothing was delivered.", e);
            }
            catch (OperationCanceledException)
            {
                // The conversation stopped midway: its state is unknown, so the connection is not reused.
                _pool.Return(client, reusable: false);
                throw;
            }
            catch (Exception e)
            {
                var senderAccepted = client.SenderAccepted;
                _pool.Return(client, reusable: false);
                throw new DeliveryException(senderAccepted ? DeliveryFailureKind.Unknown : DeliveryFailureKind.NotProcessed, "The SMTP conversation failed unexpectedly.", e);
            }

            _pool.Return(client, reusable: true);
            Log.Sent(_logger, delivery, reused);
            return;
        }
    }

    /// <summary>
    /// Checks the server without sending a message: a pooled connection (connected, EHLO, TLS and authentication as
    /// configured, exactly as a send would) answers NOOP, then goes back to the pool.
    /// </summary>
    /// <exception cref="DeliveryException">No connection could be made or the server refused it.</exception>
    internal async ValueTask ProbeAsync(CancellationToken cancellationToken)
    {
        var client = await _pool.RentAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await client.NoOpAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _pool.Return(client, reusable: false);
            throw;
        }

        _pool.Return(client, reusable: true);
    }

    /// <summary>Closes the pooled connections, saying QUIT to the server.</summary>
    /// <returns>A task that completes when the connections are closed.</returns>
    public ValueTask DisposeAsync() => _pool.DisposeAsync();

    /// <summary>Closes the pooled connections.</summary>
    public void Dispose() => _pool.DisposeAsync().AsTask().GetAwaiter().GetResult();

    private MimeMessage Build(VerificationMessage message)
    {
        if (!MailboxAddress.TryParse(message.To, out var to) || to.Address.IndexOf('@', StringComparison.Ordinal) <= 0)
        {
            throw new DeliveryException(DeliveryFailureKind.InvalidRecipient, "The recipient is not an email address.");
        }

        var mime = new MimeMessage();
        mime.From.Add(_from);
        mime.To.Add(new MailboxAddress(string.Empty, to.Address));
        mime.Subject = message.Subject ?? string.Empty;

        // RFC 3834: an automatic message, so that auto-responders stay quiet.
        mime.Headers.Add("Auto-Submitted", "auto-generated");
        var body = new BodyBuilder { TextBody = message.Body };
        if (!string.IsNullOrEmpty(message.HtmlBody))
        {
            body.HtmlBody = message.HtmlBody;
        }

        mime.Body = body.ToMessageBody();
        return mime;
    }

    private DeliveryException Refused(SmtpCommandException e, VerificationMessage message, string delivery)
    {
        var status = (int)e.StatusCode;
        var kind = Classify(e);
        var stage = e.ErrorCode switch
        {
            SmtpErrorCode.SenderNotAccepted => "MAIL FROM",
            SmtpErrorCode.RecipientNotAccepted => "RCPT TO",
            SmtpErrorCode.MessageNotAccepted => "DATA",
            _ => "a command",
        };
        Log.Refused(_logger, delivery, status, stage, kind);

        // The server's text often repeats the recipient; it is masked, and the original exception is not attached.
        return new DeliveryException(kind, $"The SMTP server answered {status} to {stage}: {ServerText(e.Message, message)}");
    }

    internal static DeliveryFailureKind Classify(SmtpCommandException e)
    {
        var status = (int)e.StatusCode;
        if (status is >= 400 and < 500)
        {
            // Refused before the data: the message surely was not taken.
            return e.ErrorCode is SmtpErrorCode.SenderNotAccepted or SmtpErrorCode.RecipientNotAccepted
                ? DeliveryFailureKind.NotProcessed
                : DeliveryFailureKind.Transient;
        }

        // 5.7.x is policy (relay denied, authentication required), not a bad address.
        return e.ErrorCode == SmtpErrorCode.RecipientNotAccepted
            && status is 550 or 551 or 553
            && !e.Message.TrimStart().StartsWith("5.7.", StringComparison.Ordinal)
            ? DeliveryFailureKind.InvalidRecipient
            : DeliveryFailureKind.Permanent;
    }

    private static string ServerText(string text, VerificationMessage message)
    {
        text = text.Replace(message.To, message.MaskedTo, StringComparison.OrdinalIgnoreCase).ReplaceLineEndings(" ");
        return text.Length > MaxServerTextLength ? string.Concat(text.AsSpan(0, MaxServerTextLength), "…") : text;
    }
}
