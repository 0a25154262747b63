using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Verification;
using Verification.MailKit;
using Verification.Shared;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Sends Verification's email codes over SMTP (MailKit).</summary>
public static class SmtpVerificationBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="SmtpEmailSender"/> as an email sender, with <see cref="SmtpEmailOptions"/> bound from the
    /// <c>Verification:Smtp</c> configuration section (<c>Host</c> and <c>From</c> are required) and validated at
    /// start. Email senders are tried in the order they are added: add SMTP before any fallback. Calling it again is
    /// harmless.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IVerificationBuilder AddSmtpEmail(this IVerificationBuilder builder) => AddCore(builder, null);

    /// <summary>
    /// Adds <see cref="SmtpEmailSender"/> (see <see cref="AddSmtpEmail(IVerificationBuilder)"/>), with options set in
    /// code after the <c>Verification:Smtp</c> section is bound.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options; runs after configuration binding, so it wins.</param>
    /// <returns>The builder.</returns>
    public static IVerificationBuilder AddSmtpEmail(this IVerificationBuilder builder, Action<SmtpEmailOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return AddCore(builder, configure);
    }

    /// <summary>
    /// Adds a health check of the SMTP server: a connection of the sender's pool (connect, EHLO, TLS and AUTH as
    /// configured) must answer NOOP; no message is sent. Needs <c>AddVerification().AddSmtpEmail(…)</c>. Tagged
    /// <c>verification</c> besides <paramref name="tags"/>.
    /// </summary>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">The status reported when the server cannot be used; defaults to unhealthy.</param>
    /// <param name="tags">More tags to filter checks by.</param>
    /// <param name="timeout">How long the check may take; defaults to none beyond <see cref="SmtpEmailOptions.Timeout"/>.</param>
    /// <returns>The health checks builder.</returns>
    public static IHealthChecksBuilder AddVerificationSmtp(
        this IHealthChecksBuilder builder,
        string name = "verification-smtp",
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null,
        TimeSpan? timeout = null)
    {
        return HealthCheckTags.Register(
            builder,
            name,
            static sp =>
            {
                var sender = sp.GetService<SmtpEmailSender>()
                    ?? throw new InvalidOperationException("AddVerificationSmtp() needs the SMTP sender: call services.AddVerification().AddSmtpEmail(…).");
                return new ProbeHealthCheck(
                    async cancellationToken =>
                    {
                        await sender.ProbeAsync(cancellationToken).ConfigureAwait(false);
                        return null;
                    },
                    "The SMTP server (NOOP)",
                    static e => "The SMTP server cannot be used: " + e.Message);
            },
            failureStatus,
            tags,
            timeout);
    }

    private static IVerificationBuilder AddCore(IVerificationBuilder builder, Action<SmtpEmailOptions>? configure) =>
        AdapterRegistration.Add<SmtpEmailOptions, SmtpEmailOptionsValidator>(builder, SmtpEmailOptions.SectionName, Bind, RegisterOnce, configure);

    private static void RegisterOnce(IServiceCollection services)
    {
        services.TryAddSingleton(static sp => new SmtpEmailSender(
            sp.GetRequiredService<IOptions<SmtpEmailOptions>>(),
            sp.GetService<ILogger<SmtpEmailSender>>(),
            sp.GetService<TimeProvider>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IEmailSender, SmtpEmailSender>(static sp => sp.GetRequiredService<SmtpEmailSender>()));
    }

    /// <summary>Reads the <c>Verification:Smtp</c> keys.</summary>
    private static void Bind(ConfigurationReader section, SmtpEmailOptions options)
    {
        options.Host = section.String("Host") ?? options.Host;
        options.Port = section.Int("Port") ?? options.Port;
        options.Security = section.Enum<SmtpSecurity>("Security", "security mode") ?? options.Security;
        options.UserName = section.String("UserName") ?? options.UserName;
        options.Password = section.String("Password") ?? options.Password;
        options.From = section.String("From") ?? options.From;
        options.FromName = section.String("FromName") ?? options.FromName;
        options.PoolSize = section.Int("PoolSize") ?? options.PoolSize;
        options.IdleCheckAfter = section.TimeSpan("IdleCheckAfter") ?? options.IdleCheckAfter;
        options.MaxIdleTime = section.TimeSpan("MaxIdleTime") ?? options.MaxIdleTime;
        options.Timeout = section.TimeSpan("Timeout") ?? options.Timeout;
        options.LocalDomain = section.String("LocalDomain") ?? options.LocalDomain;
        options.CheckCertificateRevocation = section.Bool("CheckCertificateRevocation") ?? options.CheckCertificateRevocation;
        options.TrustedServerCertificateThumbprint = section.String("TrustedServerCertificateThumbprint") ?? options.TrustedServerCertificateThumbprint;
        options.DangerousAcceptAnyServerCertificate = section.Bool("DangerousAcceptAnyServerCertificate") ?? options.DangerousAcceptAnyServerCertificate;
    }
}
