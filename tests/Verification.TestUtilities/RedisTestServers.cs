using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Verification.TestUtilities;

/// <summary>
/// The Redis servers eng/test.sh starts (a single node and a 3-master cluster on loopback ports), found through
/// environment variables. Missing variables fail the tests (never skip them), with a message saying what to run.
/// </summary>
public static class RedisTestServers
{
    public const string SingleVariable = "VERIFICATION_TEST_REDIS";
    public const string ClusterVariable = "VERIFICATION_TEST_REDIS_CLUSTER";

    private static readonly Lazy<ConnectionMultiplexer> LazySingle = new(() => Connect(Require(SingleVariable)));
    private static readonly Lazy<ConnectionMultiplexer> LazyCluster = new(() => Connect(Require(ClusterVariable)));

    public static ConnectionMultiplexer Single => LazySingle.Value;

    public static ConnectionMultiplexer Cluster => LazyCluster.Value;

    public static string SingleAddress => Require(SingleVariable);

    public static string Require(string variable)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrWhiteSpace(value))
        {
            return value;
        }

        var ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        throw new InvalidOperationException(
            (ci ? "CI must run the Redis tests, but " : string.Empty) + $"{variable} is not set. These tests need real Redis servers: run ./eng/test.sh, " +
            $"which installs Debian's redis-server, starts a single node and a 3-master Redis Cluster on loopback ports and sets {SingleVariable} and {ClusterVariable}.");
    }

    public static ConnectionMultiplexer Connect(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.AllowAdmin = true;
        return ConnectionMultiplexer.Connect(options);
    }

    public static RedisStoreOptions UniqueOptions() => new() { KeyPrefix = "test-" + Guid.NewGuid().ToString("N") };

    /// <summary>Every key under <paramref name="prefix"/> on every master, with its time to live.</summary>
    public static async Task<List<(string Key, TimeSpan? Ttl)>> KeysAsync(IConnectionMultiplexer multiplexer, string prefix)
    {
        var keys = new List<(string, TimeSpan?)>();
        var database = multiplexer.GetDatabase();
        foreach (var endpoint in multiplexer.GetEndPoints())
        {
            var server = multiplexer.GetServer(endpoint);
            if (!server.IsConnected || server.IsReplica)
            {
                continue;
            }

            await foreach (var key in server.KeysAsync(pattern: prefix + "*"))
            {
                keys.Add((key!, await database.KeyTimeToLiveAsync(key)));
            }
        }

        return keys;
    }

    /// <summary>Asserts that every key under <paramref name="prefix"/> has a time to live of at most <paramref name="longest"/>.</summary>
    public static async Task AssertAllKeysExpireAsync(IConnectionMultiplexer multiplexer, string prefix, TimeSpan longest)
    {
        var keys = await KeysAsync(multiplexer, prefix);
        Assert.NotEmpty(keys);
        Assert.All(keys, k =>
        {
            Assert.True(k.Ttl is { } ttl && ttl > TimeSpan.Zero && ttl <= longest + TimeSpan.FromSeconds(1), $"{k.Key} has TTL {k.Ttl?.ToString() ?? "none"}");
        });
    }
}

/// <summary>
/// A redis-server of one test's (or one fault run's) own on a free loopback port, that can be stopped (killed: no
/// goodbye to the clients) and started again on the same port. A durable one keeps an append-only file, synced on
/// every write, in a temporary folder of its own, so that what Redis acknowledged survives a kill and a restart.
/// </summary>
public sealed class RedisProcess : IDisposable
{
    private readonly string? _directory;
    private Process? _process;

    /// <summary>Starts the server.</summary>
    /// <param name="durable">Keep the data across <see cref="Stop"/> and <see cref="Start"/> (append-only file, fsync always).</param>
    public RedisProcess(bool durable = false)
    {
        _directory = durable ? Directory.CreateTempSubdirectory("verification-redis-").FullName : null;
        Port = Loopback.FreePort();
        Start();
    }

    public int Port { get; }

    public string Address => $"127.0.0.1:{Port}";

    public bool Running => _process is { HasExited: false };

    public void Start()
    {
        var info = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] persistence = _directory is null
            ? ["--appendonly", "no"]
            : ["--dir", _directory, "--appendonly", "yes", "--appendfsync", "always"];
        foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty }.Concat(persistence))
        {
            info.ArgumentList.Add(arg);
        }

        try
        {
            _process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("redis-server is not on PATH: run ./eng/test.sh, which installs Debian's redis-server (or apt-get install redis-server).", e);
        }

        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                using var stream = client.GetStream();
                stream.Write("PING\r\n"u8);
                var buffer = new byte[16];
                if (stream.Read(buffer) > 0 && buffer[0] == (byte)'+')
                {
                    return;
                }
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(30) && !_process.HasExited)
            {
            }
            catch (IOException) when (deadline.Elapsed < TimeSpan.FromSeconds(30) && !_process.HasExited)
            {
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(30) || _process.HasExited)
            {
                throw new InvalidOperationException($"redis-server did not start on port {Port}.");
            }

            Thread.Sleep(20);
        }
    }

    /// <summary>Kills the server (SIGKILL: no goodbye to the clients).</summary>
    public void Stop()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            process.WaitForExit();
        }

        _process?.Dispose();
        _process = null;
    }

    public void Dispose()
    {
        Stop();
        if (_directory is not null)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
