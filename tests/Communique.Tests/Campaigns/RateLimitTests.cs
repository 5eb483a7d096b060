using System.Diagnostics;
using System.Net;
using Communique.Jobs;
using Communique.Tests.Infrastructure;

namespace Communique.Tests.Campaigns;

// The configured send rates hold for a real send: 15 messages to one domain at 5 a second take two seconds or more,
// and each arrives once.
public sealed class RateLimitTests : IAsyncLifetime
{
    private SmtpSink _smtp = null!;
    private TestHost _host = null!;
    private HttpClient _admin = null!;

    public async ValueTask InitializeAsync()
    {
        _smtp = await SmtpSink.StartAsync();
        _host = await TestHost.StartAsync(Provider.Sqlite, _smtp.RelaySettings(
            ("Mail:RateLimits:DomainPerSecond", "1000"), ("Mail:RateLimits:Domains:slow.example", "5")));
        _admin = await (await _host.CreateAccountAsync("Acme Corp")).AdminAsync();
        var project = (await (await _admin.PostJsonAsync("/projects", new { name = "Shop" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        await (await _admin.PostJsonAsync($"/projects/{project}/communications", new
        {
            name = "Notice",
            channel = "email",
            content = new { subject = "Notice", html = "<p>Hello {{ name }}.</p>" },
        })).JsonAsync(HttpStatusCode.Created);
        await TestSenders.VerifyAsync(_host, _admin, _smtp, "shop@acme.example");
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    private async Task<TimeSpan> SendAsync(string domain, int count)
    {
        var dataset = Enumerable.Range(0, count)
            .Select(i => new { email = $"reader{i}@{domain}", name = $"Reader {i}" }).ToArray();
        await (await _admin.PostJsonAsync($"/campaigns/v2/Notices-{domain}/transactional",
            new Dictionary<string, object?>
        {
            ["communication"] = "Notice", ["project"] = "Shop", ["dataset"] = dataset, ["email_json_path"] = "email",
            ["sender"] = "shop@acme.example",
        })).JsonAsync();

        var clock = Stopwatch.StartNew();
        while (await _host.Service<JobRunner>().RunOneAsync(CancellationToken.None))
        {
        }

        return clock.Elapsed;
    }

    [Fact]
    public async Task A_domain_with_a_rate_of_its_own_gets_its_messages_no_faster_and_others_keep_the_general_rate()
    {
        var before = _smtp.Accepted;
        var slow = await SendAsync("slow.example", 15);
        var fast = await SendAsync("fast.example", 15);

        // 5 at once (the bucket starts full), 5 more after a second, the last 5 after two.
        Assert.True(slow >= TimeSpan.FromSeconds(1.8), $"15 messages at 5 a second took {slow}");
        Assert.True(fast < slow, $"the general rate took {fast}, the slow domain {slow}");
        Assert.Equal(before + 30, _smtp.Accepted);
        Assert.All(_smtp.ArrivalsByRecipient.Where(a => a.Key.StartsWith("reader", StringComparison.Ordinal)),
            a => Assert.Equal(1, a.Value));
    }
}
