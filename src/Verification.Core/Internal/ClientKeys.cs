using System.Net;
using System.Net.Sockets;

namespace Verification;

/// <summary>Limit keys derived from what the host says about the client.</summary>
internal static class ClientKeys
{
    /// <summary>IPv4 addresses count alone; IPv6 addresses per /64, the block one subscriber usually holds.</summary>
    public static string IpBucket(IPAddress ip)
    {
        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }

        if (ip.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return ip.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        ip.TryWriteBytes(bytes, out _);
        return Convert.ToHexStringLower(bytes[..8]) + "::/64";
    }
}
