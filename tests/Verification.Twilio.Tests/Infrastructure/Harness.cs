using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Verification.Twilio.Tests;

/// <summary>A real container with Verification, the Twilio sender and fake logging at Trace level.</summary>
internal sealed class Harness : IDisposable
{
    private readonly ServiceProvider _provider;

    public Harness(Action<IVerificationBuilder> register, IConfiguration? configuration = null, Action<IServiceCollection>? services = null)
    {
        var collection = new ServiceCollection();
        collection.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
        if (configuration is not null)
        {
            collection.AddSingleton(configuration);
        }

        services?.Invoke(collection);
        register(collection.AddVerification(o => o.Tokens.AllowEphemeralKey = true));
        _provider = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public ISmsSender Twilio => Assert.Single(_provider.GetServices<ISmsSender>(), s => s.Name == "twilio");

    public IVerificationService Service => _provider.GetRequiredService<IVerificationService>();

    public FakeLogCollector Logs => _provider.GetFakeLogCollector();

    public IServiceProvider Services => _provider;

    /// <summary>The Twilio sender with the test account's auth token and number, posting to <paramref name="endpoint"/>.</summary>
    public static Harness For(Uri endpoint, Action<TwilioSmsOptions>? configure = null, Action<IServiceCollection>? services = null) =>
        new(b => b.AddTwilioSms(o =>
        {
            Account(o);
            o.Endpoint = endpoint;
            configure?.Invoke(o);
        }), services: services);

    public static void Account(TwilioSmsOptions o)
    {
        o.AccountSid = TestAccount.AccountSid;
        o.AuthToken = TestAccount.AuthToken;
        o.From = TestAccount.From;
    }

    public static IConfiguration Configuration(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    public void Dispose() => _provider.Dispose();
}

/// <summary>Messages to send straight to the sender.</summary>
internal static class Messages
{
    public const string Phone = "+8615588665555";
    public const string Code = "804519";

    public static VerificationMessage Sms(string to = Phone, string code = Code) => new()
    {
        Channel = VerificationChannel.Sms,
        To = to,
        Body = $"Your Demo verification code is {code}. It expires in 5 minutes.",
        Code = code,
        Lifetime = TimeSpan.FromMinutes(5),
        Culture = CultureInfo.InvariantCulture,
    };
}
