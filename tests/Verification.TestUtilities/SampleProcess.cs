using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Verification.TestUtilities;

/// <summary>
/// The real samples/Verification.Samples.WebApi, started from its build output as a child process on a free
/// loopback port, with a pickup directory from which the tests read the codes, and its management endpoint
/// (readiness, <c>/healthz</c>) on another free loopback port. Killed on dispose.
/// </summary>
public sealed partial class SampleProcess : IDisposable
{
    private readonly Process _process;
    private readonly HashSet<string> _seenFiles = new(StringComparer.Ordinal);
    private readonly Queue<string> _output = new();

    private SampleProcess(Process process, string pickupDirectory, int managementPort)
    {
        _process = process;
        PickupDirectory = pickupDirectory;
        ManagementPort = managementPort;
    }

    public string PickupDirectory { get; }

    /// <summary>The public endpoint.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>The management endpoint (<c>Sample:ManagementUrl</c>), where readiness is served.</summary>
    public HttpClient ManagementClient { get; private set; } = null!;

    public int ManagementPort { get; }

    public static async Task<SampleProcess> StartAsync(params string[] extraArgs)
    {
        var projectDirectory = Metadata("SampleWebApiProjectDirectory");
        var dll = Path.Combine(projectDirectory, "bin", Metadata("BuildConfiguration"), Metadata("BuildTargetFramework"), "Verification.Samples.WebApi.dll");
        Assert.True(File.Exists(dll), $"The sample is not built at {dll}.");
        var pickup = Path.Combine(Path.GetTempPath(), "verification-sample-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(pickup);

        var managementPort = FreeLoopbackPort();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = projectDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])
        [
            dll,
            "--urls", "http://127.0.0.1:0",
            "--contentRoot", projectDirectory,
            "--environment", "Production",
            "--Verification:PickupDirectory=" + pickup,
            $"--Sample:ManagementUrl=http://127.0.0.1:{managementPort}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
            .. extraArgs,
        ])
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in (string[])["ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_URLS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT"])
        {
            start.Environment.Remove(name);
        }

        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var sample = new SampleProcess(process, pickup, managementPort);
        process.OutputDataReceived += (_, e) => sample.OnOutput(e.Data, listening);
        process.ErrorDataReceived += (_, e) => sample.OnOutput(e.Data, listening);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"The sample exited with {process.ExitCode}:\n{sample.Output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            var address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
            sample.Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
            sample.ManagementClient = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{managementPort}/"), Timeout = TimeSpan.FromSeconds(30) };
            return sample;
        }
        catch (TimeoutException)
        {
            sample.Dispose();
            throw new TimeoutException($"The sample did not report its address within 60 s:\n{sample.Output}");
        }
        catch
        {
            sample.Dispose();
            throw;
        }
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    /// <summary>The code of the one message that arrived in the pickup folder since the last call.</summary>
    public (string To, string Body, string Code) TakeMessage()
    {
        var files = Directory.GetFiles(PickupDirectory, "*.json").Where(f => !_seenFiles.Contains(f)).ToList();
        var file = Assert.Single(files);
        _seenFiles.Add(file);
        using var document = JsonDocument.Parse(File.ReadAllBytes(file));
        var to = document.RootElement.GetProperty("to").GetString()!;
        var body = document.RootElement.GetProperty("body").GetString()!;
        var code = CodePattern().Match(body);
        Assert.True(code.Success, $"No code in: {body}");
        return (to, body, code.Value);
    }

    public void Dispose()
    {
        Client?.Dispose();
        ManagementClient?.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }

        _process.Dispose();
        try
        {
            Directory.Delete(PickupDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void OnOutput(string? line, TaskCompletionSource<Uri> listening)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > 200)
            {
                _output.Dequeue();
            }
        }

        var match = ListeningPattern().Match(line);
        if (match.Success && new Uri(match.Groups[1].Value).Port != ManagementPort)
        {
            listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Metadata(string key) =>
        typeof(SampleProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningPattern();

    [GeneratedRegex(@"(?<![0-9])[0-9]{6}(?![0-9])")]
    private static partial Regex CodePattern();
}
