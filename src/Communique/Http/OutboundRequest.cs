using System.Net;

namespace Communique.Http;

// A request to an address that a user gave (a chat bot's REST action). AllowedNetworks lists the private networks
// this caller may reach; usually none. Binary: the response is wanted as bytes (an image), not as text.
public sealed record OutboundRequest(
    HttpMethod Method,
    Uri Url,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    string? Body,
    string? ContentType,
    TimeSpan Timeout,
    int MaxResponseBytes,
    IReadOnlyList<IPNetwork> AllowedNetworks)
{
    public bool Binary { get; init; }
}
