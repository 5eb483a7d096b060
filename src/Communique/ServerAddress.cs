using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Communique;

// Where this server can be reached, known once it listens. By then port 0 is the port it got; a wildcard host
// (+, *, 0.0.0.0, [::]) becomes this machine's name, which a mail reader on another machine can look up, while
// localhost and a named address stay as they are.
public sealed class ServerAddress(IServer server)
{
    private static readonly string[] Wildcards = ["+", "*", "0.0.0.0", "[::]", "::"];

    private string[]? _urls;

    public IReadOnlyList<string> Urls => _urls ?? Resolve();

    public string? First => Urls.Count > 0 ? Urls[0] : null;

    private string[] Resolve()
    {
        var urls = (server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
            .Select(BindingAddress.Parse)
            .Where(a => !a.IsUnixPipe)
            .Select(a => $"{a.Scheme}://{Host(a)}:{a.Port}{a.PathBase}")
            .ToArray();
        // Empty until the server listens; asked again then.
        if (urls.Length > 0)
        {
            _urls = urls;
        }

        return urls;
    }

    private static string Host(BindingAddress address) =>
        Wildcards.Contains(address.Host) ? System.Net.Dns.GetHostName() : address.Host;
}
