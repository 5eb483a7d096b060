using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Communique.Deliverability;
using Communique.Jobs;
using Communique.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using MimeKit;
using SmtpServer.Protocol;

namespace Communique.Tests.Deliverability;

// A whole round over 1,000 recipients: a campaign, refusals at SMTP, DSN and ARF reports, opens and clicks through
// the tracking URLs found in the received MIME, a one-click unsubscribe — then the reports and the per-message CSV
// must say exactly that.
public abstract partial class ReportingTests(Provider provider) : IAsyncLifetime
{
    private const string Base = "https://mail.acme.example";
    private const int People = 1000;

    private SmtpSink _smtp = null!;
    private TestHost _host = null!;
    private TestAccount _acme = null!;
    private HttpClient _admin = null!;
    private HttpClient _public = null!;

    public async ValueTask InitializeAsync()
    {
        _smtp = await SmtpSink.StartAsync();
        _host = await TestHost.StartAsync(provider, _smtp.RelaySettings());
        _acme = await _host.CreateAccountAsync("Acme Corp");
        _admin = await _acme.AdminAsync();
        _public = _host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await TestSenders.VerifyAsync(_host, _admin, _smtp, "news@acme.example");
    }

    public async ValueTask DisposeAsync()
    {
        _public.Dispose();
        _admin.Dispose();
        await _host.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    [GeneratedRegex("https://mail\\.acme\\.example/public/t/c/[A-Za-z0-9_-]+")]
    private static partial Regex ClickLink();

    [GeneratedRegex("https://mail\\.acme\\.example/public/t/o/[A-Za-z0-9_-]+\\.gif")]
    private static partial Regex OpenPixel();

    private async Task GetAsync(string url, string userAgent)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url[Base.Length..]);
        request.Headers.UserAgent.ParseAdd(userAgent);
        var response = await _public.SendAsync(request);
        Assert.True(
            response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect, $"{url}: {response.StatusCode}");
    }

    private async Task<System.Text.Json.JsonElement> ReportAsync(string secret, string url, MimeMessage report)
    {
        using var stream = new MemoryStream();
        report.WriteTo(stream);
        var body = stream.ToArray();
        var at = _host.Clock.GetUtcNow().ToUnixTimeSeconds()
            .ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");
        request.Headers.Add(ProviderWebhook.TimestampHeader, at);
        request.Headers.Add(ProviderWebhook.SignatureHeader,
            "sha256="
                + Convert.ToHexStringLower(
                    HMACSHA256.HashData(
                        Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(at + ".").Concat(body).ToArray())));
        return await (await _public.SendAsync(request)).JsonAsync();
    }

    [Fact]
    public async Task Reports_and_the_csv_export_match_what_happened_to_every_message()
    {
        var project = (await (await _admin.PostJsonAsync("/projects", new { name = "Shop" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        var communication = (await (await _admin.PostJsonAsync($"/projects/{project}/communications", new
        {
            name = "Offer", channel = "email",
            content = new { subject = "Hi {{ first_name }}",
                html = "<p>Hi {{ first_name }}, <a href=\"https://shop.acme.example/offer\">offer</a></p>" },
        })).JsonAsync(HttpStatusCode.Created)).Str("id");
        var campaign = (await (await _admin.PostJsonAsync("/campaigns", new { projectId = project, name = "November" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        using var form = new MultipartFormDataContent { { new StringContent("People"), "name" },
            { new StringContent("id"), "uniqueField" } };
        var csv = "id,email,first_name\n"
            + string.Concat(Enumerable.Range(1, People).Select(i => $"P{i},r{i}@example.org,R{i}\n"))
            + "P41,nobody,N\nP42,,E\n";
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "people.csv");
        var source = (await (await _admin.PostAsync("/data", form)).JsonAsync(HttpStatusCode.Created)).Str("Id");
        await (await _admin.PostJsonAsync("/unsubscribes", new { address = $"r{People}@example.org" }))
            .JsonAsync(HttpStatusCode.Created);
        var secret = await (await _admin.PostAsync("/webhook-secret", null)).JsonAsync(HttpStatusCode.Created);

        // Two messages refused at SMTP (hard bounces), the rest delivered.
        _smtp.AnswerNext(2, SmtpReplyCode.MailboxUnavailable, "5.1.1 no such user");
        var before = _smtp.Received.Count;
        var send = (await (await _admin.PostJsonAsync($"/campaigns/{campaign}/sends", new
        {
            communicationId = communication, dataSourceId = source, addressField = "email",
            sender = "news@acme.example",
        })).JsonAsync(HttpStatusCode.Accepted)).Str("id");
        for (var i = 0; i < 20 && await _host.Service<JobRunner>().RunOneAsync(CancellationToken.None); i++)
        {
        }

        await _smtp.WaitForAsync(before + People - 3);
        var received = _smtp.Received.Skip(before).OrderBy(m => m.To.Mailboxes.Single().Address, StringComparer.Ordinal)
            .ToList();
        Assert.Equal(People - 3, received.Count);
        string Address(int i) => received[i].To.Mailboxes.Single().Address;

        // Provider reports: a hard bounce, a soft bounce and a complaint.
        var url = new Uri(secret.Str("url")).AbsolutePath;
        Assert.Equal(
            1, (await ReportAsync(
                secret.Str("secret"), url,
                ReportMessages.Dsn(
                    received[0], headersOnly: false, (received[0].To.Mailboxes.Single().Address, "failed", "5.1.1"))))
                    .GetProperty("applied").GetInt32());
        Assert.Equal(
            1, (await ReportAsync(
                secret.Str("secret"), url,
                ReportMessages.Dsn(
                    received[1], headersOnly: false, (received[1].To.Mailboxes.Single().Address, "delayed", "4.4.7"))))
                    .GetProperty("applied").GetInt32());
        Assert.Equal(
            1, (await ReportAsync(
                secret.Str("secret"), url, ReportMessages.Arf(received[2], received[2].To.Mailboxes.Single().Address)))
                .GetProperty("applied").GetInt32());

        // Opens: five people on phones (one opens twice), one privacy proxy;
        // clicks: three people on desktops (one twice).
        const string Phone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148";
        const string Desktop = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130.0 " +
            "Safari/537.36";
        for (var i = 3; i < 8; i++)
        {
            await GetAsync(OpenPixel().Match(received[i].HtmlBody!).Value, Phone);
        }

        await GetAsync(OpenPixel().Match(received[3].HtmlBody!).Value, Phone);
        await GetAsync(OpenPixel().Match(received[8].HtmlBody!).Value, "Mozilla/5.0");
        for (var i = 3; i < 6; i++)
        {
            await GetAsync(ClickLink().Match(received[i].HtmlBody!).Value, Desktop);
        }

        await GetAsync(ClickLink().Match(received[4].HtmlBody!).Value, Desktop);

        // A one-click unsubscribe, used twice.
        var unsubscribe = Regex.Match(received[9].Headers[HeaderId.ListUnsubscribe]!,
            "<(https://[^>]+)>").Groups[1].Value[Base.Length..];
        for (var i = 0; i < 2; i++)
        {
            using var oneClick = new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]);
            Assert.Equal(HttpStatusCode.OK, (await _public.PostAsync(unsubscribe, oneClick)).StatusCode);
        }

        await _host.Service<EventRecorder>().FlushAsync(CancellationToken.None);

        var report = await (await _admin.GetAsync($"/reports/sends/{send}")).JsonAsync();
        Assert.Equal(People + 2, report.GetProperty("recipients").GetInt64());
        Assert.Equal(People - 3, report.GetProperty("sent").GetInt64());
        Assert.Equal(People - 4, report.GetProperty("delivered").GetInt64());
        Assert.Equal(2, report.GetProperty("failed").GetInt64());
        var suppressed = report.GetProperty("suppressed");
        Assert.Equal(
            (3L, 2L, 1L),
            (suppressed.GetProperty("total").GetInt64(), suppressed.GetProperty("invalidAddress").GetInt64(),
            suppressed.GetProperty("unsubscribed").GetInt64()));
        Assert.Equal(
            (5L, 6L),
            (report.GetProperty("opens").GetProperty("unique").GetInt64(), report.GetProperty("opens")
                .GetProperty("total").GetInt64()));
        Assert.Equal(1, report.GetProperty("machineOpens").GetInt64());
        Assert.Equal(
            (3L, 4L),
            (report.GetProperty("clicks").GetProperty("unique").GetInt64(), report.GetProperty("clicks")
                .GetProperty("total").GetInt64()));
        Assert.Equal(
            (1L, 3L),
            (report.GetProperty("bounces").GetProperty("soft").GetInt64(), report.GetProperty("bounces")
                .GetProperty("hard").GetInt64()));
        Assert.Equal(
            (1L, 1L), (report.GetProperty("complaints").GetInt64(), report.GetProperty("unsubscribes").GetInt64()));
        Assert.Equal(
            (6L, 4L),
            (report.GetProperty("devices").GetProperty("mobile").GetInt64(), report.GetProperty("devices")
                .GetProperty("desktop").GetInt64()));
        var hour = Assert.Single(report.GetProperty("timeSeries").EnumerateArray());
        Assert.Equal((6L, 4L), (hour.GetProperty("opens").GetInt64(), hour.GetProperty("clicks").GetInt64()));

        // The same numbers one level up (a single send), and nothing for another team.
        foreach (var scope in new[] { $"campaigns/{campaign}", $"communications/{communication}",
            $"projects/{project}" })
        {
            var up = await (await _admin.GetAsync($"/reports/{scope}")).JsonAsync();
            Assert.Equal(
                (1, People - 3L, 5L),
                (up.GetProperty("sends").GetInt32(), up.GetProperty("sent").GetInt64(), up.GetProperty("opens")
                    .GetProperty("unique").GetInt64()));
        }

        var other = await _host.CreateAccountAsync("Other Corp");
        using var otherAdmin = await other.AdminAsync();
        await (await otherAdmin.GetAsync($"/reports/sends/{send}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await otherAdmin.GetAsync($"/reports/campaigns/{campaign}")).ProblemAsync(HttpStatusCode.NotFound);

        // One CSV row per message, keyed by the data source's unique identifier.
        var export = await (await _admin.GetAsync($"/reports/sends/{send}/messages")).Content.ReadAsStringAsync();
        var lines = export.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            "unique_id,address,status,reason,created_at,sent_at,opened_at,clicked_at,bounce,bounce_detail,"
            + "complained_at,unsubscribed_at,smtp_reply",
            lines[0]);
        Assert.Equal(People + 3, lines.Length);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToDictionary(c => c[1]);
        Assert.Equal("P41", rows["nobody"][0]);
        Assert.Equal(("suppressed", "invalid-address"), (rows["nobody"][2], rows["nobody"][3]));
        Assert.Equal(
            ("suppressed", "unsubscribed"), (rows[$"r{People}@example.org"][2], rows[$"r{People}@example.org"][3]));
        Assert.Equal(2, rows.Values.Count(c => c[2] == "failed" && c[12].StartsWith("550", StringComparison.Ordinal)));
        Assert.Equal("hard", rows[Address(0)][8]);
        Assert.Equal("soft", rows[Address(1)][8]);
        Assert.NotEmpty(rows[Address(2)][10]);
        Assert.Equal(5, rows.Values.Count(c => c[6].Length > 0));
        Assert.Equal(3, rows.Values.Count(c => c[7].Length > 0));
        Assert.Equal(Address(9), Assert.Single(rows.Values, c => c[11].Length > 0)[1]);
        Assert.All(Enumerable.Range(3, 5), i => Assert.NotEmpty(rows[Address(i)][6]));
    }
}

public sealed class ReportingOnSqlite() : ReportingTests(Provider.Sqlite);

public sealed class ReportingOnPostgres() : ReportingTests(Provider.Postgres);
