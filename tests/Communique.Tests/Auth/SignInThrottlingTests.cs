using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Communique.Auth;
using Communique.Tests.Infrastructure;

namespace Communique.Tests.Auth;

// Failed sign-ins are counted against the address they come from (as the nearest trusted proxy saw it) and the
// identity tried; a stranger elsewhere can neither block nor lock out a client, and the throttle's memory is bounded.
public sealed class SignInThrottlingTests : IAsyncLifetime
{
    private const string Proxy = "10.0.0.1";
    private TestHost _host = null!;
    private TestAccount _acme = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await TestHost.StartAsync(
            settings: new Dictionary<string, string?> { ["ForwardedHeaders:KnownProxies:0"] = Proxy },
            services: PeerAddress.Register);
        _acme = await _host.CreateAccountAsync("Acme Corp");
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private object Credentials(string? secret = null, string? clientId = null) =>
        new { client_id = clientId ?? _acme.ClientId, secret = secret ?? _acme.Secret, customer_id = _acme.CustomerId };

    [Fact]
    public async Task Someone_elses_failures_never_block_the_right_secret_from_another_address()
    {
        using var attacker = _host.From("203.0.113.7");
        for (var i = 0; i < 60; i++)
        {
            await attacker.PostAsJsonAsync("/authenticate", Credentials(secret: "wrong-" + i));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await attacker.PostAsJsonAsync("/authenticate", Credentials()))
            .StatusCode);
        using var client = _host.From("198.51.100.20");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/authenticate", Credentials())).StatusCode);
    }

    [Fact]
    public async Task Forwarded_for_is_honoured_only_from_a_configured_proxy()
    {
        // Not a proxy: its X-Forwarded-For is ignored, so changing it does not escape the throttle of its own address.
        for (var i = 0; i < 50; i++)
        {
            using var spoofing = _host.From("203.0.113.8", forwardedFor: $"192.0.2.{i}");
            await spoofing.PostAsJsonAsync("/authenticate", Credentials(clientId: "cq-guess-" + i));
        }

        using var spoofer = _host.From("203.0.113.8", forwardedFor: "192.0.2.200");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await spoofer.PostAsJsonAsync("/authenticate", Credentials()))
            .StatusCode);

        // Behind the proxy, each client is its forwarded address: one client's failures leave the others alone.
        for (var i = 0; i < 50; i++)
        {
            using var behind = _host.From(Proxy, forwardedFor: "192.0.2.66");
            await behind.PostAsJsonAsync("/authenticate", Credentials(clientId: "cq-guess-" + i));
        }

        using var blocked = _host.From(Proxy, forwardedFor: "192.0.2.66");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await blocked.PostAsJsonAsync("/authenticate", Credentials()))
            .StatusCode);
        using var neighbour = _host.From(Proxy, forwardedFor: "192.0.2.67");
        Assert.Equal(HttpStatusCode.OK, (await neighbour.PostAsJsonAsync("/authenticate", Credentials())).StatusCode);
    }

    [Fact]
    public async Task A_stranger_cannot_lock_out_a_user_signing_in_from_elsewhere()
    {
        using var stranger = _host.From("203.0.113.9");
        for (var i = 0; i < 5; i++)
        {
            await (await stranger.PostAsJsonAsync("/login", new { email = _acme.AdminEmail, password = "guess " + i }))
                .ProblemAsync(HttpStatusCode.Unauthorized);
        }

        var locked = await stranger.PostAsJsonAsync("/login", new { email = _acme.AdminEmail,
            password = _acme.AdminPassword });
        await locked.ProblemAsync((HttpStatusCode)423);
        Assert.NotNull(locked.Headers.RetryAfter);

        using var user = _host.From("198.51.100.30");
        var login = await (await user.PostAsJsonAsync("/login", new { email = _acme.AdminEmail,
            password = _acme.AdminPassword }))
            .JsonAsync();
        Assert.Equal(_acme.CustomerId, login.Str("customerId"));
    }

    [Fact]
    public async Task Failures_from_many_addresses_slow_a_users_sign_in_down_without_refusing_it()
    {
        for (var i = 0; i < 8; i++)
        {
            using var stranger = _host.From($"203.0.113.{20 + i}");
            var (failed, _) = await WhileTheClockRuns(
                stranger.PostAsJsonAsync("/login", new { email = _acme.AdminEmail, password = "guess " + i }));
            await failed.ProblemAsync(HttpStatusCode.Unauthorized);
        }

        // Eight failures, three past the threshold: the next check waits 4 s of the server's clock, then succeeds.
        using var user = _host.From("198.51.100.31");
        var (response, waited) = await WhileTheClockRuns(
            user.PostAsJsonAsync("/login", new { email = _acme.AdminEmail, password = _acme.AdminPassword }));
        await response.JsonAsync();
        Assert.True(waited >= TimeSpan.FromSeconds(4), $"waited {waited}");
    }

    // Moves the server's clock a second at a time until the request completes; says how far it moved.
    private async Task<(HttpResponseMessage Response,
        TimeSpan Waited)> WhileTheClockRuns(Task<HttpResponseMessage> pending)
    {
        var waited = TimeSpan.Zero;
        while (!pending.IsCompleted && waited < TimeSpan.FromSeconds(60))
        {
            await Task.WhenAny(pending, Task.Delay(100, TestContext.Current.CancellationToken));
            if (!pending.IsCompleted)
            {
                _host.Clock.Advance(TimeSpan.FromSeconds(1));
                waited += TimeSpan.FromSeconds(1);
            }
        }

        return (await pending, waited);
    }

    [Fact]
    public async Task Login_answers_alike_for_an_unknown_and_a_known_email()
    {
        using var client = _host.From("203.0.113.10");
        for (var i = 0; i < 6; i++)
        {
            var known = await client.PostAsJsonAsync("/login", new { email = _acme.AdminEmail,
                password = "guess " + i });
            var unknown = await client.PostAsJsonAsync("/login", new { email = "nobody@acme.example",
                password = "guess " + i });
            Assert.Equal(known.StatusCode, unknown.StatusCode);
            Assert.Equal(i < 5 ? HttpStatusCode.Unauthorized : (HttpStatusCode)423, unknown.StatusCode);
            Assert.Equal(known.Headers.RetryAfter?.ToString(), unknown.Headers.RetryAfter?.ToString());
            Assert.Equal(await WithoutRequestId(known), await WithoutRequestId(unknown));
        }
    }

    [Fact]
    public async Task The_throttle_holds_at_most_its_capacity_whatever_the_attempts()
    {
        await using var host = await TestHost.StartAsync(
            settings: new Dictionary<string, string?> { ["Auth:ThrottleCapacity"] = "100" },
                services: PeerAddress.Register);
        for (var i = 0; i < 1000; i++)
        {
            using var client = host.From($"198.18.{i / 250}.{i % 250}");
            var response = await client.PostAsJsonAsync("/authenticate",
                new { client_id = $"cq-{i}-{new string('x', 150)}", secret = "wrong", customer_id = "eocm-Nobody" });
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        // Four tables (pairs, addresses, lock-outs, identities), each within its capacity.
        Assert.InRange(host.Service<SignInThrottle>().Size, 1, 4 * 100);
    }

    private static async Task<string> WithoutRequestId(HttpResponseMessage response)
    {
        var problem = JsonSerializer.Deserialize<Dictionary<string,
            JsonElement>>(await response.Content.ReadAsStringAsync())!;
        problem.Remove("requestId");
        problem.Remove("traceId");
        return JsonSerializer.Serialize(problem);
    }
}

