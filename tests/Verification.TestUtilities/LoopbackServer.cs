using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Verification.TestUtilities;

/// <summary>
/// A real HTTP peer for a provider's stand-in: Kestrel on <c>http://127.0.0.1:0</c> inside the test process, without
/// logging, answering every request with the given handler. Disposing it first cancels <see cref="Stopping"/>, so that
/// handlers that never answer let the server stop.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping;

    private LoopbackServer(WebApplication app, CancellationTokenSource stopping)
    {
        _app = app;
        _stopping = stopping;
        BaseAddress = new Uri(app.Urls.Single().TrimEnd('/') + "/");
    }

    /// <summary>The server's root, for example <c>http://127.0.0.1:43817/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Canceled when the server is disposed.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Starts a server that answers every request with <paramref name="handle"/> (given <see cref="Stopping"/>).</summary>
    public static async Task<LoopbackServer> StartAsync(Func<HttpContext, CancellationToken, Task> handle)
    {
        var stopping = new CancellationTokenSource();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Run(context => handle(context, stopping.Token));
        await app.StartAsync();
        return new LoopbackServer(app, stopping);
    }

    /// <summary>Accepts the request and never answers, until the client gives up or the server stops.</summary>
    public static async Task NeverAnswerAsync(HttpContext context, CancellationToken stopping)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        try
        {
            await Task.Delay(Timeout.Infinite, either.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}
