using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Communique.Tests.Http;

// What links in mail start with when Mail:PublicBaseUrl is unset: the listening addresses as another machine
// opens them.
public sealed class ServerAddressTests
{
    [Fact]
    public void Wildcard_hosts_become_the_machine_name_and_named_hosts_stay()
    {
        var address = new ServerAddress(new Listening("http://+:8080", "http://0.0.0.0:8081", "http://[::]:8082",
            "https://mail.acme.example:8443", "http://127.0.0.1:5001", "http://localhost:5000"));
        var machine = System.Net.Dns.GetHostName();

        Assert.Equal(
            [
                $"http://{machine}:8080", $"http://{machine}:8081", $"http://{machine}:8082",
                "https://mail.acme.example:8443", "http://127.0.0.1:5001", "http://localhost:5000",
            ],
            address.Urls);
        Assert.Equal($"http://{machine}:8080", address.First);
    }

    [Fact]
    public void Before_the_server_listens_there_is_no_address_and_it_is_asked_again_later()
    {
        var server = new Listening();
        var address = new ServerAddress(server);
        Assert.Null(address.First);

        server.Features.Get<IServerAddressesFeature>()!.Addresses.Add("http://127.0.0.1:5001");
        Assert.Equal("http://127.0.0.1:5001", address.First);
    }

    private sealed class Listening : IServer
    {
        public Listening(params string[] addresses)
        {
            var feature = new ServerAddressesFeature();
            foreach (var address in addresses)
            {
                feature.Addresses.Add(address);
            }

            Features.Set<IServerAddressesFeature>(feature);
        }

        public IFeatureCollection Features { get; } = new FeatureCollection();

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
            where TContext : notnull => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }

    private sealed class ServerAddressesFeature : IServerAddressesFeature
    {
        public ICollection<string> Addresses { get; } = [];

        public bool PreferHostingUrls { get; set; }
    }
}
