using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using MimeKit;
using AuthenticationException = MailKit.Security.AuthenticationException;

namespace Verification.MailKit;

/// <summary>An SMTP client that remembers whether the server took the sender of the message in flight.</summary>
internal sealed class PooledSmtpClient : SmtpClient
{
    /// <summary>When the client last finished a message (a <see cref="TimeProvider"/> timestamp).</summary>
    public long LastUsed { get; set; }

    /// <summary>Whether the client carried a message before this one.</summary>
    public bool Reused { get; set; }

    /// <summary>
    /// Whether the server answered 250 to <c>MAIL FROM</c> for the message in flight. Until then the message data
    /// cannot have been sent, so a broken connection certainly delivered nothing.
    /// </summary>
    public bool SenderAccepted { get; private set; }

    public void BeginMessage() => SenderAccepted = false;

    protected override void OnSenderAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response)
    {
        SenderAccepted = true;
        base.OnSenderAccepted(message, mailbox, response);
    }
}

/// <summary>
/// At most <see cref="SmtpEmailOptions.PoolSize"/> connected clients: a client carries one message at a time, goes
/// back to the pool when the conversation ended cleanly, is checked with NOOP after sitting idle, and is dropped when
/// broken. A slot is held from <see cref="RentAsync"/> to <see cref="Return"/>, so connections never outnumber slots.
/// </summary>
internal sealed class SmtpConnectionPool : IAsyncDisposable
{
    private readonly SmtpEmailOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _slots;
    private readonly Stack<PooledSmtpClient> _idle = new();
    private readonly SecureSocketOptions _socketOptions;
    private int _open;
    private int _opened;
    private bool _disposed;

    public SmtpConnectionPool(SmtpEmailOptions options, ILogger logger, TimeProvider timeProvider)
    {
        _options = options;
        _logger = logger;
        _timeProvider = timeProvider;
        _slots = new SemaphoreSlim(options.PoolSize, options.PoolSize);
        _socketOptions = options.Security switch
        {
            SmtpSecurity.None => SecureSocketOptions.None,
            SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
            SmtpSecurity.Auto => SecureSocketOptions.Auto,
            _ => SecureSocketOptions.StartTls,
        };
    }

    /// <summary>Connections open now (idle or carrying a message).</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    /// <summary>Connections opened since the pool was created.</summary>
    public int ConnectionsOpened => Volatile.Read(ref _opened);

