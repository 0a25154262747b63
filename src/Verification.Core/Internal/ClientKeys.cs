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

        return Ipv6Block(ip, 64)!;
    }

    /// <summary>
    /// The /<paramref name="prefixLength"/> block of an IPv6 address (56: a household or small site, 48: a site or a
    /// provider's customer block), or null for IPv4 (mapped addresses included), which has no such blocks to count.
    /// </summary>
    public static string? Ipv6Block(IPAddress ip, int prefixLength)
    {
        if (ip.AddressFamily != AddressFamily.InterNetworkV6 || ip.IsIPv4MappedToIPv6)
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[16];
        ip.TryWriteBytes(bytes, out _);
        return Convert.ToHexStringLower(bytes[..(prefixLength / 8)]) + "::/" + prefixLength.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
