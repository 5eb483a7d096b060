using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Communique.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Communique.Tests.Campaigns;

// The server program in its own process starts a 20,000-recipient campaign, is killed with SIGKILL part-way, and is
// started again on the same data: every recipient gets the message, and the only duplicates are messages that were
// inside a hand-over at the kill: at most one per open relay connection (outcomes are saved as the relay answers).
public sealed partial class CrashTests : IAsyncLifetime
{
    private const int Recipients = 20_000;
    private const int Connections = 8;

    private readonly string _data = Directory.CreateTempSubdirectory("communique-crash-").FullName;
    private SmtpSink _smtp = null!;
    private Dictionary<string, string> _environment = null!;

    public async ValueTask InitializeAsync()
    {
        _smtp = await SmtpSink.StartAsync(keep: 1);
        _environment = ServerProcess.RelayEnvironment(_data, _smtp.Port, Connections);
    }

    public async ValueTask DisposeAsync()
    {
        await _smtp.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task A_campaign_killed_part_way_resumes_and_at_most_one_message_per_connection_arrives_twice()
    {
        var account = await CreateAccountAsync(_environment);
        var log = Path.Combine(_data, "server.log");

        string send;
        int inFlight;
        int acceptedAtKill;
        await using (var first = await ServerProcess.StartAsync(_environment, log))
        {
            using var api = await SignInAsync(first, account);
            send = await StartCampaignAsync(first, api);

            await WaitAsync(
                () => _smtp.Accepted >= Recipients / 4, TimeSpan.FromMinutes(5), "a quarter of the campaign to arrive");
            first.Kill();
            await Task.Delay(500);
            acceptedAtKill = _smtp.Accepted;
            inFlight = await InFlightAsync();
        }

        Assert.InRange(acceptedAtKill, Recipients / 4, Recipients - 1);
        await using (var second = await ServerProcess.StartAsync(_environment, log))
        {
            using var api = await SignInAsync(second, account);
            await WaitAsync(
                async () => (await (await api.GetAsync($"/campaigns/sends/{send}")).JsonAsync()).Str("state")
                    == "completed",
                TimeSpan.FromMinutes(10), "the send to complete after the restart");
            var counts = (await (await api.GetAsync($"/campaigns/sends/{send}")).JsonAsync()).GetProperty("counts");
            Assert.Equal(Recipients, counts.GetProperty("sent").GetInt32());

            // The archive, killed mid-batch too, holds no leaf without its content: the whole log verifies.
            var verify = (await (await api.PostAsync("/archive/verify", null)).JsonAsync(HttpStatusCode.Accepted))
                .Str("id");
            JsonElement job = default;
            await WaitAsync(async () => (job = await (await api.GetAsync($"/jobs/{verify}")).JsonAsync())
                .Str("state") is "succeeded" or "failed", TimeSpan.FromMinutes(5), "the archive's verify");
            var verified = JsonDocument.Parse(job.Str("result")).RootElement;
            Assert.True(verified.GetProperty("intact").GetBoolean(), verified.GetRawText());
        }

        // Every message sent is in the archive, and once the stopped server's store is swept, every blob is held by
        // its rows: a pack written just before the kill, whose entries were never saved, is what the sweep removes.
        Assert.Equal(Recipients, await ScalarAsync(
            "SELECT COUNT(DISTINCT e.MessageId) FROM ArchiveEntries e JOIN OutboundMessages m ON m.Id = e.MessageId "
            + "WHERE m.State = 'Sent'"));
        var swept = await ServerProcess.CommandAsync(_environment, "blobs", "sweep", "--grace-minutes", "0");
        var store = Path.Combine(_data, "blobs");
        var blobs = Directory.EnumerateFiles(store, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(store, f).StartsWith("tmp", StringComparison.Ordinal))
            .Select(Path.GetFileName).ToHashSet();
        Assert.Equal(await ScalarAsync("SELECT COUNT(DISTINCT Hash) FROM BlobReferences"), blobs.Count);
        TestContext.Current.TestOutputHelper!.WriteLine(
            $"crash test archive: {swept.Trim()}, {blobs.Count} blobs held");

        // One verification email, then the campaign.
        var arrivals = _smtp.ArrivalsByRecipient
            .Where(a => a.Key.StartsWith("reader", StringComparison.Ordinal)).ToList();
        Assert.Equal(Recipients, arrivals.Count);
        var duplicates = arrivals.Sum(a => a.Value - 1);
        // test.sh prints this line from the test report after every run.
        TestContext.Current.TestOutputHelper!.WriteLine(
            $"crash test: {acceptedAtKill} of {Recipients} delivered at the kill, {inFlight} marked sending, "
            + $"{duplicates} delivered twice, {Connections} relay connections");
        Assert.InRange(duplicates, 0, Math.Min(inFlight, Connections));
    }

    // The operator command that creates the account, run on the server's data; its client credentials by name.
    internal static async Task<Dictionary<string, string>> CreateAccountAsync(
        IReadOnlyDictionary<string, string> environment) =>
        (await ServerProcess.CommandAsync(environment, "admin", "create-account", "--name", "Acme Corp",
            "--admin-email", "admin@acme.example", "--format", "env"))
        .Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(line => line.Replace("export ", "", StringComparison.Ordinal).Split('=', 2))
        .ToDictionary(pair => pair[0], pair => pair[1].Trim('\'', '"'));

    internal static async Task<HttpClient> SignInAsync(ServerProcess server, Dictionary<string, string> account)
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

    private async Task<string> StartCampaignAsync(ServerProcess server, HttpClient api)
    {
        var project = (await (await api.PostJsonAsync("/projects", new { name = "Shop" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        var communication = (await (await api.PostJsonAsync($"/projects/{project}/communications", new
        {
            name = "Notice",
            channel = "email",
            content = new
            {
                subject = "Notice for {{ name }}",
                html = "<p>Hello {{ name }}, <a href=\"https://shop.acme.example/\">shop</a>.</p>",
            },
        })).JsonAsync(HttpStatusCode.Created)).Str("id");

        var people = new StringBuilder("email,name\n");
        for (var i = 0; i < Recipients; i++)
        {
            people.Append("reader").Append(i).Append("@example.org,Reader ").Append(i).Append('\n');
        }

        using var form = new MultipartFormDataContent { { new StringContent("Readers"), "name" } };
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(people.ToString()));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "readers.csv");
        var source = (await (await api.PostAsync("/data", form)).JsonAsync(HttpStatusCode.Created)).Str("Id");

        await (await api.PostJsonAsync("/senders", new { address = "news@acme.example" }))
            .JsonAsync(HttpStatusCode.Created);
        var verification = await _smtp.WaitForAsync(1, TimeSpan.FromSeconds(30));
        using (var anonymous = new HttpClient { BaseAddress = server.Address })
        {
            var token = Token().Match(verification.TextBody!).Groups[1].Value;
            var confirmed = await anonymous.PostAsync(
                "/public/senders/verify", new FormUrlEncodedContent([new("token", token)]));
            Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        }

        var campaign = (await (await api.PostJsonAsync("/campaigns", new { projectId = project, name = "Notices" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        return (await (await api.PostJsonAsync($"/campaigns/{campaign}/sends", new
        {
            communicationId = communication, dataSourceId = source, addressField = "email",
            sender = "news@acme.example",
        })).JsonAsync(HttpStatusCode.Accepted)).Str("id");
    }

    // The messages the killed process had marked sending: handed to the mail server or about to be.
    private Task<int> InFlightAsync() => ScalarAsync("SELECT COUNT(*) FROM OutboundMessages WHERE State = 'Sending'");

    private async Task<int> ScalarAsync(string sql)
    {
        await using var db = new SqliteConnection($"Data Source={Path.Combine(_data, "communique.db")};Pooling=False");
        await db.OpenAsync();
        await using var count = db.CreateCommand();
        count.CommandText = sql;
        return Convert.ToInt32(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Task WaitAsync(Func<bool> done, TimeSpan within, string what) =>
        WaitAsync(() => Task.FromResult(done()), within, what);

    internal static async Task WaitAsync(Func<Task<bool>> done, TimeSpan within, string what)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!await done())
        {
            Assert.True(waited.Elapsed < within, $"waited {within} for {what}");
            await Task.Delay(100);
        }
    }

    [GeneratedRegex("token=([A-Za-z0-9_-]+)")]
    private static partial Regex Token();
}
