using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Http.Resilience;

namespace Verification.Captcha.Tests;

/// <summary>The captcha siteverify client drops a retrying handler the app adds to every client: one request per attempt the library decides on.</summary>
public sealed class ResilienceIsolationTests
{
    [Fact]
    public void CreateHandler_AppWideStandardResilience_ProviderClientHasNoResilienceHandlerButOtherClientsKeepIt()
    {
        var services = new ServiceCollection();
        services.ConfigureHttpClientDefaults(static b => b.AddStandardResilienceHandler());
        services.AddVerification().AddTurnstileCaptcha();
        using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IHttpMessageHandlerFactory>();

        Assert.DoesNotContain(Chain(factory.CreateHandler(CaptchaSiteverify.HttpClientName)), static handler => handler is ResilienceHandler);
        Assert.Contains(Chain(factory.CreateHandler("the-apps-own-client")), static handler => handler is ResilienceHandler);
    }

    private static IEnumerable<HttpMessageHandler> Chain(HttpMessageHandler handler)
    {
        for (HttpMessageHandler? current = handler; current is not null; current = (current as DelegatingHandler)?.InnerHandler)
        {
            yield return current;
        }
    }
}
