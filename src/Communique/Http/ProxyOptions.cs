using System.ComponentModel.DataAnnotations;

namespace Communique.Http;

public sealed class ProxyOptions
{
    public const string Section = "ForwardedHeaders";

    // Addresses (e.g. "10.0.0.5") and networks (e.g. "10.0.0.0/8") of the load balancers or reverse proxies in front
    // of the server. Loopback is always trusted, as a proxy on the same host would be.
    public string[] KnownProxies { get; set; } = [];

    public string[] KnownNetworks { get; set; } = [];

    // How many proxies, from the nearest, may each add an address to X-Forwarded-For.
    [Range(1, 10)]
    public int ForwardLimit { get; set; } = 1;
}
