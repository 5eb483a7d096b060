using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Communique.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Communique.Tests.Http;

// Requests to user-given URLs, against real servers on loopback addresses: Linux routes all of 127.0.0.0/8 to the
// loopback interface, so a server on 127.0.0.2 stands for an internal system that a team allows, and one on
// 127.0.0.1 for what it does not.
public sealed class OutboundHttpTests
{
    [Fact(Timeout = 10_000)]
    public async Task A_server_in_an_allowed_network_answers_with_its_body_and_content_type()
    {
        await using var server = await Peer.StartAsync("127.0.0.2", context =>
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            return context.Response.WriteAsync("{\"greeting\":\"grüß dich\"}");
        });
        using var http = new OutboundHttp(TimeProvider.System);

        var response = await http.SendAsync(Get(server.Url, "127.0.0.2/32"), TestContext.Current.CancellationToken);

        Assert.Equal(OutboundFailure.None, response.Failure);
        Assert.Null(response.Reason);
        Assert.Equal(200, response.Status);
        Assert.Equal("application/json; charset=utf-8", response.ContentType);
        Assert.Equal("{\"greeting\":\"grüß dich\"}", response.Body);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_body_is_read_in_the_charset_its_content_type_names()
    {
        await using var server = await Peer.StartAsync("127.0.0.2", context =>
        {
            context.Response.ContentType = "text/plain; charset=iso-8859-1";
            return context.Response.Body.WriteAsync(Encoding.Latin1.GetBytes("café")).AsTask();
        });
        using var http = new OutboundHttp(TimeProvider.System);

        var response = await http.SendAsync(Get(server.Url, "127.0.0.2/32"), TestContext.Current.CancellationToken);

        Assert.Equal("café", response.Body);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_post_carries_its_body_and_headers_to_the_server()
    {
        string? seen = null;
        await using var server = await Peer.StartAsync("127.0.0.2", async context =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync(context.RequestAborted);
            var headers = context.Request.Headers;
            seen = $"{context.Request.Method} {context.Request.Path} {context.Request.ContentType} "
                + $"{headers.Authorization} {headers["X-Trace"]} {headers.UserAgent} {body}";
            context.Response.StatusCode = 201;
        });
        using var http = new OutboundHttp(TimeProvider.System);
        var request = Get(new Uri(server.Url, "/orders"), "127.0.0.2/32") with
        {
            Method = HttpMethod.Post,
            Headers = [new("Authorization", "Bearer s3cret"), new("X-Trace", "t-1")],
            Body = "{\"order\":42}",
            ContentType = "application/json",
        };

        var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(OutboundFailure.None, response.Failure);
        Assert.Equal(201, response.Status);
        Assert.Equal("POST /orders application/json Bearer s3cret t-1 Communique {\"order\":42}", seen);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_loopback_address_is_refused_without_connecting()
    {
        await using var server = await Peer.StartAsync("127.0.0.1", Ok);
        using var http = new OutboundHttp(TimeProvider.System);

        var response = await http.SendAsync(Get(server.Url), TestContext.Current.CancellationToken);

        Assert.Equal(OutboundFailure.Refused, response.Failure);
        Assert.Equal("127.0.0.1 is a loopback address, which this team may not call.", response.Reason);
        Assert.Equal(0, response.Status);
        Assert.Equal(0, server.Requests);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_name_that_resolves_to_loopback_is_refused()
    {
        await using var server = await Peer.StartAsync("127.0.0.1", Ok);
        using var http = new OutboundHttp(TimeProvider.System);
        var url = new Uri($"http://localhost:{server.Url.Port}/");

        var response = await http.SendAsync(Get(url), TestContext.Current.CancellationToken);

        Assert.Equal(OutboundFailure.Refused, response.Failure);
        Assert.StartsWith("localhost resolves to ", response.Reason);
        Assert.Contains("a loopback address, which this team may not call.", response.Reason);
        Assert.Equal(0, server.Requests);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("http://10.0.0.1/", "10.0.0.1 is a private address")]
    [InlineData("http://172.31.0.1/", "172.31.0.1 is a private address")]
    [InlineData("http://192.168.1.1/", "192.168.1.1 is a private address")]
    [InlineData("http://100.64.0.1/", "100.64.0.1 is a shared (carrier-grade NAT) address")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is the cloud metadata address")]
    [InlineData("http://169.254.1.1/", "169.254.1.1 is a link-local address")]
    [InlineData("http://0.0.0.0/", "0.0.0.0 is an address of \"this network\"")]
    [InlineData("http://2130706433/", "127.0.0.1 is a loopback address")]
    [InlineData("http://224.0.0.1/", "224.0.0.1 is a multicast address")]
    [InlineData("http://255.255.255.255/", "255.255.255.255 is the broadcast address")]
    [InlineData("http://[::]/", ":: is the unspecified address")]
    [InlineData("http://[::1]/", "::1 is a loopback address")]
    [InlineData("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1 (the IPv4 address 127.0.0.1) is a loopback address")]
    [InlineData("http://[64:ff9b::a9fe:a9fe]/", "(the IPv4 address 169.254.169.254) is the cloud metadata address")]
    [InlineData("http://[fd12:3456::1]/", "fd12:3456::1 is a private (unique local) address")]
    [InlineData("http://[fe80::1]/", "fe80::1 is a link-local address")]
    [InlineData("http://[ff02::1]/", "ff02::1 is a multicast address")]
    public async Task Private_loopback_link_local_and_metadata_addresses_are_refused(string url, string reason)
    {
        using var http = new OutboundHttp(TimeProvider.System);

        var response = await http.SendAsync(Get(new Uri(url)), TestContext.Current.CancellationToken);

        Assert.Equal(OutboundFailure.Refused, response.Failure);
        Assert.Contains(reason, response.Reason);
    }

    [Fact]
    public void Public_addresses_and_allowed_networks_pass()
    {
        Assert.Null(OutboundAddresses.Refusal(IPAddress.Parse("93.184.215.14"), [], null));
        Assert.Null(OutboundAddresses.Refusal(IPAddress.Parse("2606:2800:21f:cb07:6820:80da:af6b:8b2c"), [], null));
        Assert.Null(OutboundAddresses.Refusal(IPAddress.Parse("10.1.2.3"), [IPNetwork.Parse("10.0.0.0/8")], null));
        Assert.Null(OutboundAddresses.Refusal(
            IPAddress.Parse("::ffff:10.1.2.3"), [IPNetwork.Parse("10.0.0.0/8")], null));
        Assert.NotNull(OutboundAddresses.Refusal(IPAddress.Parse("10.1.2.3"), [IPNetwork.Parse("10.9.0.0/16")], null));
    }

    [Fact(Timeout = 10_000)]
    public async Task A_redirect_from_an_allowed_network_to_loopback_is_refused_at_the_hop()
    {
        await using var loopback = await Peer.StartAsync("127.0.0.1", Ok);
        await using var allowed = await Peer.StartAsync("127.0.0.2", context =>
        {
            context.Response.Redirect(loopback.Url.ToString());
            return Task.CompletedTask;
        });
        using var http = new OutboundHttp(TimeProvider.System);

        var response = await http.SendAsync(Get(allowed.Url, "127.0.0.2/32"), TestContext.Current.CancellationToken);

        Assert.Equal(OutboundFailure.Refused, response.Failure);
        Assert.Equal("127.0.0.1 is a loopback address, which this team may not call.", response.Reason);
        Assert.Equal(1, allowed.Requests);
        Assert.Equal(0, loopback.Requests);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_303_to_another_allowed_host_is_followed_as_a_get_without_body_or_credentials()
    {
        string? seen = null;
        await using var target = await Peer.StartAsync("127.0.0.3", async context =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync(context.RequestAborted);
            var headers = context.Request.Headers;
            seen = $"{context.Request.Method} {context.Request.Path} body:{body} auth:{headers.Authorization} "
                + $"cookie:{headers.Cookie} trace:{headers["X-Trace"]}";
            await context.Response.WriteAsync("done");
        });
        await using var start = await Peer.StartAsync("127.0.0.2", context =>
        {
            context.Response.Headers.SetCookie = "session=1";
            context.Response.Headers.Location = new Uri(target.Url, "/done").ToString();
            context.Response.StatusCode = 303;
            return Task.CompletedTask;
        });
        using var http = new OutboundHttp(TimeProvider.System);
        var request = Get(start.Url, "127.0.0.2/32", "127.0.0.3/32") with
        {
            Method = HttpMethod.Post,
            Headers = [new("Authorization", "Bearer s3cret"), new("X-Trace", "t-1")],
            Body = "{}",
            ContentType = "application/json",
        };

        var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(OutboundFailure.None, response.Failure);
        Assert.Equal("done", response.Body);
        Assert.Equal("GET /done body: auth: cookie: trace:t-1", seen);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_307_keeps_the_method_and_body()
    {
        await using var server = await Peer.StartAsync("127.0.0.2", async context =>
        {
            if (context.Request.Path == "/old")
            {
                context.Response.Headers.Location = "/new";
                context.Response.StatusCode = 307;
                return;
            }

            var body = await new StreamReader(context.Request.Body).ReadToEndAsync(context.RequestAborted);
            await context.Response.WriteAsync($"{context.Request.Method} {context.Request.Path} {body}");
        });
        using var http = new OutboundHttp(TimeProvider.System);
        var request = Get(new Uri(server.Url, "/old"), "127.0.0.2/32") with
        {
            Method = HttpMethod.Put,
            Body = "name=Ada",
            ContentType = "application/x-www-form-urlencoded",
        };

        var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal("PUT /new name=Ada", response.Body);
        Assert.Equal(2, server.Requests);
    }

    [Theory(Timeout = 10_000)]
    [InlineData(5, OutboundFailure.None)]
    [InlineData(6, OutboundFailure.Refused)]
    public async Task Up_to_five_redirects_are_followed(int redirects, OutboundFailure failure)
    {
        await using var server = await Peer.StartAsync("127.0.0.2", context =>
        {
            var hop = int.Parse(context.Request.Path.Value!.TrimStart('/'), CultureInfo.InvariantCulture);
            if (hop < redirects)
            {
                context.Response.Redirect($"/{hop + 1}");
                return Task.CompletedTask;
            }

            return context.Response.WriteAsync("arrived");
        });
        using var http = new OutboundHttp(TimeProvider.System);
        var request = Get(new Uri(server.Url, "/0"), "127.0.0.2/32");

        var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(failure, response.Failure);
        Assert.Equal(6, server.Requests);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_redirect_to_another_scheme_is_refused()
    {
        await using var server = await Peer.StartAsync("127.0.0.2", context =>
        {
            context.Response.Redirect("ftp://127.0.0.2/report.csv");
            return Task.CompletedTask;
        });
        using var http = new OutboundHttp(TimeProvider.System);

        var response = await http.SendAsync(Get(server.Url, "127.0.0.2/32"), TestContext.Current.CancellationToken);

        Assert.Equal(OutboundFailure.Refused, response.Failure);
        Assert.Contains("ftp", response.Reason);
    }

    [Theory(Timeout = 10_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_slow_server_times_out_within_about_the_timeout(bool sendsHeadersFirst)
    {
        await using var server = await Peer.StartAsync("127.0.0.2", async context =>
        {
            if (sendsHeadersFirst)
            {
                await context.Response.WriteAsync("the start, ", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }

            await Task.Delay(TimeSpan.FromSeconds(20), context.RequestAborted);
        });
        using var http = new OutboundHttp(TimeProvider.System);
        var request = Get(server.Url, "127.0.0.2/32") with { Timeout = TimeSpan.FromMilliseconds(500) };
        var clock = Stopwatch.StartNew();

        var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(OutboundFailure.Timeout, response.Failure);
        Assert.Equal("No complete response came within 0.5 seconds.", response.Reason);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(3));
    }

    [Fact(Timeout = 10_000)]
    public async Task A_streamed_body_over_the_limit_is_too_large()
    {
        await using var server = await Peer.StartAsync("127.0.0.2", async context =>
        {
            var chunk = new byte[64 * 1024];
            for (var i = 0; i < 1024; i++)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        });
        using var http = new OutboundHttp(TimeProvider.System);
        var request = Get(server.Url, "127.0.0.2/32") with { MaxResponseBytes = 100_000 };

        var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(OutboundFailure.TooLarge, response.Failure);
        Assert.Equal("The response is larger than the 100000 bytes allowed.", response.Reason);
        Assert.Equal(200, response.Status);
        Assert.Null(response.Body);
    }

    [Theory(Timeout = 10_000)]
    [InlineData(1000, OutboundFailure.None)]
    [InlineData(1001, OutboundFailure.TooLarge)]
    public async Task A_body_of_exactly_the_limit_is_read(int length, OutboundFailure failure)
    {
        await using var server = await Peer.StartAsync("127.0.0.2", async context =>
        {
            await context.Response.WriteAsync(new string('a', 500), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await context.Response.WriteAsync(new string('a', length - 500), context.RequestAborted);
        });
        using var http = new OutboundHttp(TimeProvider.System);
        var request = Get(server.Url, "127.0.0.2/32") with { MaxResponseBytes = 1000 };

        var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(failure, response.Failure);
        Assert.Equal(failure == OutboundFailure.None ? 1000 : null, response.Body?.Length);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_content_length_over_the_limit_fails_at_once()
    {
        await using var server = await Peer.StartAsync("127.0.0.2", async context =>
        {
            context.Response.ContentLength = 10_000_000;
            await context.Response.WriteAsync("the start", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(TimeSpan.FromSeconds(20), context.RequestAborted);
        });
        using var http = new OutboundHttp(TimeProvider.System);
        var request = Get(server.Url, "127.0.0.2/32") with { MaxResponseBytes = 1000 };
        var clock = Stopwatch.StartNew();

        var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(OutboundFailure.TooLarge, response.Failure);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Theory(Timeout = 10_000)]
    [InlineData("ftp://example.com/report.csv")]
    [InlineData("file:///etc/passwd")]
    [InlineData("http://admin:secret@example.com/")]
    public async Task Urls_other_than_plain_http_and_https_are_bad_requests(string url)
    {
        using var http = new OutboundHttp(TimeProvider.System);

        var response = await http.SendAsync(Get(new Uri(url)), TestContext.Current.CancellationToken);

        Assert.Equal(OutboundFailure.BadRequest, response.Failure);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("Host", "127.0.0.1")]
    [InlineData("content-length", "5")]
    [InlineData("Transfer-Encoding", "chunked")]
    [InlineData("Connection", "keep-alive")]
    [InlineData("Proxy-Authorization", "Basic eA==")]
    [InlineData("X-Split", "a\r\nHost: 127.0.0.1")]
    [InlineData("Bad Name", "x")]
    public async Task Headers_that_would_break_the_rules_are_bad_requests(string name, string value)
    {
        await using var server = await Peer.StartAsync("127.0.0.2", Ok);
        using var http = new OutboundHttp(TimeProvider.System);
        var request = Get(server.Url, "127.0.0.2/32") with { Headers = [new(name, value)] };

        var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(OutboundFailure.BadRequest, response.Failure);
        Assert.Equal(0, server.Requests);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("HEAD")]
    [InlineData("OPTIONS")]
    [InlineData("TRACE")]
    [InlineData("CONNECT")]
    public async Task Methods_other_than_get_post_put_patch_and_delete_are_bad_requests(string method)
    {
        using var http = new OutboundHttp(TimeProvider.System);
        var request = Get(new Uri("http://example.com/")) with { Method = new HttpMethod(method) };

        var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(OutboundFailure.BadRequest, response.Failure);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_request_body_over_64_KiB_is_a_bad_request()
    {
        using var http = new OutboundHttp(TimeProvider.System);
        var request = Get(new Uri("http://example.com/")) with
        {
            Method = HttpMethod.Post,
            Body = new string('a', 64 * 1024 + 1),
            ContentType = "text/plain",
        };

        var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(OutboundFailure.BadRequest, response.Failure);
        Assert.Equal("The request body is larger than 64 KiB.", response.Reason);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_name_that_resolves_elsewhere_when_connecting_is_refused_then()
    {
        await using var loopback = await Peer.StartAsync("127.0.0.1", Ok);
        var answers = new Queue<IPAddress>([IPAddress.Parse("127.0.0.2"), IPAddress.Parse("127.0.0.1")]);
        using var http = new OutboundHttp(TimeProvider.System,
            (_, _) => Task.FromResult(new[] { answers.Count > 1 ? answers.Dequeue() : answers.Peek() }));
        var url = new Uri($"http://rebinding.test:{loopback.Url.Port}/");

        var response = await http.SendAsync(Get(url, "127.0.0.2/32"), TestContext.Current.CancellationToken);

        Assert.Equal(OutboundFailure.Refused, response.Failure);
        Assert.Equal("rebinding.test resolves to 127.0.0.1, a loopback address, which this team may not call.",
            response.Reason);
        Assert.Equal(0, loopback.Requests);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_connection_opened_for_one_callers_network_does_not_serve_another_caller()
    {
        await using var inside = await Peer.StartAsync("127.0.0.2", Ok);
        var answer = IPAddress.Parse("127.0.0.2");
        using var http = new OutboundHttp(TimeProvider.System, (_, _) => Task.FromResult(new[] { answer }));
        var url = new Uri($"http://rebinding.test:{inside.Url.Port}/");

        var allowed = await http.SendAsync(Get(url, "127.0.0.2/32"), TestContext.Current.CancellationToken);
        answer = IPAddress.Parse("192.0.2.1");
        var cancellation = TestContext.Current.CancellationToken;
        var second = TimeSpan.FromSeconds(1);
        var withoutNetworks = await http.SendAsync(Get(url) with { Timeout = second }, cancellation);
        var withOtherNetworks = await http.SendAsync(Get(url, "10.0.0.0/8") with { Timeout = second }, cancellation);

        Assert.Equal(OutboundFailure.None, allowed.Failure);
        Assert.NotEqual(OutboundFailure.None, withoutNetworks.Failure);
        Assert.NotEqual(OutboundFailure.None, withOtherNetworks.Failure);
        Assert.Equal(1, inside.Requests);
    }

    [Fact]
    public void The_service_collection_holds_one_instance()
    {
        using var services = new ServiceCollection().AddOutboundHttp().BuildServiceProvider();

        Assert.Same(services.GetRequiredService<OutboundHttp>(), services.GetRequiredService<OutboundHttp>());
    }

    private static Task Ok(HttpContext context) => context.Response.WriteAsync("ok");

    private static OutboundRequest Get(Uri url, params string[] allowed) => new(
        HttpMethod.Get, url, [], null, null, TimeSpan.FromSeconds(5), 64 * 1024,
        [.. allowed.Select(network => IPNetwork.Parse(network))]);

    // A Kestrel server on a free port of one loopback address, counting the requests it receives.
    private sealed class Peer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _requests;

        private Peer(WebApplication app) => _app = app;

        public Uri Url => new(_app.Urls.Single());

        public int Requests => Volatile.Read(ref _requests);

        public static async Task<Peer> StartAsync(string address, RequestDelegate handle)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls($"http://{address}:0");
            var app = builder.Build();
            var peer = new Peer(app);
            app.Run(context =>
            {
                Interlocked.Increment(ref peer._requests);
                return handle(context);
            });
            await app.StartAsync(TestContext.Current.CancellationToken);
            return peer;
        }

        public async ValueTask DisposeAsync()
        {
            // Requests still waiting (the slow servers') are cut off rather than waited for.
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _app.StopAsync(stopping.Token);
            await _app.DisposeAsync();
        }
    }
}
