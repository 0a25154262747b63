using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Verification.Captcha.Tests;

/// <summary>
/// A real container with Verification and one captcha registration, fake logging at Trace level and, when asked,
/// a fake clock or another code store.
/// </summary>
internal sealed class Harness : IDisposable
{
    public static readonly VerificationContext Client = new() { ClientIp = IPAddress.Parse("203.0.113.7") };

    private readonly ServiceProvider _provider;

    public Harness(Action<IVerificationBuilder> register, TimeProvider? time = null, ICodeStore? store = null, FakeSmsSender? outbox = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        if (store is not null)
        {
            services.AddSingleton(store);
        }

        var builder = services.AddVerification(o => o.Tokens.AllowEphemeralKey = true);
        if (outbox is not null)
        {
            builder.AddSmsSender(outbox);
        }

        register(builder);
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public ICaptchaValidator Validator => _provider.GetRequiredService<ICaptchaValidator>();

    public IVerificationService Service => _provider.GetRequiredService<IVerificationService>();

    public FakeLogCollector Logs => _provider.GetFakeLogCollector();

    public IServiceProvider Services => _provider;

    public static Harness Turnstile(Uri endpoint, string secret = TestKeys.TurnstileAlwaysPasses, Action<CaptchaOptions>? configure = null, TimeProvider? time = null, ICodeStore? store = null) =>
        new(b => b.AddTurnstileCaptcha(o =>
        {
            o.Secret = secret;
            o.Endpoint = endpoint;
            configure?.Invoke(o);
        }), time, store);

    public void Dispose() => _provider.Dispose();
}

/// <summary>Assertions on validation results.</summary>
internal static class Expect
{
    public static void Valid(CaptchaValidationResult result) =>
        Assert.True(result.Status == CaptchaValidationStatus.Valid, $"Expected Valid, got {result.Status} ({result.Reason}).");

    public static void Invalid(CaptchaValidationResult result, string reason)
    {
        Assert.Equal(CaptchaValidationStatus.Invalid, result.Status);
        Assert.Equal(reason, result.Reason);
    }

    public static void Unavailable(CaptchaValidationResult result, string reason)
    {
        Assert.Equal(CaptchaValidationStatus.Unavailable, result.Status);
        Assert.Equal(reason, result.Reason);
    }
}

/// <summary>A fake clock starting at a fixed instant.</summary>
internal static class Clock
{
    public static FakeTimeProvider Fake() => new(new DateTimeOffset(2026, 3, 1, 8, 30, 0, TimeSpan.Zero));
}
