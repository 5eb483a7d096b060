using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Communique.Tests.Infrastructure;

// The in-memory test server has no client address; this sets the connection's address from a test header, ahead
// of the program's own middleware, so that tests can speak from several addresses (and as or not as a proxy).
public static class PeerAddress
{
    public const string Header = "X-Test-Peer";

    public static void Register(IServiceCollection services) => services.AddSingleton<IStartupFilter, Filter>();

    // A client whose requests come from the peer address, with an X-Forwarded-For header when given.
    public static HttpClient From(this TestHost host, string peer, string? forwardedFor = null)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Add(Header, peer);
        if (forwardedFor is not null)
        {
            client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        }

        return client;
    }

    private sealed class Filter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue(Header, out var value) && IPAddress.TryParse(value,
                    out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
