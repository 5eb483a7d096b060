using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Communique.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Communique.Tests.Campaigns;

// The server program in its own process is stopped with SIGTERM while a transactional call is still rendering its
// records (a budget far beyond the test's patience): the call is aborted and the process exits within its shutdown
// timeout, as a supervisor expects before it resorts to SIGKILL.
public sealed partial class ShutdownTests : IAsyncLifetime
{
    private const int ShutdownSeconds = 2;

    private readonly string _data = Directory.CreateTempSubdirectory("communique-shutdown-").FullName;
    private SmtpSink _smtp = null!;
    private Dictionary<string, string> _environment = null!;

    public async ValueTask InitializeAsync()
    {
        _smtp = await SmtpSink.StartAsync();
        _environment = new Dictionary<string, string>
        {
            ["Storage__DataDirectory"] = _data,
            ["Communique__Role"] = "Both",
            ["Communique__ShutdownTimeoutSeconds"] = ShutdownSeconds.ToString(CultureInfo.InvariantCulture),
            ["Transactional__MaxRecords"] = "1000",
            ["Transactional__RenderSeconds"] = "600",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Mail__PublicBaseUrl"] = "https://mail.acme.example",
            ["Mail__Relays__0__Host"] = "127.0.0.1",
            ["Mail__Relays__0__Port"] = _smtp.Port.ToString(CultureInfo.InvariantCulture),
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
    public async Task A_stop_while_a_call_is_rendering_ends_the_process_within_its_shutdown_timeout()
    {
        var created = await ServerProcess.CommandAsync(
            _environment, "admin", "create-account", "--name", "Acme Corp", "--admin-email", "admin@acme.example",
                "--format", "env");
        var account = created.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Replace("export ", "", StringComparison.Ordinal).Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1].Trim('\'', '"'));
        await using var server = await ServerProcess.StartAsync(_environment, Path.Combine(_data, "server.log"));
        using var api = await CrashTests.SignInAsync(server, account);
        await PrepareAsync(server, api);

        var records = Enumerable.Range(0, 1000)
            .Select(i => new { customer_email = $"buyer{i}@example.com", first_name = $"Buyer{i}", order_no = $"{i}" })
                .ToArray();
        var call = api.PostAsJsonAsync("/campaigns/v2/Slow/transactional", new
        {
            communication = "Slow", project = "Shop", dataset = records, email_json_path = "customer_email",
            sender = "shop@acme.example",
        });
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(call.IsCompleted, "the call was expected to be still rendering");

        var stopped = await server.StopAsync(TimeSpan.FromSeconds(60));
        Assert.True(stopped < TimeSpan.FromSeconds(ShutdownSeconds + 5), $"the process took {stopped} to exit");
        try
        {
            Assert.NotEqual(HttpStatusCode.OK, (await call).StatusCode);
        }
        catch (HttpRequestException)
        {
            // The connection was aborted: what a call cut short by a stop gets.
        }
    }

    private async Task PrepareAsync(ServerProcess server, HttpClient api)
    {
        var project = (await (await api.PostJsonAsync("/projects", new { name = "Shop" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        await (await api.PostJsonAsync($"/projects/{project}/communications", new
        {
            name = "Slow",
            channel = "email",
            content = new
            {
                subject = "Order",
                html = "<p>{% for i in (1..20000) %}{{ first_name }}{{ order_no }} {% endfor %}</p>",
            },
        })).JsonAsync(HttpStatusCode.Created);

        await (await api.PostJsonAsync("/senders", new { address = "shop@acme.example" }))
            .JsonAsync(HttpStatusCode.Created);
        var verification = await _smtp.WaitForAsync(1, TimeSpan.FromSeconds(30));
        using var anonymous = new HttpClient { BaseAddress = server.Address };
        var token = Token().Match(verification.TextBody!).Groups[1].Value;
        var confirmed = await anonymous.PostAsync("/public/senders/verify", new FormUrlEncodedContent([new("token",
            token)]));
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
    }

    [GeneratedRegex("token=([A-Za-z0-9_-]+)")]
    private static partial Regex Token();
}
