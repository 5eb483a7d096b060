using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Communique.Push;

public sealed class PushOptions
{
    public const string Section = "Push";

    // Networks that push services may be on beside the public internet (CIDRs separated by spaces); none by default:
    // a subscription's endpoint is a URL a browser, or an attacker, gave, and this server POSTs to it.
    [MaxLength(2000)]
    public string AllowedNetworks { get; set; } = "";

    // A PEM file of certificates trusted as roots for push services beside the system's (a private push service).
    public string? TrustedCertificates { get; set; }

    [Url]
    public string FcmBaseUrl { get; set; } = "https://fcm.googleapis.com";

    [Url]
    public string ApnsProductionUrl { get; set; } = "https://api.push.apple.com";

    [Url]
    public string ApnsSandboxUrl { get; set; } = "https://api.sandbox.push.apple.com";

    // Messages handed to push services at once, by one delivery run.
    [Range(1, 1024)]
    public int Parallelism { get; set; } = 64;

    [Range(1, 300)]
    public int RequestTimeoutSeconds { get; set; } = 30;

    // Subscriptions one user may have (their browsers and devices); registering one more replaces the oldest.
    [Range(1, 1000)]
    public int MaxSubscriptionsPerUser { get; set; } = 20;

    public IReadOnlyList<IPNetwork> Networks() =>
        [.. AllowedNetworks.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(IPNetwork.Parse)];

    public bool HasValidNetworks() =>
        AllowedNetworks.Split(' ', StringSplitOptions.RemoveEmptyEntries).All(n => IPNetwork.TryParse(n, out _));
}
