using Communique.Data;
using Communique.Email;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

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
            .Select(a => $"{a.Scheme}://{(Wildcards.Contains(a.Host) ? System.Net.Dns.GetHostName() : a.Host)}:{a.Port}{a.PathBase}")
            .ToArray();
        // Empty until the server listens; asked again then.
        if (urls.Length > 0)
        {
            _urls = urls;
        }

        return urls;
    }
}

public static class StartLine
{
    public const string Category = "Communique.Start";

    // The one line of an ordinary start: where the server listens, which database and data folder it uses, and where
    // links in mail point.
    public static WebApplication LogWhenStarted(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var urls = app.Services.GetRequiredService<ServerAddress>().Urls;
            if (urls.Count == 0)
            {
                // A server in memory (the tests' host) listens nowhere.
                return;
            }

            var mail = app.Services.GetRequiredService<IOptions<MailOptions>>().Value;
            var links = mail.Link("") + (mail.PublicBaseUrl is null ? " (Mail:PublicBaseUrl is not set)" : "");
            var data = Path.GetFullPath(app.Services.GetRequiredService<IOptions<StorageOptions>>().Value.DataDirectory);
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(Category).LogInformation(
                "Communique listens on {Urls}; links in mail use {Links}; database {Database}; data folder {DataFolder}",
                string.Join(", ", urls), links, DataSetup.Describe(app.Services), data);
        });
        return app;
    }
}