    /// <summary>Waits for a free slot, then hands out a healthy idle client or connects a new one.</summary>
    /// <exception cref="DeliveryException">No connection could be made.</exception>
    public async ValueTask<PooledSmtpClient> RentAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (TryPopIdle() is { } client)
            {
                var idle = _timeProvider.GetElapsedTime(client.LastUsed);
                if (!client.IsConnected || idle > _options.MaxIdleTime)
                {
                    Close(client);
                    continue;
                }

                if (idle >= _options.IdleCheckAfter)
                {
                    try
                    {
                        await client.NoOpAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e)
                    {
                        Close(client);
                        if (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
                        {
                            throw;
                        }

                        Log.IdleCheckFailed(_logger, e);
                        continue;
                    }
                }

                client.Reused = true;
                return client;
            }

            return await ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    /// <summary>Gives the slot back; the client goes back to the pool when it is still usable, else it is closed.</summary>
    public void Return(PooledSmtpClient client, bool reusable)
    {
        if (reusable && client.IsConnected && !_disposed)
        {
            client.LastUsed = _timeProvider.GetTimestamp();
            lock (_idle)
            {
                _idle.Push(client);
            }
        }
        else
        {
            Close(client);
        }

        _slots.Release();
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        while (TryPopIdle() is { } client)
        {
            try
            {
                // A polite QUIT, bounded: shutting down must not hang on a slow server.
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await client.DisconnectAsync(true, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or SmtpProtocolException or SmtpCommandException or OperationCanceledException or SocketException)
            {
                // The server went away first; nothing left to close politely.
            }
            finally
            {
                Close(client);
            }
        }
    }

    private PooledSmtpClient? TryPopIdle()
    {
        lock (_idle)
        {
            return _idle.TryPop(out var client) ? client : null;
        }
    }

    private void Close(PooledSmtpClient client)
    {
        Interlocked.Decrement(ref _open);
        client.Dispose();
    }

    private async ValueTask<PooledSmtpClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var host = _options.Host!;
        var port = _options.Port;
        var client = new PooledSmtpClient
        {
            Timeout = (int)_options.Timeout.TotalMilliseconds,
            CheckCertificateRevocation = _options.CheckCertificateRevocation,
            ServerCertificateValidationCallback = SmtpCertificates.CreateValidator(_options),
        };
        if (!string.IsNullOrWhiteSpace(_options.LocalDomain))
        {
            client.LocalDomain = _options.LocalDomain;
        }

        if (_options.DangerousAcceptAnyServerCertificate && _options.Security != SmtpSecurity.None)
        {
            Log.AcceptingAnyCertificate(_logger);
        }

        var open = Interlocked.Increment(ref _open);
        Interlocked.Increment(ref _opened);
        try
        {
            try
            {
                await client.ConnectAsync(host, port, _socketOptions, cancellationToken).ConfigureAwait(false);
            }
            catch (SslHandshakeException e)
            {
                Log.ConfigurationProblem(_logger, e, host, port, "the TLS handshake failed (is the certificate trusted? see Verification:Smtp:TrustedServerCertificateThumbprint; is Verification:Smtp:Security right for this port?).");
                throw new DeliveryException(DeliveryFailureKind.Permanent, "The TLS handshake with the SMTP server failed; nothing was sent.", e);
            }
            catch (NotSupportedException e)
            {
                Log.ConfigurationProblem(_logger, e, host, port, "the server does not offer STARTTLS; set Verification:Smtp:Security to match the server.");
                throw new DeliveryException(DeliveryFailureKind.Permanent, "The SMTP server does not offer STARTTLS; nothing was sent.", e);
            }
            catch (SmtpCommandException e)
            {
                Log.ConnectFailed(_logger, e, host, port);
                throw new DeliveryException(DeliveryFailureKind.NotProcessed, $"The SMTP server refused the connection with {(int)e.StatusCode}; nothing was sent.");
            }
            catch (Exception e) when (e is SocketException or IOException or SmtpProtocolException or TimeoutException)
            {
                Log.ConnectFailed(_logger, e, host, port);
                throw new DeliveryException(DeliveryFailureKind.NotProcessed, "Could not connect to the SMTP server; nothing was sent.", e);
            }

            if (!string.IsNullOrEmpty(_options.UserName))
            {
                await AuthenticateAsync(client, host, port, cancellationToken).ConfigureAwait(false);
            }

            Log.Connected(_logger, host, port, _options.Security, open);
            return client;
        }
        catch
        {
            Close(client);
            throw;
        }
    }

    private async ValueTask AuthenticateAsync(PooledSmtpClient client, string host, int port, CancellationToken cancellationToken)
    {
        try
        {
            await client.AuthenticateAsync(_options.UserName!, _options.Password ?? string.Empty, cancellationToken).ConfigureAwait(false);
        }
        catch (AuthenticationException e)
        {
            Log.AuthenticationFailed(_logger, e, host, port);
            throw new DeliveryException(DeliveryFailureKind.Permanent, "The SMTP server refused the configured credentials; nothing was sent.", e);
        }
        catch (NotSupportedException e)
        {
            Log.ConfigurationProblem(_logger, e, host, port, "the server offers no authentication on this connection; use TLS (Verification:Smtp:Security) or remove Verification:Smtp:UserName.");
            throw new DeliveryException(DeliveryFailureKind.Permanent, "The SMTP server offers no authentication on this connection; nothing was sent.", e);
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode is >= 400 and < 500)
        {
            // 454: temporary authentication failure.
            Log.ConnectFailed(_logger, e, host, port);
            throw new DeliveryException(DeliveryFailureKind.NotProcessed, $"The SMTP server could not authenticate now ({(int)e.StatusCode}); nothing was sent.");
        }
        catch (SmtpCommandException e)
        {
            Log.AuthenticationFailed(_logger, e, host, port);
            throw new DeliveryException(DeliveryFailureKind.Permanent, $"The SMTP server refused authentication ({(int)e.StatusCode}); nothing was sent.");
        }
        catch (Exception e) when (e is IOException or SmtpProtocolException or SocketException)
        {
            Log.ConnectFailed(_logger, e, host, port);
            throw new DeliveryException(DeliveryFailureKind.NotProcessed, "The connection to the SMTP server broke during authentication; nothing was sent.", e);
        }
    }
}
