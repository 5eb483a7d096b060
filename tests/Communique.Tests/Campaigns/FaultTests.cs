using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Communique.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Communique.Tests.Campaigns;

// A transactional call of 1,000 recipients to a relay that defers, cuts connections mid-DATA, stalls past the
// timeout and refuses 2 % for good; the server is killed with SIGKILL at about a third and started again. Nothing is
// lost, every fault is classified right, at most one message per connection arrives twice, the bounce-rate guard
// sees the true rate, and the attempts saved are the relay's hand-overs less those cut short by the kill.
public sealed partial class FaultTests : IAsyncLifetime
{
    private const int Recipients = 1000;
    private const int Connections = 8;

    private readonly string _data = Directory.CreateTempSubdirectory("communique-faults-").FullName;
    private FaultyRelay _relay = null!;
    private Dictionary<string, string> _environment = null!;

    public ValueTask InitializeAsync()
    {
        _relay = new FaultyRelay();
        _environment = ServerProcess.RelayEnvironment(_data, _relay.Port, Connections);
        _environment["Mail__Relays__0__TimeoutSeconds"] = "2";
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _relay.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task A_transactional_call_to_a_faulty_relay_killed_part_way_loses_nothing_and_counts_right()
    {
        var account = await CrashTests.CreateAccountAsync(_environment);
        var log = Path.Combine(_data, "server.log");

        string send;
        int acceptedAtKill;
        await using (var first = await ServerProcess.StartAsync(_environment, log))
        {
            using var api = await CrashTests.SignInAsync(first, account);
            send = await CallAsync(first, api);
            await CrashTests.WaitAsync(
                () => Task.FromResult(_relay.Accepted >= Recipients * 35 / 100), TimeSpan.FromMinutes(3),
                "a third of the call to arrive");
            first.Kill();
            await Task.Delay(500);
            acceptedAtKill = _relay.Accepted;
        }

        Assert.InRange(acceptedAtKill, Recipients * 35 / 100, Recipients - 1);
        JsonElement status;
        JsonElement sending;
        await using (var second = await ServerProcess.StartAsync(_environment, log))
        {
            using var api = await CrashTests.SignInAsync(second, account);
            await CrashTests.WaitAsync(
                async () => (await (await api.GetAsync($"/campaigns/v2/transactional/{send}")).JsonAsync())
                    .Str("status") is not ("queued" or "sending"),
                TimeSpan.FromMinutes(6), "the call to be delivered after the restart");
            status = await (await api.GetAsync($"/campaigns/v2/transactional/{send}")).JsonAsync();
            sending = await (await api.GetAsync("/sending-status")).JsonAsync();
        }

        var recipients = status.GetProperty("recipients").EnumerateArray().ToList();
        var refused = recipients.Where(r => FaultyRelay.FaultOf(r.Str("email")) == FaultyRelay.Fault.Refuse).ToList();
        Assert.Equal(Recipients / 50, refused.Count);
        Assert.All(refused, r => Assert.Equal("failed", r.Str("status")));
        Assert.All(refused, r => Assert.StartsWith("550", r.Str("reason"), StringComparison.Ordinal));
        Assert.All(recipients.Except(refused), r => Assert.Equal("sent", r.Str("status")));
        Assert.Equal("partially_sent", status.Str("status"));

        // Nothing lost; the only duplicates were inside a hand-over at the kill.
        var arrivals = _relay.Arrivals.Where(a => a.Key.StartsWith("buyer", StringComparison.Ordinal)).ToList();
        Assert.Equal(Recipients - refused.Count, arrivals.Count);
        var duplicates = arrivals.Sum(a => a.Value - 1);

        // The guard counted saved outcomes: the true rate, warned (2 %) and not suspended (4 %).
        Assert.Equal("warned", sending.Str("state"));
        Assert.Equal(Recipients - refused.Count, sending.GetProperty("sent").GetInt64());
        Assert.Equal(refused.Count, sending.GetProperty("hardBounces").GetInt64());

        // Attempts saved are the relay's hand-overs, less those in flight at the kill (never saved): a message in
        // flight holds one connection, and may have been handed over twice on it (once on a kept connection the relay
        // cut, once at once on a fresh one), so at most two hand-overs per connection go unsaved.
        var attempts = await AttemptsAsync();
        var handOvers = _relay.HandOvers.Where(h => h.Key.StartsWith("buyer", StringComparison.Ordinal))
            .Sum(h => h.Value);
        TestContext.Current.TestOutputHelper!.WriteLine(
            $"fault test: {acceptedAtKill} of {Recipients} delivered at the kill, {duplicates} delivered twice, "
            + $"{handOvers} hand-overs seen by the relay, {attempts} attempts saved, {Connections} connections");
        Assert.InRange(duplicates, 0, Connections);
        Assert.InRange(attempts, handOvers - 2 * Connections, handOvers);
    }

    private async Task<string> CallAsync(ServerProcess server, HttpClient api)
    {
        var project = (await (await api.PostJsonAsync("/projects", new { name = "Shop" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        await (await api.PostJsonAsync($"/projects/{project}/communications", new
        {
            name = "Receipt", channel = "email",
            content = new { subject = "Receipt for {{ name }}", html = "<p>Thanks {{ name }}.</p>" },
        })).JsonAsync(HttpStatusCode.Created);

        await (await api.PostJsonAsync("/senders", new { address = "orders@acme.example" }))
            .JsonAsync(HttpStatusCode.Created);
        await CrashTests.WaitAsync(
            () => Task.FromResult(!_relay.Others.IsEmpty), TimeSpan.FromSeconds(30), "the verification");
        _relay.Others.TryDequeue(out var verification);
        using (var anonymous = new HttpClient { BaseAddress = server.Address })
        {
            var token = Token().Match(verification!.TextBody!).Groups[1].Value;
            var confirmed = await anonymous.PostAsync(
                "/public/senders/verify", new FormUrlEncodedContent([new("token", token)]));
            Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        }

        var dataset = Enumerable.Range(0, Recipients)
            .Select(i => new { email = $"buyer{i}@example.com", name = $"Buyer {i}" }).ToArray();
        return (await (await api.PostJsonAsync("/campaigns/v2/Receipts/transactional", new
        {
            communication = "Receipt", project = "Shop", dataset, email_json_path = "email",
            sender = "orders@acme.example",
        })).JsonAsync()).Str("send_id");
    }

    private async Task<int> AttemptsAsync()
    {
        await using var db = new SqliteConnection(
            $"Data Source={Path.Combine(_data, "communique.db")};Pooling=False");
        await db.OpenAsync();
        await using var sum = db.CreateCommand();
        sum.CommandText = "SELECT SUM(Attempts) FROM OutboundMessages WHERE Address LIKE 'buyer%'";
        return Convert.ToInt32(await sum.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("token=([A-Za-z0-9_-]+)")]
    private static partial Regex Token();
}