// Measures the process's memory, so it runs while no other test does.
[CollectionDefinition(nameof(SignInMemoryTests), DisableParallelization = true)]
[Collection(nameof(SignInMemoryTests))]
public sealed class SignInMemoryTests
{
    [Fact]
    public async Task A_thousand_failed_attempts_with_distinct_megabyte_ids_leave_memory_bounded()
    {
        await using var host = await TestHost.StartAsync();
        var throttle = host.Service<SignInThrottle>();
        var body = Encoding.UTF8.GetBytes(
            $"{{\"client_id\":\"{new string('x', 1024 * 1024)}\",\"secret\":\"s\",\"customer_id\":\"c\"}}");
        using var client = host.CreateClient();
        await Attempt(0);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 1; i <= 1000; i++)
        {
            await Attempt(i);
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        Assert.True(after - before < 50L * 1024 * 1024, $"grew by {(after - before) / 1024 / 1024} MB");
        Assert.Equal(0, throttle.Size);

        async Task Attempt(int i)
        {
            Encoding.ASCII.GetBytes(i.ToString("D7", System.Globalization.CultureInfo.InvariantCulture),
                body.AsSpan(14));
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            await (await client.PostAsync("/authenticate", content)).ProblemAsync(HttpStatusCode.BadRequest);
        }
    }
}
