using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Verification.FaultRun;

/// <summary>The service with its HTTP endpoints on Kestrel at 127.0.0.1:0, set up for a load run.</summary>
internal sealed class AppHost : IAsyncDisposable
{
    public static readonly string HashKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string SigningSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private readonly WebApplication _app;

    private AppHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<AppHost> StartAsync(LogCapture logs, Action<IVerificationBuilder> configure)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(logs);

        // IHttpClientFactory keeps each handler (and through its scope the whole stopped host: store, logs) for the
        // handler lifetime, 2 minutes by default, and then until its cleanup timer runs. A short lifetime lets the
        // run measure memory after its hosts are really gone.
        builder.Services.ConfigureHttpClientDefaults(static b => b.SetHandlerLifetime(TimeSpan.FromSeconds(1)));
        var verification = builder.Services.AddVerification(o =>
        {
            o.Tokens.Algorithm = "HS256";
            o.Tokens.SigningKeys.Add(new SigningKeyOptions { KeyId = "faultrun", Secret = SigningSecret });
            o.Tokens.HashKey = HashKey;
            o.Code.Length = 10; // a duplicate delivery is then told apart from a repeated code with certainty
            // A delivery that times out fails over by design (docs/providers.md), so a provider that accepted the
            // message but answered after the timeout gives a second delivery. Hung requests wait this long; 3 s keeps
            // a scheduler stall of this busy 2-core process from passing for a hung provider.
            o.Delivery.Timeout = TimeSpan.FromSeconds(3);
            o.Delivery.MaxRetries = 2;
            o.Delivery.RetryDelay = TimeSpan.FromMilliseconds(20);
            o.Delivery.CircuitBreaker.MinimumThroughput = 10;
            o.Delivery.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(2);
            o.Delivery.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(1);
            o.Throttling.PerIp = new RateWindow(0, TimeSpan.FromHours(1));
            o.Throttling.PerDevice = new RateWindow(0, TimeSpan.FromHours(1));
            o.Throttling.PerNumberPrefix = new RateWindow(0, TimeSpan.FromHours(1));
            o.Throttling.ContactBurst = new RateWindow(0, TimeSpan.FromMinutes(10));
            o.Throttling.GlobalSmsPerDay = 0;
            o.Throttling.GlobalSmsPerHour = 0;
            o.Throttling.GlobalSmsPerRegionPerHour = 0;
            o.Throttling.SmsPerPrefixPerHour = 0;
            o.Throttling.GlobalEmailPerDay = 0;
            o.Throttling.GlobalEmailPerHour = 0;
        });
        configure(verification);
        var app = builder.Build();
        app.MapVerificationEndpoints();
        await app.StartAsync();
        return new AppHost(app, new Uri(app.Urls.Single()));
    }

    public HttpClient CreateClient() => new() { BaseAddress = Address, Timeout = FaultRunner.AnswerBound + TimeSpan.FromSeconds(8) };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
