using System.Net;
using System.Net.Sockets;

namespace Verification.TestUtilities;

/// <summary>Loopback addresses for the tests' own servers and for "nobody answers here".</summary>
public static class Loopback
{
    /// <summary>A port on 127.0.0.1 that nothing listens on: one the OS just handed out and took back.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>An HTTP URL on which nothing listens, with <paramref name="path"/> after its root.</summary>
    public static Uri ClosedPortUri(string path = "") => new($"http://127.0.0.1:{FreePort()}/{path}");
}
