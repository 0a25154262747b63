using MailKit.Net.Smtp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using SmtpServer.Protocol;
using SmtpResponse = SmtpServer.Protocol.SmtpResponse;
using Verification.MailKit.Tests.Infrastructure;

namespace Verification.MailKit.Tests;

public sealed class SmtpEmailSenderTests
{
    [Fact]
    public async Task SendAsync_PlainSession_DeliversTextAndHtmlWithTheCode()
    {
        await using var server = TestSmtpServer.Start();
        await using var sender = Smtp.Sender(server.Port);

        await sender.SendAsync(Smtp.Message("alice@example.com", "482913"));

        var received = Assert.Single(server.Messages);
        Assert.Equal(Smtp.From, received.From);
        Assert.Equal(["alice@example.com"], received.To);
        Assert.False(received.Secure);
        var mime = received.Parse();
        Assert.Equal("Your verification code", mime.Subject);
        var from = Assert.IsType<MailboxAddress>(Assert.Single(mime.From));
        Assert.Equal(Smtp.From, from.Address);
        Assert.Equal("Example Accounts", from.Name);
        Assert.Equal("alice@example.com", Assert.IsType<MailboxAddress>(Assert.Single(mime.To)).Address);
        Assert.IsType<MultipartAlternative>(mime.Body);
        Assert.Contains("482913", mime.TextBody, StringComparison.Ordinal);
        Assert.Contains("<strong>482913</strong>", mime.HtmlBody, StringComparison.Ordinal);
        Assert.Equal("auto-generated", mime.Headers["Auto-Submitted"]);
        Assert.Equal("smtp", sender.Name);
    }

    [Fact]
    public async Task SendAsync_AuthenticatedSession_LogsInAndDelivers()
    {
        await using var server = TestSmtpServer.Start(userName: "mailer", password: Smtp.Password);
        await using var sender = Smtp.Sender(server.Port, o => (o.UserName, o.Password) = ("mailer", Smtp.Password));

        await sender.SendAsync(Smtp.Message());

        Assert.Equal("mailer", Assert.Single(server.Messages).User);
    }

    [Fact]
    public async Task SendAsync_WrongPassword_ThrowsPermanentAndLogsConfigurationProblem()
    {
        await using var server = TestSmtpServer.Start(userName: "mailer", password: "the-right-one");
        var logger = new FakeLogger<SmtpEmailSender>();
        await using var sender = Smtp.Sender(server.Port, o => (o.UserName, o.Password) = ("mailer", Smtp.Password), logger);

        var e = await Assert.ThrowsAsync<DeliveryException>(() => sender.SendAsync(Smtp.Message(code: "735102")).AsTask());

        Assert.Equal(DeliveryFailureKind.Permanent, e.Kind);
        Assert.Empty(server.Messages);
        var record = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 4003);
        Assert.Equal(LogLevel.Error, record.Level);
        Assert.Contains("Verification:Smtp:Password", record.Message, StringComparison.Ordinal);
        AssertNoSecrets(logger.Collector, "735102");
        Assert.DoesNotContain(Smtp.Password, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_StartTlsWithPinnedSelfSignedCertificate_AuthenticatesOverTls()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var server = TestSmtpServer.Start(userName: "mailer", password: Smtp.Password, certificate: certificate, allowUnsecureAuthentication: false);
        await using var sender = Smtp.Sender(server.Port, o =>
        {
            o.Security = SmtpSecurity.StartTls;
            o.Host = "localhost";
            (o.UserName, o.Password) = ("mailer", Smtp.Password);
            o.TrustedServerCertificateThumbprint = certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256);
            o.CheckCertificateRevocation = false;
        });

        await sender.SendAsync(Smtp.Message());

