using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Verification.TencentCloud.Tests;

/// <summary>A real container with Verification and the Tencent Cloud SMS sender, fake logging at Trace and a fake clock.</summary>
internal sealed class Harness : IDisposable
{
    public const string Phone = "+8615588665555";

    /// <summary>Where the fake clock starts, and the stand-ins' clock: 2026-03-01 08:30:00 UTC.</summary>
    public static readonly DateTimeOffset Now = new(2026, 3, 1, 8, 30, 0, TimeSpan.Zero);

    private readonly ServiceProvider _provider;

    public Harness(Uri endpoint, Action<TencentCloudSmsOptions>? configure = null, IConfiguration? configuration = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
        services.AddSingleton<TimeProvider>(Time);
        if (configuration is not null)
        {
            services.AddSingleton(configuration);
        }

        services.AddVerification(o =>
        {
            o.Tokens.AllowEphemeralKey = true;

            // The clock is fake: retries of not-processed answers must not wait on it.
            o.Delivery.RetryDelay = TimeSpan.Zero;
        }).AddTencentCloudSms(o =>
        {
            o.SecretId = Account.SecretId;
            o.SecretKey = Account.SecretKey;
            o.Region = Account.Region;
            o.SmsSdkAppId = Account.SmsSdkAppId;
            o.TemplateId = Account.TemplateId;
            o.SignName = Account.SignName;
            o.Endpoint = endpoint;
            configure?.Invoke(o);
        });
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>The sender's clock, starting at <see cref="Now"/>.</summary>
    public FakeTimeProvider Time { get; } = new(Now);

    public ISmsSender Sender => _provider.GetServices<ISmsSender>().Single();

    public IVerificationService Service => _provider.GetRequiredService<IVerificationService>();

    public FakeLogCollector Logs => _provider.GetFakeLogCollector();

    public IServiceProvider Services => _provider;

    public static VerificationMessage Message(string code = "482913", string to = Phone, TimeSpan? lifetime = null) => new()
    {
        Channel = VerificationChannel.Sms,
        To = to,
        Body = $"Your code is {code}.",
        Code = code,
        Lifetime = lifetime ?? TimeSpan.FromMinutes(5),
        Culture = CultureInfo.InvariantCulture,
    };

    /// <summary>Every log line flattened to text: message, exception, structured state and scopes.</summary>
    public static string Text(FakeLogRecord record) => string.Join('\n', new[] { record.Message, record.Exception?.ToString() }
        .Concat(record.StructuredState?.Select(kv => kv.Key + "=" + kv.Value) ?? [])
        .Concat(record.Scopes.Select(s => s?.ToString())));

    public void Dispose() => _provider.Dispose();
}
