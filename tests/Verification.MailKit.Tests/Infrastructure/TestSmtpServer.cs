using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.ComponentModel;
using SmtpServer.Mail;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Verification.MailKit.Tests.Infrastructure;

/// <summary>One message as the server received it.</summary>
internal sealed record ReceivedMessage(string From, IReadOnlyList<string> To, byte[] Data, bool Secure, string? User)
{
    public MimeMessage Parse() => MimeMessage.Load(new MemoryStream(Data));
}

/// <summary>
/// A real SMTP server (the SmtpServer package) on 127.0.0.1 and a port of its own, collecting what it receives,
/// counting sessions, and answering chosen 4xx/5xx replies on demand.
/// </summary>
internal sealed class TestSmtpServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly SmtpServer.SmtpServer _server;
    private readonly Task _running;
    private int _sessions;
    private int _active;
    private int _maxActive;
    private int _recipientsChecked;

    private TestSmtpServer(Options options)
    {
        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var listeners = new EndpointListenerFactory();
        listeners.EndpointStarted += (_, e) => started.TrySetResult(((IPEndPoint)e.LocalEndPoint).Port);

        var services = new ServiceProvider();
        services.Add(listeners);
        services.Add(new Store(this));
        services.Add(new Filter(this));
        if (options.UserName is not null)
        {
            services.Add(new DelegatingUserAuthenticator((user, password) => user == options.UserName && password == options.Password));
        }

        var serverOptions = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(endpoint =>
            {
                endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, 0))
                    .AllowUnsecureAuthentication(options.AllowUnsecureAuthentication)
                    .AuthenticationRequired(options.UserName is not null);
                if (options.Certificate is not null)
                {
                    endpoint.Certificate(options.Certificate);
                }
            })
            .Build();

        _server = new SmtpServer.SmtpServer(serverOptions, services);
        _server.SessionCreated += (_, _) =>
        {
            Interlocked.Increment(ref _sessions);
            var active = Interlocked.Increment(ref _active);
            int max;
            while (active > (max = Volatile.Read(ref _maxActive)) && Interlocked.CompareExchange(ref _maxActive, active, max) != max)
            {
            }
        };
        _server.SessionCompleted += (_, _) => Interlocked.Decrement(ref _active);
        _server.SessionFaulted += (_, _) => Interlocked.Decrement(ref _active);
        _server.SessionCancelled += (_, _) => Interlocked.Decrement(ref _active);
        _running = _server.StartAsync(_stop.Token);
        Port = started.Task.WaitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
    }

    public int Port { get; }

    public ConcurrentQueue<ReceivedMessage> Messages { get; } = new();

    /// <summary>Sessions opened since the start.</summary>
    public int Sessions => Volatile.Read(ref _sessions);

    /// <summary>The most sessions open at the same time.</summary>
    public int MaxConcurrentSessions => Volatile.Read(ref _maxActive);

    /// <summary>How many RCPT TO commands reached the filter.</summary>
    public int RecipientsChecked => Volatile.Read(ref _recipientsChecked);

    /// <summary>When set, answers RCPT TO with the reply it returns (null accepts).</summary>
    public Func<string, SmtpResponse?>? OnRecipient { get; set; }

    /// <summary>When set, answers the end of DATA with the reply it returns (null stores the message).</summary>
    public Func<SmtpResponse?>? OnData { get; set; }

    /// <summary>When set, every message waits for it before the server answers the end of DATA.</summary>
    public Func<Task>? BeforeStore { get; set; }

    public static TestSmtpServer Start(string? userName = null, string? password = null, X509Certificate2? certificate = null, bool allowUnsecureAuthentication = true) =>
        new(new Options(userName, password, certificate, allowUnsecureAuthentication));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _server.Shutdown();
        try
        {
            await _running.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private sealed record Options(string? UserName, string? Password, X509Certificate2? Certificate, bool AllowUnsecureAuthentication);

    private sealed class Store(TestSmtpServer server) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            if (server.BeforeStore is { } wait)
            {
                await wait();
            }

            if (server.OnData?.Invoke() is { } refusal)
            {
                return refusal;
            }

            server.Messages.Enqueue(new ReceivedMessage(
                transaction.From.AsAddress(),
                transaction.To.Select(static m => m.AsAddress()).ToList(),
                buffer.ToArray(),
                context.Pipe.IsSecure,
                context.Authentication.IsAuthenticated ? context.Authentication.User : null));
            return SmtpResponse.Ok;
        }
    }

    private sealed class Filter(TestSmtpServer server) : IMailboxFilter
    {
        public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken) => Task.FromResult(true);

        public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref server._recipientsChecked);
            if (server.OnRecipient?.Invoke(to.AsAddress()) is { } refusal)
            {
                throw new SmtpResponseException(refusal);
            }

            return Task.FromResult(true);
        }
    }
}
