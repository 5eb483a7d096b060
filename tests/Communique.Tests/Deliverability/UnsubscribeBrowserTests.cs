using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Communique.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using PuppeteerSharp;

namespace Communique.Tests.Deliverability;

// The unsubscribe page as a person uses it: the real server program, a campaign delivered to the loopback SMTP
// server, and the link from the received message opened in Debian's chromium, headless, with its form submitted.
[Collection(nameof(Browsers))]
public sealed partial class UnsubscribeBrowserTests : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private const string PublicBase = "https://mail.acme.example";

    private readonly string _data = Directory.CreateTempSubdirectory("communique-browser-").FullName;
    private SmtpSink _smtp = null!;
    private Dictionary<string, string> _environment = null!;

    public async ValueTask InitializeAsync()
    {
        _smtp = await SmtpSink.StartAsync();
        _environment = new Dictionary<string, string>
        {
            ["Storage__DataDirectory"] = _data,
            ["Communique__Role"] = "Both",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Mail__PublicBaseUrl"] = PublicBase,
            ["Mail__Relays__0__Host"] = "127.0.0.1",
            ["Mail__Relays__0__Port"] = _smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mail__Relays__0__Security"] = "None",
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _smtp.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task A_person_confirms_the_emailed_link_in_a_real_browser_and_the_next_send_leaves_them_out()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install chromium (.ci/run does)");
        var account = await ServerProcess.CreateAccountAsync(_environment);
        await using var server = await ServerProcess.StartAsync(_environment, Path.Combine(_data, "server.log"));
        using var api = await server.ClientAsync(account);

        var project = (await (await api.PostJsonAsync("/projects", new { name = "Shop" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        var communication = (await (await api.PostJsonAsync($"/projects/{project}/communications", new
        {
            name = "Offer", channel = "email",
            content = new { subject = "Offer for {{ name }}",
                html = "<p>Hello {{ name }}</p><p><a href=\"{{ unsubscribe_url }}\">Unsubscribe</a></p>",
                unsubscribeCategory = "Offers" },
        })).JsonAsync(HttpStatusCode.Created)).Str("id");
        using var form = new MultipartFormDataContent { { new StringContent("People"), "name" } };
        var file = new ByteArrayContent(
            Encoding.UTF8.GetBytes("email,name\nann@example.org,Ann\nbob@example.org,Bob\n"));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "people.csv");
        var source = (await (await api.PostAsync("/data", form)).JsonAsync(HttpStatusCode.Created)).Str("Id");
        await (await api.PostJsonAsync("/senders", new { address = "news@acme.example" }))
            .JsonAsync(HttpStatusCode.Created);
        var verification = await _smtp.WaitForAsync(1, TimeSpan.FromSeconds(30));
        var confirmed = await new HttpClient { BaseAddress = server.Address }.PostAsync("/public/senders/verify",
            new FormUrlEncodedContent([new("token", Token().Match(verification.TextBody!).Groups[1].Value)]));
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var campaign = (await (await api.PostJsonAsync("/campaigns", new { projectId = project, name = "Offers" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        async Task<string> SendAsync() => (await (await api.PostJsonAsync($"/campaigns/{campaign}/sends", new
        {
            communicationId = communication, dataSourceId = source, addressField = "email",
            sender = "news@acme.example",
        })).JsonAsync(HttpStatusCode.Accepted)).Str("id");

        await SendAsync();
        await _smtp.WaitForAsync(3, TimeSpan.FromSeconds(60));
        var ann = _smtp.Received.Single(m => m.To.Mailboxes.Single().Address == "ann@example.org");
        // The link as it arrived; the public address the server was given stands for this test's own listener.
        var link = Regex.Match(ann.HtmlBody!, Regex.Escape(PublicBase) + "/public/unsubscribe/[A-Za-z0-9_-]+").Value;
        var local = server.Address.ToString().TrimEnd('/') + link[PublicBase.Length..];

        await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = Chromium, Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        await using var page = await browser.NewPageAsync();
        var opened = await page.GoToAsync(local);
        Assert.Equal(HttpStatusCode.OK, opened.Status);
        // The page works under its own policy: no frame, script, style or image of any origin, forms to itself only.
        Assert.Contains("frame-ancestors 'none'", opened.Headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Equal(
            "Unsubscribe", await page.EvaluateExpressionAsync<string>("document.querySelector('h1').textContent"));
        // Every control has a label a screen reader can announce, and the email's category is chosen already.
        Assert.True(await page.EvaluateExpressionAsync<bool>(
            "[...document.querySelectorAll('input')].every(i => document.querySelector(`label[for=\"${i.id}\"]`) !== " +
                "null)"));
        Assert.True(
            await page.EvaluateExpressionAsync<bool>("document.querySelector('input[value=\"Offers\"]').checked"));

        await Task.WhenAll(page.WaitForNavigationAsync(), page.ClickAsync("button[type=submit]"));
        Assert.Equal(
            "You are unsubscribed",
            await page.EvaluateExpressionAsync<string>("document.querySelector('h1').textContent"));
        Assert.Contains("ann@example.org", await page.GetContentAsync(), StringComparison.Ordinal);

        var before = _smtp.Received.Count;
        var next = await SendAsync();
        await _smtp.WaitForAsync(before + 1, TimeSpan.FromSeconds(60));
        for (var i = 0; i < 100
            && (await (await api.GetAsync($"/campaigns/sends/{next}")).JsonAsync()).Str("state") != "completed"; i++)
        {
            await Task.Delay(100);
        }

        var suppressed = (await (await api.GetAsync($"/campaigns/sends/{next}/messages?state=suppressed")).JsonAsync())
            .GetProperty("items");
        var entry = Assert.Single(suppressed.EnumerateArray());
        Assert.Equal(("ann@example.org", "unsubscribed"), (entry.Str("address"), entry.Str("suppressionReason")));
        Assert.Equal("bob@example.org", _smtp.Received.Skip(before).Single().To.Mailboxes.Single().Address);
    }

    [GeneratedRegex("token=([A-Za-z0-9_-]+)")]
    private static partial Regex Token();
}
