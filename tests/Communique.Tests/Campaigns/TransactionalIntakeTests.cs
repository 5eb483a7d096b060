using System.Net;
using System.Text.Json;
using Communique.Campaigns;
using Communique.Jobs;
using Communique.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace Communique.Tests.Campaigns;

// Transactional calls made at the same time: the intake writes the calls waiting together in one transaction, and
// each call still answers for itself.
public abstract class TransactionalIntakeTests(Provider provider) : IAsyncLifetime
{
    private const string Sender = "shop@acme.example";

    private SmtpSink _smtp = null!;
    private TestHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _smtp = await SmtpSink.StartAsync();
        _host = await TestHost.StartAsync(provider, _smtp.RelaySettings());
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    // A team with the project, communication and verified sender the calls name.
    private async Task<(HttpClient Admin, Guid Team)> TeamAsync(string name)
    {
        var account = await _host.CreateAccountAsync(name);
        var admin = await account.AdminAsync();
        var project = (await (await admin.PostJsonAsync("/projects", new { name = "Shop" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        await (await admin.PostJsonAsync($"/projects/{project}/communications", new
        {
            name = "Order confirmation",
            channel = "email",
            content = new { subject = "Order", html = "<p>Thanks {{ first_name }}.</p>" },
        })).JsonAsync(HttpStatusCode.Created);
        await TestSenders.VerifyAsync(_host, admin, _smtp, Sender);
        return (admin, account.TeamId);
    }

    private static StringContent Body(string address, string sender = Sender, int records = 1) => new(
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["communication"] = "Order confirmation", ["project"] = "Shop", ["email_json_path"] = "email",
            ["sender"] = sender,
            ["dataset"] = Enumerable.Range(0, records)
                .Select(i => new { email = i == 0 ? address : $"{i}.{address}", first_name = "Ann" }),
        }), System.Text.Encoding.UTF8, "application/json");

    private static Task<HttpResponseMessage> CallAsync(
        HttpClient admin, string campaign, string address, string? key = null, string sender = Sender,
        int records = 1)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/campaigns/v2/{campaign}/transactional")
        {
            Content = Body(address, sender, records),
        };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return admin.SendAsync(request);
    }

    private async Task DeliverAllAsync()
    {
        var runner = _host.Service<JobRunner>();
        while (await runner.RunOneAsync(CancellationToken.None))
        {
        }
    }

    // Runs the delivery jobs, then waits for the sink to have each address, and asserts it came once.
    private async Task DeliveredOnceAsync(IReadOnlyList<string> addresses)
    {
        await DeliverAllAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (addresses.Any(a => !_smtp.ArrivalsByRecipient.ContainsKey(a))
               && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
        }

        Assert.All(addresses, a => Assert.Equal(1, _smtp.ArrivalsByRecipient.GetValueOrDefault(a)));
    }

    private Task<List<string>> CampaignNamesAsync(Guid team) => _host.WithDbAsync(db => db.Campaigns
        .IgnoreQueryFilters().Where(c => c.TeamId == team).Select(c => c.Name).ToListAsync());

    [Fact]
    public async Task Two_hundred_concurrent_calls_of_three_teams_are_each_stored_and_delivered_once()
    {
        var teams = new[] { await TeamAsync("Acme"), await TeamAsync("Bolt"), await TeamAsync("Crux") };
        var sends = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, _) =>
            {
                using var response = await CallAsync(teams[i % 3].Admin, "Orders", $"buyer{i}@example.com");
                sends.Add((await response.JsonAsync()).Str("send_id"));
            });

        Assert.Equal(200, sends.Distinct().Count());
        foreach (var (_, team) in teams)
        {
            // The campaign the first calls named together was created once.
            Assert.Equal(["Orders"], await CampaignNamesAsync(team));
        }

