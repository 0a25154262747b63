using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Verification.MailKit.Tests.Infrastructure;

internal static class Smtp
{
    public const string From = "no-reply@example.com";
    public const string Password = "s3cret-Pa55word";

    public static SmtpEmailOptions Options(int port, Action<SmtpEmailOptions>? configure = null)
    {
        var options = new SmtpEmailOptions
        {
            Host = "127.0.0.1",
            Port = port,
            Security = SmtpSecurity.None,
            From = From,
            FromName = "Example Accounts",
            Timeout = TimeSpan.FromSeconds(20),
        };
        configure?.Invoke(options);
        return options;
    }

    public static SmtpEmailSender Sender(int port, Action<SmtpEmailOptions>? configure = null, ILogger<SmtpEmailSender>? logger = null, TimeProvider? timeProvider = null) =>
        new(Microsoft.Extensions.Options.Options.Create(Options(port, configure)), logger, timeProvider);

    public static VerificationMessage Message(string to = "alice@example.com", string code = "482913") => new()
    {
        Channel = VerificationChannel.Email,
        To = to,
        Subject = "Your verification code",
        Body = $"Your code is {code}. It expires in 5 minutes.",
        HtmlBody = $"<p>Your code is <strong>{code}</strong>. It expires in 5 minutes.</p>",
        Code = code,
        Lifetime = TimeSpan.FromMinutes(5),
        Culture = CultureInfo.InvariantCulture,
    };

    /// <summary>A loopback port nobody listens on (taken and released again).</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
