using Microsoft.Extensions.Http;
using Microsoft.Extensions.Http.Resilience;

namespace Verification.Twilio.Tests;

/// <summary>
/// An app that adds the standard resilience handler to every client (as Aspire's ServiceDefaults do) must not make
/// the library re-send an SMS: the Twilio client drops that handler, so each delivery attempt is one POST.
/// </summary>
public sealed class ResilienceIsolationTests
{
    private const string Phone = "+86 15588665555";

    [Fact]
    public async Task SendAsync_AppWideStandardResilience_ProviderAnswers5xx_MakesOneRequest()
    {
        await using var standIn = await TwilioStandIn.StartAsync(then: Answer.Error(503, 20503, "Service Unavailable"));
        using var h = Harness.For(standIn.Endpoint, services: AppWideResilience);

        var sent = await h.Service.SendAsync(new VerificationRequest(PhoneNumber: Phone));

        Assert.False(sent.Succeeded);
        Assert.Single(standIn.Requests);
    }

    [Fact]
    public async Task SendAsync_AppWideStandardResilience_ProviderTimesOut_MakesOneRequest()
    {
        await using var standIn = await TwilioStandIn.StartAsync(hang: true);
        using var h = new Harness(
            b => b.AddTwilioSms(o =>
            {
                Harness.Account(o);
                o.Endpoint = standIn.Endpoint;
            }).Services.Configure<VerificationOptions>(o => o.Delivery.Timeout = TimeSpan.FromSeconds(2)),
            services: AppWideResilience);

        var sent = await h.Service.SendAsync(new VerificationRequest(PhoneNumber: Phone));

        Assert.False(sent.Succeeded);
        Assert.Single(standIn.Requests);
    }

    [Fact]
    public async Task SendAsync_AppWideStandardResilience_ProviderSucceedsSlowly_MakesOneRequestAndSucceeds()
    {
        // Slower than the app's attempt timeout: the app's handler would give up on the first POST and send another.
        await using var standIn = await TwilioStandIn.StartAsync(delay: TimeSpan.FromSeconds(1));
        using var h = Harness.For(standIn.Endpoint, services: AppWideResilience);

        var sent = await h.Service.SendAsync(new VerificationRequest(PhoneNumber: Phone));

        Assert.True(sent.Succeeded, sent.ToString());
        Assert.Single(standIn.Requests);
    }

    [Fact]
    public void CreateHandler_AppWideStandardResilience_TwilioClientHasNoResilienceHandlerButOtherClientsKeepIt()
    {
        using var h = Harness.For(new Uri("https://api.twilio.com"), services: AppWideResilience);
        var factory = h.Services.GetRequiredService<IHttpMessageHandlerFactory>();

        Assert.DoesNotContain(Chain(factory.CreateHandler(TwilioSmsOptions.HttpClientName)), static handler => handler is ResilienceHandler);
        Assert.Contains(Chain(factory.CreateHandler("the-apps-own-client")), static handler => handler is ResilienceHandler);
    }

    /// <summary>What Aspire's ServiceDefaults do, with an attempt timeout short enough to trip on the stand-in.</summary>
    private static void AppWideResilience(IServiceCollection services) =>
        services.ConfigureHttpClientDefaults(static b => b.AddStandardResilienceHandler(static o =>
        {
            o.AttemptTimeout.Timeout = TimeSpan.FromMilliseconds(200);
            o.Retry.Delay = TimeSpan.Zero;
            o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(10);
        }));

    private static IEnumerable<HttpMessageHandler> Chain(HttpMessageHandler handler)
    {
        for (HttpMessageHandler? current = handler; current is not null; current = (current as DelegatingHandler)?.InnerHandler)
        {
            yield return current;
        }
    }
}
