using System.Net;

namespace Communique.Http;

// The addresses that a request to a user-given URL may not reach unless the caller allows their network: whatever is
// not the public internet as this server sees it (its own machine, its private networks, the cloud's metadata
// service). An IPv4 address carried inside IPv6 (IPv4-mapped, NAT64) is judged as that IPv4 address, as that is
// where the packets end up.
public static class OutboundAddresses
{
    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");

    // The first network that holds an address names it; the narrow ones come before the ranges that contain them.
    private static readonly (IPNetwork Network, string Kind)[] Refused =
    [
        (IPNetwork.Parse("169.254.169.254/32"), "the cloud metadata address"),
        (IPNetwork.Parse("255.255.255.255/32"), "the broadcast address"),
        (IPNetwork.Parse("0.0.0.0/8"), "an address of \"this network\" (0.0.0.0/8)"),
        (IPNetwork.Parse("10.0.0.0/8"), "a private address"),
        (IPNetwork.Parse("100.64.0.0/10"), "a shared (carrier-grade NAT) address"),
        (IPNetwork.Parse("127.0.0.0/8"), "a loopback address"),
        (IPNetwork.Parse("169.254.0.0/16"), "a link-local address"),
        (IPNetwork.Parse("172.16.0.0/12"), "a private address"),
        (IPNetwork.Parse("192.0.0.0/24"), "an IETF protocol address (192.0.0.0/24)"),
        (IPNetwork.Parse("192.168.0.0/16"), "a private address"),
        (IPNetwork.Parse("198.18.0.0/15"), "a benchmarking address (198.18.0.0/15)"),
        (IPNetwork.Parse("224.0.0.0/4"), "a multicast address"),
        (IPNetwork.Parse("240.0.0.0/4"), "a reserved address (240.0.0.0/4)"),
        (IPNetwork.Parse("::/128"), "the unspecified address"),
        (IPNetwork.Parse("::1/128"), "a loopback address"),
        (IPNetwork.Parse("fc00::/7"), "a private (unique local) address"),
        (IPNetwork.Parse("fe80::/10"), "a link-local address"),
        (IPNetwork.Parse("ff00::/8"), "a multicast address"),
    ];

    // Null when the address may be called; otherwise a sentence that names the address and why it may not. The host
    // is the name that resolved to the address, or null when the URL gave the address itself.
    public static string? Refusal(IPAddress address, IReadOnlyList<IPNetwork> allowed, string? host)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(allowed);
        var judged = Inner(address);
        if (allowed.Any(network => network.Contains(address) || network.Contains(judged)))
        {
            return null;
        }

        var kind = Array.Find(Refused, refused => refused.Network.Contains(judged)).Kind;
        if (kind is null)
        {
            return null;
        }

        var shown = judged.Equals(address) ? address.ToString() : $"{address} (the IPv4 address {judged})";
        return host is null
            ? $"{shown} is {kind}, which this team may not call."
            : $"{host} resolves to {shown}, {kind}, which this team may not call.";
    }

    private static IPAddress Inner(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        return Nat64.Contains(address) ? new IPAddress(address.GetAddressBytes().AsSpan(12)) : address;
    }
}