        await DeliveredOnceAsync([.. Enumerable.Range(0, 200).Select(i => $"buyer{i}@example.com")]);
        foreach (var (admin, _) in teams)
        {
            admin.Dispose();
        }
    }

    // A thousand messages take more parameters than one statement carries: they are written in several.
    [Fact]
    public async Task A_call_of_a_thousand_records_beside_small_ones_is_stored_whole()
    {
        var (admin, team) = await TeamAsync("Acme");
        using var _ = admin;
        var large = CallAsync(admin, "Orders", "bulk@example.com", records: 1000);
        var small = Enumerable.Range(0, 8).Select(i => CallAsync(admin, "Orders", $"small{i}@example.com")).ToList();
        var send = Guid.Parse((await (await large).JsonAsync()).Str("send_id"));
        foreach (var call in small)
        {
            using var response = await call;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var positions = await _host.WithDbAsync(db => db.OutboundMessages.IgnoreQueryFilters()
            .Where(m => m.SendId == send && m.TeamId == team && m.RecordJson != null)
            .OrderBy(m => m.Position).Select(m => m.Position).ToListAsync());
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), positions);
    }

    // Each call is a send of its own, so each is accepted: the campaign they name is created once (by whichever is
    // written first) and every send is stored once, in it.
    [Fact]
    public async Task Concurrent_first_calls_of_a_new_campaign_name_create_it_once_and_all_are_accepted()
    {
        var (admin, team) = await TeamAsync("Acme");
        using var _ = admin;
        var addresses = Enumerable.Range(0, 16).Select(i => $"first{i}@example.com").ToList();
        var calls = addresses.Select(a => CallAsync(admin, "Fresh", a)).ToList();
        var answered = new List<Guid>();
        foreach (var call in calls)
        {
            using var response = await call;
            answered.Add(Guid.Parse((await response.JsonAsync()).Str("send_id")));
        }

        Assert.Equal(["Fresh"], await CampaignNamesAsync(team));
        var sends = await _host.WithDbAsync(db => db.CampaignSends.IgnoreQueryFilters()
            .Where(s => s.TeamId == team).Select(s => new { s.Id, s.CampaignId }).ToListAsync());
        Assert.Equal(answered.Order(), sends.Select(s => s.Id).Order());
        Assert.Single(sends.Select(s => s.CampaignId).Distinct());
        Assert.Equal(16, await _host.WithDbAsync(db => db.OutboundMessages.IgnoreQueryFilters()
            .CountAsync(m => m.TeamId == team)));
        await DeliveredOnceAsync(addresses);
    }

    // A call still being processed when the server stopped (its render outlasted the shutdown timeout) finds the
    // intake closed: it is refused with 503 for the client to send again, and nothing of it is stored.
    [Fact]
    public async Task A_call_that_arrives_after_the_intake_closed_at_shutdown_is_a_503_to_retry()
    {
        var (admin, team) = await TeamAsync("Acme");
        using var _ = admin;
        ((ApplicationLifetime)_host.Service<IHostApplicationLifetime>()).NotifyStopped();

        using var response = await CallAsync(admin, "Orders", "late@example.com", "late-1");
        var problem = await response.ProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("urn:communique:problem:server-stopping", problem.Str("type"));
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        Assert.Empty(await CampaignNamesAsync(team));
        Assert.Equal(0, await _host.WithDbAsync(db => db.CampaignSends.IgnoreQueryFilters()
            .CountAsync(s => s.TeamId == team)));
        Assert.Equal(0, await _host.WithDbAsync(db => db.IdempotentRequests.IgnoreQueryFilters()
            .CountAsync(r => r.TeamId == team)));
    }

    [Fact]
    public async Task Concurrent_calls_with_one_idempotency_key_store_one_send_and_answer_it_or_409()
    {
        var (admin, team) = await TeamAsync("Acme");
        using var _ = admin;
        var calls = Enumerable.Range(0, 8)
            .Select(_ => CallAsync(admin, "Orders", "once@example.com", "order-7")).ToList();
        var answers = new List<string>();
        foreach (var call in calls)
        {
            using var response = await call;
            if (response.StatusCode == HttpStatusCode.OK)
            {
                answers.Add((await response.JsonAsync()).Str("send_id"));
            }
            else
            {
                await response.ProblemAsync(HttpStatusCode.Conflict);
            }
        }

        var stored = await _host.WithDbAsync(db => db.CampaignSends.IgnoreQueryFilters()
            .Where(s => s.TeamId == team).Select(s => s.Id.ToString()).ToListAsync());
        var send = Assert.Single(stored);
        Assert.NotEmpty(answers);
        Assert.All(answers, a => Assert.Equal(send, a, ignoreCase: true));

        await DeliveredOnceAsync(["once@example.com"]);
    }

    [Fact]
    public async Task Calls_of_a_suspended_team_or_from_an_unverified_sender_are_still_refused_among_accepted_ones()
    {
        var (acme, acmeTeam) = await TeamAsync("Acme");
        var (bolt, boltTeam) = await TeamAsync("Bolt");
        using var _ = acme;
        using var __ = bolt;
        await _host.WithDbAsync(async db =>
        {
            db.TeamSendings.Add(
                new TeamSending { TeamId = boltTeam, State = SendingState.Suspended, UpdatedAt = db.Now });
            return await db.SaveChangesAsync();
        });

        var accepted = Enumerable.Range(0, 8).Select(i => CallAsync(acme, "Orders", $"ok{i}@example.com")).ToList();
        var suspended = CallAsync(bolt, "Orders", "held@example.com");
        var unverified = CallAsync(acme, "Orders", "spoof@example.com", sender: "ceo@acme.example");
        foreach (var call in accepted)
        {
            using var response = await call;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal("urn:communique:problem:sending-suspended",
            (await (await suspended).ProblemAsync(HttpStatusCode.Forbidden)).Str("type"));
        Assert.Equal("urn:communique:problem:sender-not-verified",
            (await (await unverified).ProblemAsync(HttpStatusCode.Forbidden)).Str("type"));
        Assert.Empty(await CampaignNamesAsync(boltTeam));
        Assert.Equal(8, await _host.WithDbAsync(db => db.CampaignSends.IgnoreQueryFilters()
            .CountAsync(s => s.TeamId == acmeTeam)));
    }
}

public sealed class TransactionalIntakeOnSqlite() : TransactionalIntakeTests(Provider.Sqlite);

public sealed class TransactionalIntakeOnPostgres() : TransactionalIntakeTests(Provider.Postgres);
