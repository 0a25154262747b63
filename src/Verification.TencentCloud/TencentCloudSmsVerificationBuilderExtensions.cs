using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Verification;
using Verification.Shared;
using Verification.TencentCloud;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds Tencent Cloud SMS (API 3.0 <c>SendSms</c>) as an SMS sender of Verification.</summary>
/// <remarks>
/// <para>The sender is added to the <see cref="ISmsSender"/>s, which are tried in the order they were added: add it
/// before a fallback provider. Its options bind from the <c>Verification:TencentCloudSms</c> section of the app's
/// <see cref="IConfiguration"/> when one is registered and are validated at start: the host fails to start (or
/// resolving <see cref="IVerificationService"/> throws <see cref="OptionsValidationException"/>) with messages that
/// name the key to fix. Code given to the methods runs after configuration binding, so it wins. Calling them again
/// is harmless.</para>
/// <para>Requests go through the <see cref="TencentCloudSmsOptions.HttpClientName"/> client of
/// <see cref="System.Net.Http.IHttpClientFactory"/>, which follows no redirects. See <c>docs/providers.md</c>.</para>
/// </remarks>
public static class TencentCloudSmsVerificationBuilderExtensions
{
    /// <summary>Adds the Tencent Cloud SMS sender, configured from the <c>Verification:TencentCloudSms</c> section.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IVerificationBuilder AddTencentCloudSms(this IVerificationBuilder builder) => AddCore(builder, null);

    /// <summary>
    /// Adds the Tencent Cloud SMS sender, configured from the <c>Verification:TencentCloudSms</c> section and then by
    /// <paramref name="configure"/>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets options; runs after configuration binding, so it wins.</param>
    /// <returns>The builder.</returns>
    public static IVerificationBuilder AddTencentCloudSms(this IVerificationBuilder builder, Action<TencentCloudSmsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddCore(builder, configure);
    }

    /// <summary>
    /// Adds a health check of Tencent Cloud SMS: a signed, read-only <c>SmsPackagesStatistics</c> call for the
    /// configured SmsSdkAppId must be answered without an error (reachability and credentials); no SMS is sent. Needs
    /// <c>AddVerification().AddTencentCloudSms(…)</c>. Tagged <c>verification</c> besides <paramref name="tags"/>.
    /// </summary>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">The status reported on failure; defaults to unhealthy.</param>
    /// <param name="tags">More tags to filter checks by.</param>
    /// <param name="timeout">How long the check may take; defaults to none beyond <see cref="TencentCloudSmsOptions.Timeout"/>.</param>
    /// <returns>The health checks builder.</returns>
    public static IHealthChecksBuilder AddVerificationTencentCloudSms(
        this IHealthChecksBuilder builder,
        string name = "verification-tencentcloud-sms",
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null,
        TimeSpan? timeout = null)
    {
        return HealthCheckTags.Register(
            builder,
            name,
            static sp =>
            {
                var sender = sp.GetService<TencentCloudSmsSender>()
                    ?? throw new InvalidOperationException("AddVerificationTencentCloudSms() needs the sender: call services.AddVerification().AddTencentCloudSms(…).");
                return ProbeHealthCheck.Remote("Tencent Cloud SMS", sender.ProbeAsync);
            },
            failureStatus,
            tags,
            timeout);
    }

    private static IVerificationBuilder AddCore(IVerificationBuilder builder, Action<TencentCloudSmsOptions>? configure) =>
        AdapterRegistration.Add<TencentCloudSmsOptions, TencentCloudSmsOptionsValidator>(
            builder, TencentCloudSmsOptions.SectionName, TencentCloudSmsOptionsBinder.Bind, RegisterOnce, configure);

    private static void RegisterOnce(IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);

        // The factory's loggers are removed (see AdapterRegistration); the signature headers are also redacted in case
        // an app adds them back.
        AdapterHttpClient.Add(services, TencentCloudSmsOptions.HttpClientName)
            .RedactLoggedHeaders(static name =>
                string.Equals(name, "Authorization", StringComparison.OrdinalIgnoreCase) || string.Equals(name, "X-TC-Token", StringComparison.OrdinalIgnoreCase));

        services.TryAddSingleton(TencentCloudSmsSender.Create);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISmsSender, TencentCloudSmsSender>(static sp => sp.GetRequiredService<TencentCloudSmsSender>()));
    }
}
