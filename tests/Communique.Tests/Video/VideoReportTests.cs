using System.Net;
using System.Text.RegularExpressions;
using Communique.Jobs;
using Communique.Tests.Infrastructure;
using Communique.Video;

namespace Communique.Tests.Video;

// A campaign's email that sends people to their videos: the send's report counts the video views of its recipients
// (by the record each message was made for), and not those of people it did not send to.
public abstract partial class VideoReportTests(Provider provider) : IAsyncLifetime
{
    private SmtpSink _smtp = null!;
    private TestHost _host = null!;
    private HttpClient _admin = null!;
    private HttpClient _viewer = null!;

    public async ValueTask InitializeAsync()
    {
        _smtp = await SmtpSink.StartAsync();
        _host = await TestHost.StartAsync(provider, _smtp.RelaySettings());
        var acme = await _host.CreateAccountAsync("Acme Corp");
        _admin = await acme.AdminAsync();
        _viewer = _host.CreateClient();
        await TestSenders.VerifyAsync(_host, _admin, _smtp, "news@acme.example");
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        _viewer.Dispose();
        await _host.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    [Fact]
    public async Task A_sends_report_counts_the_video_views_of_its_recipients()
    {
        var project = (await (await _admin.PostJsonAsync("/projects", new { name = "Films" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        await (await _admin.PostJsonAsync($"/projects/{project}/communications",
            new { name = "Welcome film", channel = "video", content = VideoSeed.Content() }))
            .JsonAsync(HttpStatusCode.Created);
        var videoUrl = (await (await _admin.GetAsync(
            "/data/projects/Films/communications/Welcome%20film/videoUrl")).JsonAsync()).Str("videoUrl");
        var email = (await (await _admin.PostJsonAsync($"/projects/{project}/communications", new
        {
            name = "Your film", channel = "email",
            content = new { subject = "A film for you, {{ NAME }}", html = "<p>Watch it, {{ NAME }}.</p>" },
        })).JsonAsync(HttpStatusCode.Created)).Str("id");
        using var form = new MultipartFormDataContent { { new StringContent("People"), "name" } };
        var file = new ByteArrayContent("NAME,email\nAda,ada@example.org\nGrace,grace@example.org\n"u8.ToArray());
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "people.csv");
        var source = (await (await _admin.PostAsync("/data", form)).JsonAsync(HttpStatusCode.Created)).Str("Id");
        var records = (await (await _admin.GetAsync($"/data/{source}/records")).JsonAsync()).GetProperty("items")
            .EnumerateArray().ToDictionary(r => r.GetProperty("values").Str("NAME"), r => Guid.Parse(r.Str("uuid")));
        // Someone of another data source, whom the send did not reach.
        var outsider = (await VideoSeed.CreateAsync(_admin)).Uuids["Edsger"];

        var campaign = (await (await _admin.PostJsonAsync("/campaigns", new { projectId = project, name = "Films" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        var before = _smtp.Received.Count;
        var send = (await (await _admin.PostJsonAsync($"/campaigns/{campaign}/sends", new
        {
            communicationId = email, dataSourceId = source, addressField = "email", sender = "news@acme.example",
        })).JsonAsync(HttpStatusCode.Accepted)).Str("id");
        for (var i = 0; i < 20 && await _host.Service<JobRunner>().RunOneAsync(CancellationToken.None); i++)
        {
        }

        await _smtp.WaitForAsync(before + 2);
        async Task ViewAsync(Guid uuid, params object[] events)
        {
            var path = new Uri(videoUrl + uuid).AbsolutePath;
            var html = await (await _viewer.GetAsync(path)).Content.ReadAsStringAsync();
            var token = TokenPattern().Match(html).Groups[1].Value;
            Assert.Equal(HttpStatusCode.Accepted,
                (await _viewer.PostJsonAsync(path + "/events", new { token, events })).StatusCode);
        }

        object Event(string kind, int? button = null) => new { kind, position = 1, button };
        await ViewAsync(records["Ada"], Event("impression"), Event("play"), Event("cta", 0));
        await ViewAsync(records["Ada"], Event("impression"), Event("play"));
        await ViewAsync(records["Grace"], Event("impression"));
        await ViewAsync(outsider, Event("impression"), Event("play"), Event("cta", 0));
        await _host.Service<VideoEventIntake>().FlushAsync(CancellationToken.None);

        var report = await (await _admin.GetAsync($"/reports/sends/{send}")).JsonAsync();
        var video = report.GetProperty("video");
        Assert.Equal((2, 1, 1), (video.GetProperty("views").GetInt64(), video.GetProperty("viewers").GetInt64(),
            video.GetProperty("ctaSessions").GetInt64()));
        var byCampaign = await (await _admin.GetAsync($"/reports/campaigns/{campaign}")).JsonAsync();
        Assert.Equal(2, byCampaign.GetProperty("video").GetProperty("views").GetInt64());
    }

    [GeneratedRegex("\"token\":\"([A-Za-z0-9_-]+)\"")]
    private static partial Regex TokenPattern();
}

public sealed class VideoReportOnSqlite() : VideoReportTests(Provider.Sqlite);

public sealed class VideoReportOnPostgres() : VideoReportTests(Provider.Postgres);
