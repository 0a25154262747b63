using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Verification;
using Verification.Shared;
using Verification.Twilio;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Twilio SMS sender (Programmable Messaging, <c>Messages.json</c>) to Verification.</summary>
/// <remarks>
/// <para>Each method adds the sender (named <c>"twilio"</c>) to the SMS senders, in the order senders are added: add
/// Twilio before another SMS sender to make it the first tried, the other one the failover. It binds
/// <see cref="TwilioSmsOptions"/> from the <c>Verification:Twilio</c> section of the app's
/// <see cref="IConfiguration"/> when one is registered, and validates them at start: the host fails to start (or
/// resolving <see cref="IVerificationService"/> throws <see cref="OptionsValidationException"/>) with messages that
/// name the key to fix. Code given to the methods runs after configuration binding, so it wins. Calling them again
/// is harmless.</para>
/// <para>Requests go through the <see cref="TwilioSmsOptions.HttpClientName"/> client of
/// <see cref="System.Net.Http.IHttpClientFactory"/>, which follows no redirects. See <c>docs/providers.md</c> for the
/// error mapping.</para>
/// </remarks>
public static class TwilioVerificationBuilderExtensions
{
    /// <summary>Adds the Twilio SMS sender, configured from the <c>Verification:Twilio</c> section.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IVerificationBuilder AddTwilioSms(this IVerificationBuilder builder) => AddCore(builder, null);

    /// <summary>Adds the Twilio SMS sender, configured from the <c>Verification:Twilio</c> section and then by <paramref name="configure"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets options; runs after configuration binding, so it wins.</param>
    /// <returns>The builder.</returns>
    public static IVerificationBuilder AddTwilioSms(this IVerificationBuilder builder, Action<TwilioSmsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddCore(builder, configure);
    }

    /// <summary>
    /// Adds a health check of Twilio: a GET of the account resource (<c>/2010-04-01/Accounts/{AccountSid}.json</c>)
    /// with the configured credentials must show an active account; no SMS is sent. Needs
    /// <c>AddVerification().AddTwilioSms(…)</c>. Tagged <c>verification</c> besides <paramref name="tags"/>.
    /// </summary>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">The status reported on failure; defaults to unhealthy.</param>
    /// <param name="tags">More tags to filter checks by.</param>
    /// <param name="timeout">How long the check may take; defaults to none beyond the HTTP client's timeout.</param>
    /// <returns>The health checks builder.</returns>
    public static IHealthChecksBuilder AddVerificationTwilio(
        this IHealthChecksBuilder builder,
        string name = "verification-twilio",
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null,
        TimeSpan? timeout = null)
    {
        return HealthCheckTags.Register(
            builder,
            name,
            static sp =>
            {
                var sender = sp.GetServices<ISmsSender>().OfType<TwilioSmsSender>().FirstOrDefault()
                    ?? throw new InvalidOperationException("AddVerificationTwilio() needs the sender: call services.AddVerification().AddTwilioSms(…).");
                return ProbeHealthCheck.Remote("Twilio", sender.ProbeAsync);
            },
            failureStatus,
            tags,
            timeout);
    }

    private static IVerificationBuilder AddCore(IVerificationBuilder builder, Action<TwilioSmsOptions>? configure)
    {
        AdapterRegistration.Add<TwilioSmsOptions, TwilioOptionsValidator>(
            builder, TwilioSmsOptions.SectionName, TwilioOptionsBinder.Bind, static services => AdapterHttpClient.Add(services, TwilioSmsOptions.HttpClientName), configure);

        // A singleton that asks IHttpClientFactory for a client per call: handler rotation (DNS changes) keeps working.
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ISmsSender, TwilioSmsSender>());
        return builder;
    }
}
