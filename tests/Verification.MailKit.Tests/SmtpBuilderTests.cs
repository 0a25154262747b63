using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Verification.MailKit.Tests.Infrastructure;

namespace Verification.MailKit.Tests;

public sealed class SmtpBuilderTests
{
    [Fact]
    public async Task AddSmtpEmail_FromConfiguration_BindsVerificationSmtpSection()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Verification:Smtp:Host"] = "smtp.example.com",
            ["Verification:Smtp:Port"] = "465",
            ["Verification:Smtp:Security"] = "SslOnConnect",
            ["Verification:Smtp:From"] = "no-reply@example.com",
            ["Verification:Smtp:FromName"] = "Example",
            ["Verification:Smtp:PoolSize"] = "8",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddVerification().AddSmtpEmail();
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<SmtpEmailOptions>>().Value;

        Assert.Equal(("smtp.example.com", 465, SmtpSecurity.SslOnConnect, 8), (options.Host, options.Port, options.Security, options.PoolSize));
        Assert.Equal("Example", options.FromName);
        var sender = Assert.Single(provider.GetServices<IEmailSender>());
        Assert.IsType<SmtpEmailSender>(sender);
        Assert.Equal("smtp", sender.Name);
    }

    [Fact]
    public void AddSmtpEmail_Defaults_AreDocumentedValues()
    {
        var options = new SmtpEmailOptions();

        Assert.Equal(587, options.Port);
        Assert.Equal(SmtpSecurity.StartTls, options.Security);
        Assert.Equal(4, options.PoolSize);
        Assert.False(options.DangerousAcceptAnyServerCertificate);
    }

    [Fact]
    public async Task AddSmtpEmail_CalledTwice_RegistersOneSender()
    {
        var services = new ServiceCollection();
        services.AddVerification().AddSmtpEmail(o => (o.Host, o.From) = ("smtp.example.com", "a@example.com")).AddSmtpEmail();
        await using var provider = services.BuildServiceProvider();

        Assert.Single(provider.GetServices<IEmailSender>());
    }

    [Theory]
    [InlineData(null, "no-reply@example.com", 587, "Verification:Smtp:Host")]
    [InlineData("smtp.example.com", null, 587, "Verification:Smtp:From")]
    [InlineData("smtp.example.com", "not an address", 587, "Verification:Smtp:From")]
    [InlineData("smtp.example.com", "Example <no-reply@example.com>", 587, "Verification:Smtp:From")]
    [InlineData("smtp.example.com", "no-reply@example.com", 0, "Verification:Smtp:Port")]
    [InlineData("smtp.example.com", "no-reply@example.com", 65536, "Verification:Smtp:Port")]
    public async Task AddSmtpEmail_InvalidOptions_FailAtStartNamingTheKey(string? host, string? from, int port, string key)
    {
        var services = new ServiceCollection();
        services.AddVerification(o => o.Tokens.AllowEphemeralKey = true).AddSmtpEmail(o => (o.Host, o.From, o.Port) = (host, from, port));
        await using var provider = services.BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(e.Failures, f => f.Contains(key, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("mailer", null, "Verification:Smtp:UserName")]
    [InlineData(null, null, "Verification:Smtp:PoolSize")]
    [InlineData(null, "zz", "Verification:Smtp:TrustedServerCertificateThumbprint")]
    public void Validate_OtherBadValues_NameTheKey(string? userName, string? thumbprint, string key)
    {
        var options = Smtp.Options(25, o =>
        {
            o.UserName = userName;
            o.TrustedServerCertificateThumbprint = thumbprint;
            o.PoolSize = key.EndsWith("PoolSize", StringComparison.Ordinal) ? 0 : 4;
        });

        var result = new SmtpEmailOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(key, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_GoodOptions_Succeed()
    {
        var options = Smtp.Options(587, o => (o.UserName, o.Password, o.TrustedServerCertificateThumbprint) = ("u", "p", new string('a', 64)));

        Assert.True(new SmtpEmailOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public async Task SendAsync_EndToEnd_DeliversACodeThatVerifies()
    {
        await using var server = TestSmtpServer.Start();
        var services = new ServiceCollection();
        services.AddVerification(o => o.Tokens.AllowEphemeralKey = true)
            .AddSmtpEmail(o =>
            {
                o.Host = "127.0.0.1";
                o.Port = server.Port;
                o.Security = SmtpSecurity.None;
                o.From = Smtp.From;
            });
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
        var verification = provider.GetRequiredService<IVerificationService>();

        var sent = await verification.SendAsync(new VerificationRequest(Email: "carol@example.com"));

        Assert.True(sent.Succeeded, sent.ToString());
        var mime = Assert.Single(server.Messages).Parse();
        Assert.Equal("carol@example.com", Assert.Single(mime.To.Mailboxes).Address);
        var code = Regex.Match(mime.TextBody ?? string.Empty, @"\b\d{4,10}\b").Value;
        Assert.NotEmpty(code);
        Assert.Contains(code, mime.HtmlBody, StringComparison.Ordinal);
        var verified = await verification.VerifyAsync(new VerifyRequest(sent.Value.VerificationId, code));
        Assert.True(verified.Succeeded, verified.ToString());
    }

    [Fact]
    public async Task SendAsync_EndToEndRecipientRefused_AnswersInvalidEmailWithoutRetry()
    {
        await using var server = TestSmtpServer.Start();
        server.OnRecipient = _ => new SmtpServer.Protocol.SmtpResponse(SmtpServer.Protocol.SmtpReplyCode.MailboxUnavailable, "5.1.1 no such user");
        var services = new ServiceCollection();
        services.AddVerification(o => o.Tokens.AllowEphemeralKey = true)
            .AddSmtpEmail(o => (o.Host, o.Port, o.Security, o.From) = ("127.0.0.1", server.Port, SmtpSecurity.None, Smtp.From));
        await using var provider = services.BuildServiceProvider();
        var verification = provider.GetRequiredService<IVerificationService>();

        var sent = await verification.SendAsync(new VerificationRequest(Email: "nobody@example.com"));

        Assert.False(sent.Succeeded);
        Assert.Equal(VerificationErrorCodes.InvalidArgument, sent.Error?.Code);
        Assert.Equal(1, server.RecipientsChecked);
    }
}
