using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Communique.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using MimeKit;
using PuppeteerSharp;

namespace Communique.Tests.Http;

// The built server as a new user starts it: from a folder that is not the project's, with only --urls and a data
// folder, everything else from its own appsettings.json.
[Collection(nameof(Browsers))]
public sealed partial class QuickStartTests : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly string[] Quiet = ["Warning", "Error", "Critical"];

    private readonly string _data = Directory.CreateTempSubdirectory("communique-quick-start-").FullName;
    private readonly string _elsewhere = Directory.CreateTempSubdirectory("communique-elsewhere-").FullName;
    private Dictionary<string, string> _environment = null!;

    public ValueTask InitializeAsync()
    {
        _environment = new Dictionary<string, string> { ["Storage__DataDirectory"] = _data };
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
        Directory.Delete(_elsewhere, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task The_api_reference_opens_in_a_browser_at_docs_with_and_without_the_slash()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install chromium (.ci/run does)");
        var log = Path.Combine(_data, "server.log");
        await using var server = await ServerProcess.StartAsync(_environment, log, _elsewhere);
        await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });

        foreach (var path in new[] { "/docs", "/docs/" })
        {
            await using var page = await browser.NewPageAsync();
            var opened = await page.GoToAsync(server.Address + path.TrimStart('/'));

            Assert.Equal(HttpStatusCode.OK, opened.Status);
            Assert.Equal(server.Address + "docs/index.html", page.Url);
            Assert.Equal("Communique API", await page.GetTitleAsync());
            // The title comes from an OpenAPI document the page fetched and rendered.
            var title = await page.WaitForSelectorAsync(
                ".swagger-ui .info .title", new WaitForSelectorOptions { Timeout = 30_000 });
            Assert.False(string.IsNullOrWhiteSpace(await title.EvaluateFunctionAsync<string>("e => e.textContent")));
        }
    }

    [Fact]
    public async Task From_another_folder_it_reads_its_own_settings_and_mail_links_use_the_address_it_listens_on()
    {
        var account = await CreateAccountAsync();
        var log = Path.Combine(_data, "server.log");
        await using var server = await ServerProcess.StartAsync(_environment, log, _elsewhere);
        using var api = await SignInAsync(server, account);

        await (await api.PostJsonAsync("/senders", new { address = "news@acme.example" }))
            .JsonAsync(HttpStatusCode.Created);

        var verification = await PickedUpAsync();
        var link = VerificationLink().Match(verification.TextBody!).Value;
        Assert.StartsWith(server.Address + "public/senders/verify?token=", link, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await new HttpClient().GetAsync(new Uri(link))).StatusCode);
        // appsettings.json asks for JSON lines on the console: every line the server printed is one.
        var lines = await File.ReadAllLinesAsync(log);
        Assert.NotEmpty(lines);
        Assert.All(lines, line => JsonDocument.Parse(line).Dispose());
    }

    [Fact]
    public async Task The_console_shows_warnings_and_one_start_line_with_the_address_database_and_data_folder()
    {
        var log = Path.Combine(_data, "server.log");
        await using (var server = await ServerProcess.StartAsync(_environment, log, _elsewhere))
        {
            using var api = await SignInAsync(server, await CreateAccountAsync());
            // Requests that read and write: the SQL they run stays off the console.
            await (await api.PostJsonAsync("/projects", new { name = "Shop" })).JsonAsync(HttpStatusCode.Created);
            await (await api.GetAsync("/projects")).JsonAsync();

            var lines = (await File.ReadAllLinesAsync(log))
                .Select(line => JsonDocument.Parse(line).RootElement)
                .ToList();
            Assert.DoesNotContain(lines,
                line => line.Str("Message").Contains("Executed DbCommand", StringComparison.Ordinal));
            Assert.All(lines.Where(line => line.Str("Category") != "Communique.Start"),
                line => Assert.Contains(line.Str("LogLevel"), Quiet));
            var start = Assert.Single(lines, line => line.Str("Category") == "Communique.Start").Str("Message");
            Assert.Contains(server.Address.ToString().TrimEnd('/'), start, StringComparison.Ordinal);
            Assert.Contains("SQLite " + Path.Combine(_data, "communique.db"), start, StringComparison.Ordinal);
            Assert.Contains("data folder " + _data, start, StringComparison.Ordinal);
            Assert.Contains("Mail:PublicBaseUrl is not set", start, StringComparison.Ordinal);
        }
    }

    private async Task<Dictionary<string, string>> CreateAccountAsync() =>
        (await ServerProcess.CommandAsync(_environment, "admin", "create-account", "--name", "Acme Corp",
            "--admin-email", "admin@acme.example", "--format", "env"))
        .Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(line => line.Replace("export ", "", StringComparison.Ordinal).Split('=', 2))
        .ToDictionary(pair => pair[0], pair => pair[1].Trim('\'', '"'));

    private static async Task<HttpClient> SignInAsync(ServerProcess server, Dictionary<string, string> account)
    {
        var api = new HttpClient { BaseAddress = server.Address };
        var token = (await (await api.PostJsonAsync("/authenticate", new
        {
            client_id = account["COMMUNIQUE_CLIENT_ID"], secret = account["COMMUNIQUE_CLIENT_SECRET"],
            customer_id = account["COMMUNIQUE_CUSTOMER_ID"],
        })).JsonAsync()).GetString();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        api.DefaultRequestHeaders.Add("PB-Customer-Id", account["COMMUNIQUE_CUSTOMER_ID"]);
        return api;
    }

    // The first message written to the pickup folder (the default with no relay configured).
    private async Task<MimeMessage> PickedUpAsync()
    {
        var pickup = Path.Combine(_data, "mail-pickup");
        for (var waited = 0; waited < 300; waited++)
        {
            if (Directory.Exists(pickup) && Directory.GetFiles(pickup, "*.eml") is [var file, ..])
            {
                return await MimeMessage.LoadAsync(file);
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("No message reached " + pickup);
    }

    [GeneratedRegex(@"https?://\S+/public/senders/verify\?token=[A-Za-z0-9_-]+")]
    private static partial Regex VerificationLink();
}
