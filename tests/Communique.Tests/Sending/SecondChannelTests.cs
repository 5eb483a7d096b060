using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Communique.Campaigns;
using Communique.Communications;
using Communique.Deliverability;
using Communique.Jobs;
using Communique.Sending;
using Communique.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Communique.Tests.Sending;

// A second channel needs a renderer and a transport and nothing else: its bulk sends and transactional sends go
// through the same delivery loop as email, with suppression, outcomes, retries, stats and the archive hook.
public abstract class SecondChannelTests(Provider provider) : IAsyncLifetime
{
    private const string People =
        "email,first_name\nann@example.org,Ann\nrefused@example.org,Rex\nbusy@example.org,Bea\n"
        + "gone@example.org,Gus\nnot-an-address,Cy\n";

    private readonly LoopbackTransport _transport = new();
    private readonly KeptMessages _archive = new();
    private SmtpSink _smtp = null!;
    private TestHost _host = null!;
    private TestAccount _acme = null!;
    private HttpClient _admin = null!;
    private string _project = null!;
    private string _campaign = null!;
    private string _communication = null!;

    public async ValueTask InitializeAsync()
    {
        _smtp = await SmtpSink.StartAsync();
        _host = await TestHost.StartAsync(provider, _smtp.RelaySettings(), services =>
        {
            services.AddChannel<LoopbackRenderer, LoopbackTransport>(Channel.Video);
            services.AddKeyedSingleton<IChannelTransport>(Channel.Video, _transport);
            services.AddSingleton<IMessageArchive>(_archive);
        });
        _acme = await _host.CreateAccountAsync("Acme Corp");
        _admin = await _acme.AdminAsync();
        _project = (await (await _admin.PostJsonAsync("/projects", new { name = "Shop" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        _communication = (await (await _admin.PostJsonAsync($"/projects/{_project}/communications", new
        {
            name = "Flash sale", channel = "video", content = new
            {
                scenes = new[]
                {
                    new
                    {
                        duration = 2,
                        layers = new[]
                        {
                            new
                            {
                                type = "text", text = "Hi {{ first_name }}", x = 0, y = 0, width = 640, height = 100,
                            },
                        },
                    },
                },
            },
        })).JsonAsync(HttpStatusCode.Created)).Str("id");
        _campaign = (await (await _admin.PostJsonAsync("/campaigns", new { projectId = _project, name = "Sales" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        await TestSenders.VerifyAsync(_host, _admin, _smtp, "news@acme.example");
        await _host.WithDbAsync(async db =>
        {
            await Suppression.UnsubscribeAsync(db, _acme.TeamId, "gone@example.org", null, UnsubscribeReason.Manual,
                Guid.Empty, Guid.Empty, CancellationToken.None);
            return await db.SaveChangesAcrossTeamsAsync(CancellationToken.None);
        });
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    private async Task RunAllJobsAsync()
    {
        for (var i = 0; i < 20 && await _host.Service<JobRunner>().RunOneAsync(CancellationToken.None); i++)
        {
        }
    }

    private Task<List<OutboundMessage>> MessagesAsync(string send) => _host.WithDbAsync(db => db.OutboundMessages
        .IgnoreQueryFilters().AsNoTracking().Where(m => m.SendId == Guid.Parse(send)).ToListAsync());

    [Fact]
    public async Task A_bulk_send_of_a_second_channel_goes_through_the_same_loop()
    {
        using var form = new MultipartFormDataContent { { new StringContent("People"), "name" } };
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(People));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "people.csv");
        var source = (await (await _admin.PostAsync("/data", form)).JsonAsync(HttpStatusCode.Created)).Str("Id");
        var send = (await (await _admin.PostJsonAsync($"/campaigns/{_campaign}/sends", new
        {
            communicationId = _communication, dataSourceId = source, addressField = "email",
            sender = "news@acme.example",
        })).JsonAsync(HttpStatusCode.Accepted)).Str("id");

        await RunAllJobsAsync();
        Assert.Equal(["ann@example.org"], _transport.Delivered.Select(d => d.Address));
        Assert.Equal("ann@example.org\nHi Ann", Encoding.UTF8.GetString(_transport.Delivered.Single().Bytes));
        var waiting = await (await _admin.GetAsync($"/campaigns/sends/{send}")).JsonAsync();
        Assert.Equal("sending", waiting.Str("state"));

        _host.Clock.Advance(TimeSpan.FromMinutes(1));
        await RunAllJobsAsync();

        var done = await (await _admin.GetAsync($"/campaigns/sends/{send}")).JsonAsync();
        Assert.Equal("completed", done.Str("state"));
        var counts = done.GetProperty("counts");
        Assert.Equal(2, counts.GetProperty("sent").GetInt32());
        Assert.Equal(2, counts.GetProperty("suppressed").GetInt32());
        Assert.Equal(1, counts.GetProperty("failed").GetInt32());

        var messages = (await MessagesAsync(send)).ToDictionary(m => m.Address);
        Assert.All(messages.Values, m => Assert.Equal((Channel.Video, SendKind.Bulk), (m.Channel, m.Kind)));
        var busy = messages["busy@example.org"];
        Assert.Equal((MessageState.Sent, 2), (busy.State, busy.Attempts));
        Assert.Equal((MessageState.Failed, 1, "refused for good"),
            (messages["refused@example.org"].State, messages["refused@example.org"].Attempts,
                messages["refused@example.org"].LastReply));
        Assert.Equal(Suppression.Unsubscribed, messages["gone@example.org"].SuppressionReason);
        Assert.Equal(0, messages["gone@example.org"].Attempts);
        Assert.Equal($"loop-{messages["ann@example.org"].Id:N}", messages["ann@example.org"].MessageIdHeader);
        Assert.True(await _host.WithDbAsync(db => db.HardBounces.AnyAsync(h => h.Address == "refused@example.org")));

        // The archive got the bytes the transport got, under the message's ids.
        var kept = _archive.Kept.Where(k => k.Ids.SendId == Guid.Parse(send)).ToList();
        Assert.Equal(4, kept.Count);
        var ann = Assert.Single(kept, k => k.Ids.MessageId == messages["ann@example.org"].Id);
        Assert.Equal((_acme.TeamId, Channel.Video), (ann.Ids.TeamId, ann.Ids.Channel));
        Assert.Equal(_transport.Delivered.First().Bytes, ann.Bytes);
    }

    [Fact]
    public async Task A_transactional_send_of_a_second_channel_goes_through_the_same_loop()
    {
        var team = _acme.TeamId;
        var send = await _host.WithDbAsync(async db =>
        {
            var campaign = Guid.Parse(_campaign);
            var transactional = new CampaignSend
            {
                TeamId = team, CampaignId = campaign, CommunicationId = Guid.Parse(_communication),
                Channel = Channel.Video, Kind = SendKind.Transactional,
                Content = """{"body":"Your code, {{ first_name }}"}""",
                AddressField = "to", SenderAddress = "news@acme.example", State = SendState.Sending, RecordCount = 3,
                CreatedAt = db.Now, StartedAt = db.Now,
            };
            db.CampaignSends.Add(transactional);
            string[] addresses = ["zoe@example.org", "refused-too@example.org", "busy-too@example.org"];
            for (var i = 0; i < addresses.Length; i++)
            {
                var message = OutboundMessage.To(transactional, i, addresses[i], db.Now);
                message.RecordJson = """{"first_name":"Zoe"}""";
                db.OutboundMessages.Add(message);
            }

            var job = db.EnqueueJob(SendJobs.TransactionalDelivery);
            job.TeamId = team;
            job.Key = $"{SendJobs.TransactionalDelivery}:{team:N}";
            await db.SaveChangesAcrossTeamsAsync(CancellationToken.None);
            return transactional.Id.ToString();
        });

        await RunAllJobsAsync();
        Assert.Equal("zoe@example.org\nYour code, Zoe", Encoding.UTF8.GetString(_transport.Delivered.Single().Bytes));
        _host.Clock.Advance(TimeSpan.FromMinutes(1));
        await RunAllJobsAsync();

        var status = await (await _admin.GetAsync($"/campaigns/v2/transactional/{send}")).JsonAsync();
        Assert.Equal("partially_sent", status.Str("status"));
        Assert.Equal((2, 1), (status.GetProperty("sent").GetInt32(), status.GetProperty("failed").GetInt32()));
        var done = await (await _admin.GetAsync($"/campaigns/sends/{send}")).JsonAsync();
        Assert.Equal("completed", done.Str("state"));
        Assert.Equal(2, done.GetProperty("counts").GetProperty("sent").GetInt32());
        var messages = (await MessagesAsync(send)).ToDictionary(m => m.Address);
        Assert.Equal(2, messages["busy-too@example.org"].Attempts);
        Assert.All(messages.Values, m => Assert.Equal((Channel.Video, SendKind.Transactional), (m.Channel, m.Kind)));
    }

    [Fact]
    public async Task A_send_of_a_channel_without_a_renderer_and_transport_is_refused()
    {
        var letter = (await (await _admin.PostJsonAsync($"/projects/{_project}/communications", new
        {
            name = "Letter", channel = "document",
            content = new { markup = "<document><body><p>Hello</p></body></document>" },
        })).JsonAsync(HttpStatusCode.Created)).Str("id");
        using var form = new MultipartFormDataContent { { new StringContent("People"), "name" } };
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(People));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "people.csv");
        var source = (await (await _admin.PostAsync("/data", form)).JsonAsync(HttpStatusCode.Created)).Str("Id");

        var refused = await (await _admin.PostJsonAsync($"/campaigns/{_campaign}/sends", new
        {
            communicationId = letter, dataSourceId = source, addressField = "email", sender = "news@acme.example",
        })).ProblemAsync((HttpStatusCode)422);
        Assert.Equal("urn:communique:problem:channel-not-available", refused.Str("type"));
    }
}

public sealed class SecondChannelOnSqlite() : SecondChannelTests(Provider.Sqlite);

public sealed class SecondChannelOnPostgres() : SecondChannelTests(Provider.Postgres);
