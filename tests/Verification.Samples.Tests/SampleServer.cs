using System.Net;
using System.Net.Sockets;

namespace Verification.Samples.Tests;

/// <summary>
/// The WebApi sample's built DLL running as a child process on a free loopback port, writing its messages
/// into a fresh temporary pickup directory. Disposing it stops the process and deletes the directory.
/// </summary>
internal sealed class SampleServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly ChildProcess _process;

    private SampleServer(ChildProcess process, Uri baseUrl, Uri managementUrl, string pickupDirectory)
    {
        _process = process;
        BaseUrl = baseUrl;
        ManagementUrl = managementUrl;
        PickupDirectory = pickupDirectory;
    }

    /// <summary>For example <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The management endpoint (<c>Sample:ManagementUrl</c>), where readiness (<c>/healthz</c>) is served.</summary>
    public Uri ManagementUrl { get; }

    /// <summary>The folder the sample writes each message into, as one JSON file.</summary>
    public string PickupDirectory { get; }

    /// <summary>What the sample printed so far, for failure messages.</summary>
    public string Transcript => _process.Transcript;

    /// <summary>Starts the sample; <paramref name="settings"/> are extra command-line settings such as <c>--Verification:Code:Length=8</c>.</summary>
    public static async Task<SampleServer> StartAsync(params string[] settings)
    {
        var dll = Samples.RequireFile(Samples.WebApiDll);

        // A free port can be taken between the probe and the bind: try again with another one if the sample dies.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreeLoopbackPort();
            var managementPort = FreeLoopbackPort();
            var baseUrl = new Uri($"http://127.0.0.1:{port}/");
            var managementUrl = new Uri($"http://127.0.0.1:{managementPort}/");
            var pickup = Directory.CreateTempSubdirectory("verification-pickup-").FullName;
            string[] arguments = [dll, "--urls", $"http://127.0.0.1:{port}", $"--Sample:ManagementUrl=http://127.0.0.1:{managementPort}", $"--Verification:PickupDirectory={pickup}", .. settings];

            // Development: a built (unpublished) web app serves wwwroot from the project folder through its static
            // web assets manifest only in that environment. The working directory is the content root, where
            // appsettings.json was copied by the build.
            var process = ChildProcess.Start(Samples.DotNetHost, arguments, Path.GetDirectoryName(dll)!, new Dictionary<string, string?>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["ASPNETCORE_URLS"] = null,
                ["DOTNET_URLS"] = null,
            });
            var server = new SampleServer(process, baseUrl, managementUrl, pickup);
            try
            {
                await server.WaitUntilHealthyAsync();
                return server;
            }
            catch (Exception) when (process.HasExited && attempt < 3)
            {
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The sample exited with code {_process.ExitCode} before answering /healthz.\n{Transcript}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(ManagementUrl, "healthz"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The sample did not answer GET /healthz within {StartTimeout.TotalSeconds:0} s.\n{Transcript}");
            }

            await Task.Delay(100);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public ValueTask DisposeAsync()
    {
        _process.Dispose();
        try
        {
            Directory.Delete(PickupDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: it is a temporary folder.
        }

        return ValueTask.CompletedTask;
    }
}