        var received = Assert.Single(server.Messages);
        Assert.True(received.Secure);
        Assert.Equal("mailer", received.User);
    }

    [Fact]
    public async Task SendAsync_StartTlsWithUntrustedCertificate_ThrowsPermanentAndSendsNothing()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        using var other = TestCertificates.CreateSelfSigned();
        await using var server = TestSmtpServer.Start(certificate: certificate);
        var logger = new FakeLogger<SmtpEmailSender>();
        await using var sender = Smtp.Sender(server.Port, o =>
        {
            o.Security = SmtpSecurity.StartTls;
            o.Host = "localhost";
            o.TrustedServerCertificateThumbprint = other.Thumbprint;
            o.CheckCertificateRevocation = false;
        }, logger);

        var e = await Assert.ThrowsAsync<DeliveryException>(() => sender.SendAsync(Smtp.Message()).AsTask());

        Assert.Equal(DeliveryFailureKind.Permanent, e.Kind);
        Assert.Empty(server.Messages);
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Id.Id == 4005 && r.Level == LogLevel.Error);
    }

    [Fact]
    public async Task SendAsync_452AtEndOfData_ThrowsTransientAndARetrySucceeds()
    {
        await using var server = TestSmtpServer.Start();
        var refusals = 1;
        server.OnData = () => Interlocked.Decrement(ref refusals) >= 0 ? new SmtpResponse((SmtpReplyCode)452, "4.3.1 Insufficient system storage") : null;
        await using var sender = Smtp.Sender(server.Port);

        var e = await Assert.ThrowsAsync<DeliveryException>(() => sender.SendAsync(Smtp.Message()).AsTask());
        Assert.Equal(DeliveryFailureKind.Transient, e.Kind);
        Assert.Contains("452", e.Message, StringComparison.Ordinal);

        await sender.SendAsync(Smtp.Message());

        Assert.Single(server.Messages);
        Assert.Equal(1, server.Sessions); // The refusal left the connection usable (after RSET).
    }

    [Fact]
    public async Task SendAsync_451OnRecipient_ThrowsNotProcessed()
    {
        await using var server = TestSmtpServer.Start();
        server.OnRecipient = _ => new SmtpResponse((SmtpReplyCode)451, "4.7.1 Try again later");
        await using var sender = Smtp.Sender(server.Port);

        var e = await Assert.ThrowsAsync<DeliveryException>(() => sender.SendAsync(Smtp.Message()).AsTask());

        Assert.Equal(DeliveryFailureKind.NotProcessed, e.Kind);
        Assert.Empty(server.Messages);
    }

    [Fact]
    public async Task SendAsync_550OnRecipient_ThrowsInvalidRecipientOnceWithTheAddressMasked()
    {
        await using var server = TestSmtpServer.Start();
        server.OnRecipient = to => new SmtpResponse(SmtpReplyCode.MailboxUnavailable, $"5.1.1 <{to}>: Recipient address rejected");
        var logger = new FakeLogger<SmtpEmailSender>();
        await using var sender = Smtp.Sender(server.Port, logger: logger);

        var e = await Assert.ThrowsAsync<DeliveryException>(() => sender.SendAsync(Smtp.Message("nobody@example.com")).AsTask());

        Assert.Equal(DeliveryFailureKind.InvalidRecipient, e.Kind);
        Assert.Equal(1, server.RecipientsChecked); // Not retried.
        Assert.Empty(server.Messages);
        Assert.Contains("550", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("nobody@example.com", e.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Id.Id == 4002);
        Assert.DoesNotContain(logger.Collector.GetSnapshot(), r => r.Message.Contains("nobody@", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task SendAsync_554AtEndOfData_ThrowsPermanent()
    {
        await using var server = TestSmtpServer.Start();
        server.OnData = () => new SmtpResponse(SmtpReplyCode.TransactionFailed, "5.7.1 Message rejected as spam");
        await using var sender = Smtp.Sender(server.Port);

        var e = await Assert.ThrowsAsync<DeliveryException>(() => sender.SendAsync(Smtp.Message()).AsTask());

        Assert.Equal(DeliveryFailureKind.Permanent, e.Kind);
    }

    [Fact]
    public async Task SendAsync_ConnectionRefused_ThrowsNotProcessed()
    {
        await using var sender = Smtp.Sender(Smtp.ClosedPort());

        var e = await Assert.ThrowsAsync<DeliveryException>(() => sender.SendAsync(Smtp.Message()).AsTask());

        Assert.Equal(DeliveryFailureKind.NotProcessed, e.Kind);
        Assert.Equal(0, sender.OpenConnections);
    }

    [Fact]
    public async Task SendAsync_ManySequentialMessages_ReuseOneConnection()
    {
        await using var server = TestSmtpServer.Start();
        await using var sender = Smtp.Sender(server.Port);

        for (var i = 0; i < 20; i++)
        {
            await sender.SendAsync(Smtp.Message($"user{i}@example.com"));
        }

        Assert.Equal(20, server.Messages.Count);
        Assert.Equal(1, server.Sessions);
        Assert.Equal(1, sender.ConnectionsOpened);
    }

    [Fact]
    public async Task SendAsync_ConnectionDroppedWhileIdle_SendsAgainOnANewConnection()
    {
        await using var server = TestSmtpServer.Start();
        await using var proxy = new TcpDropProxy(server.Port);
        var logger = new FakeLogger<SmtpEmailSender>();
        await using var sender = Smtp.Sender(proxy.Port, logger: logger);
        await sender.SendAsync(Smtp.Message("first@example.com"));

        proxy.DropAll();
        await sender.SendAsync(Smtp.Message("second@example.com"));
        await sender.SendAsync(Smtp.Message("third@example.com"));

        Assert.Equal(["first@example.com", "second@example.com", "third@example.com"], server.Messages.Select(m => m.To.Single()));
        Assert.Equal(2, sender.ConnectionsOpened);
        Assert.Equal(2, server.Sessions);
        Assert.Equal(1, sender.OpenConnections);
    }

    [Fact]
    public async Task SendAsync_IdleConnectionFailsNoOp_ReplacesItBeforeSending()
    {
        await using var server = TestSmtpServer.Start();
        await using var proxy = new TcpDropProxy(server.Port);
        var time = new FakeTimeProvider();
        var logger = new FakeLogger<SmtpEmailSender>();
        await using var sender = Smtp.Sender(proxy.Port, o => o.IdleCheckAfter = TimeSpan.FromSeconds(10), logger, time);
        await sender.SendAsync(Smtp.Message("first@example.com"));

        proxy.DropAll();
        time.Advance(TimeSpan.FromSeconds(11));
        await sender.SendAsync(Smtp.Message("second@example.com"));

        Assert.Equal(2, server.Messages.Count);
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Id.Id == 4006);
        Assert.Equal(2, sender.ConnectionsOpened);
    }

    [Fact]
    public async Task SendAsync_IdleLongerThanMaxIdleTime_OpensANewConnection()
    {
        await using var server = TestSmtpServer.Start();
        var time = new FakeTimeProvider();
        await using var sender = Smtp.Sender(server.Port, o => o.MaxIdleTime = TimeSpan.FromMinutes(1), timeProvider: time);
        await sender.SendAsync(Smtp.Message());

        time.Advance(TimeSpan.FromMinutes(2));
        await sender.SendAsync(Smtp.Message());

        Assert.Equal(2, sender.ConnectionsOpened);
        Assert.Equal(1, sender.OpenConnections);
    }

    [Fact]
    public async Task SendAsync_ParallelSends_NeverExceedPoolSize()
    {
        await using var server = TestSmtpServer.Start();
        const int PoolSize = 2;

        // Every message waits in the server until PoolSize of them are in flight: the pool is then saturated.
        var inFlight = 0;
        var saturated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.BeforeStore = () =>
        {
            if (Interlocked.Increment(ref inFlight) >= PoolSize)
            {
                saturated.TrySetResult();
            }

            return saturated.Task;
        };
        await using var sender = Smtp.Sender(server.Port, o => o.PoolSize = PoolSize);

        await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() => sender.SendAsync(Smtp.Message($"user{i}@example.com")).AsTask())));

        Assert.Equal(12, server.Messages.Count);
        Assert.Equal(PoolSize, server.MaxConcurrentSessions);
        Assert.Equal(PoolSize, server.Sessions);
        Assert.Equal(PoolSize, sender.ConnectionsOpened);
    }

    [Fact]
    public async Task SendAsync_CancelledInFlight_DoesNotReuseTheConnection()
    {
        await using var server = TestSmtpServer.Start();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.BeforeStore = () =>
        {
            stored.TrySetResult();
            return release.Task;
        };
        await using var sender = Smtp.Sender(server.Port);
        using var cts = new CancellationTokenSource();

        var sending = sender.SendAsync(Smtp.Message(), cts.Token).AsTask();
        await stored.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
        release.SetResult();
        Assert.Equal(0, sender.OpenConnections);
    }

    [Fact]
    public async Task SendAsync_NeverLogsPasswordOrCode()
    {
        await using var server = TestSmtpServer.Start(userName: "mailer", password: Smtp.Password);
        var logger = new FakeLogger<SmtpEmailSender>(new FakeLogCollector());
        await using var sender = Smtp.Sender(server.Port, o => (o.UserName, o.Password) = ("mailer", Smtp.Password), logger);

        await sender.SendAsync(Smtp.Message(code: "915372"));
        server.OnRecipient = _ => new SmtpResponse(SmtpReplyCode.MailboxUnavailable, "5.1.1 unknown user");
        await Assert.ThrowsAsync<DeliveryException>(() => sender.SendAsync(Smtp.Message(code: "915372")).AsTask());

        Assert.NotEmpty(logger.Collector.GetSnapshot());
        AssertNoSecrets(logger.Collector, "915372");
    }

    [Theory]
    [InlineData(SmtpErrorCode.SenderNotAccepted, 421, DeliveryFailureKind.NotProcessed)]
    [InlineData(SmtpErrorCode.RecipientNotAccepted, 452, DeliveryFailureKind.NotProcessed)]
    [InlineData(SmtpErrorCode.MessageNotAccepted, 451, DeliveryFailureKind.Transient)]
    [InlineData(SmtpErrorCode.UnexpectedStatusCode, 421, DeliveryFailureKind.Transient)]
    [InlineData(SmtpErrorCode.RecipientNotAccepted, 550, DeliveryFailureKind.InvalidRecipient)]
    [InlineData(SmtpErrorCode.RecipientNotAccepted, 553, DeliveryFailureKind.InvalidRecipient)]
    [InlineData(SmtpErrorCode.RecipientNotAccepted, 554, DeliveryFailureKind.Permanent)]
    [InlineData(SmtpErrorCode.SenderNotAccepted, 550, DeliveryFailureKind.Permanent)]
    [InlineData(SmtpErrorCode.MessageNotAccepted, 552, DeliveryFailureKind.Permanent)]
    public void Classify_StatusAndStage_MapsToFailureKind(SmtpErrorCode errorCode, int status, DeliveryFailureKind expected)
    {
        var e = new SmtpCommandException(errorCode, (SmtpStatusCode)status, "refused");

        Assert.Equal(expected, SmtpEmailSender.Classify(e));
    }

    [Fact]
    public void Classify_550PolicyRefusalOnRecipient_IsPermanentNotInvalidRecipient()
    {
        var e = new SmtpCommandException(SmtpErrorCode.RecipientNotAccepted, SmtpStatusCode.MailboxUnavailable, "5.7.1 Relaying denied");

        Assert.Equal(DeliveryFailureKind.Permanent, SmtpEmailSender.Classify(e));
    }

    [Fact]
    public async Task SendAsync_RecipientNotAnAddress_ThrowsInvalidRecipientWithoutConnecting()
    {
        await using var sender = Smtp.Sender(Smtp.ClosedPort());

        var e = await Assert.ThrowsAsync<DeliveryException>(() => sender.SendAsync(Smtp.Message("not an address")).AsTask());

        Assert.Equal(DeliveryFailureKind.InvalidRecipient, e.Kind);
        Assert.Equal(0, sender.ConnectionsOpened);
    }

    private static void AssertNoSecrets(FakeLogCollector collector, string code)
    {
        foreach (var record in collector.GetSnapshot())
        {
            var text = record.Message + record.Exception;
            Assert.DoesNotContain(Smtp.Password, text, StringComparison.Ordinal);
            Assert.DoesNotContain(code, text, StringComparison.Ordinal);
        }
    }
}
