using Communique.Campaigns;
using Communique.Data;
using Communique.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Communique.Tests.Data;

public abstract class MigrationTests(Provider provider) : IAsyncLifetime
{
    private TestHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await TestHost.StartAsync(provider);

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Migrations_apply_to_an_empty_database_and_running_them_again_changes_nothing()
    {
        var applied = await _host.WithDbAsync(async db => (await db.Database.GetAppliedMigrationsAsync()).ToList());
        var all = await _host.WithDbAsync(db => Task.FromResult(db.Database.GetMigrations().ToList()));
        Assert.EndsWith("_Initial", all[0], StringComparison.Ordinal);
        Assert.Equal(all, applied);

        await DataSetup.MigrateAsync(_host.Services, CancellationToken.None);
        await DataSetup.MigrateAsync(_host.Services, CancellationToken.None);

        Assert.Equal(applied,
            await _host.WithDbAsync(async db => (await db.Database.GetAppliedMigrationsAsync()).ToList()));
        Assert.Empty(await _host.WithDbAsync(async db => (await db.Database.GetPendingMigrationsAsync()).ToList()));
    }

    [Fact]
    public async Task The_model_has_no_changes_missing_from_the_migrations()
    {
        Assert.False(await _host.WithDbAsync(db => Task.FromResult(db.Database.HasPendingModelChanges())));
    }

    protected Task<List<string>> QueryAsync(string sql) =>
        _host.WithDbAsync(db => db.Database.SqlQueryRaw<string>(sql).ToListAsync());

    protected Task<T> WithDbAsync<T>(Func<AppDb, Task<T>> work) => _host.WithDbAsync(work);
}

public sealed class MigrationsOnSqlite() : MigrationTests(Provider.Sqlite)
{
    [Fact]
    public async Task Sqlite_runs_in_write_ahead_logging_mode() =>
        Assert.Equal("wal", (await QueryAsync("PRAGMA journal_mode")).Single());

    // The queries of one send's messages carry the team's filter beside the send. Without statistics SQLite weighs an
    // index led by the team like one led by the send, and with such an index it read every message of the team for
    // each of them (a transactional call's send ran four such reads).
    [Fact]
    public async Task Sqlite_finds_a_sends_messages_through_an_index_of_the_send()
    {
        var send = Guid.NewGuid();
        var plans = await PlansAsync(db =>
        [
            db.OutboundMessages.Where(m => m.SendId == send),
            db.OutboundMessages.Where(m => m.SendId == send && m.State == MessageState.Sending),
            db.OutboundMessages.Where(m => m.SendId == send && m.State != MessageState.Queued),
        ]);

        Assert.Equal(3, plans.Count);
        Assert.All(plans,
            plan => Assert.Matches(@"^SEARCH o USING (COVERING )?INDEX IX_OutboundMessages_SendId_", plan));
    }

    // A team's transactional delivery reads its due messages across all its calls by the transactional index, whatever
    // the size of its bulk sends.
    [Fact]
    public async Task Sqlite_finds_a_teams_due_transactional_messages_through_their_own_index()
    {
        var now = new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);
        var plans = await PlansAsync(db =>
        [
            db.OutboundMessages
                .Where(m => m.Kind == SendKind.Transactional && m.State == MessageState.Queued && m.NextAttemptAt <= now
                    && db.CampaignSends.Any(s => s.Id == m.SendId && s.State == SendState.Sending))
                .OrderBy(m => m.NextAttemptAt).Take(200),
        ]);

        Assert.Matches(
            @"^SEARCH o USING INDEX IX_OutboundMessages_Transactional \(TeamId=\? AND State=\? AND NextAttemptAt<\?\)",
            plans[0]);
        Assert.DoesNotContain(plans, plan => plan.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }

    private Task<List<string>> PlansAsync(Func<AppDb, IQueryable[]> queriesOf) => WithDbAsync(async db =>
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        var found = new List<string>();
        foreach (var query in queriesOf(db))
        {
            // EF writes its parameters as `.param set` lines before the statement; unbound, they read as NULL.
            var sql = string.Join('\n', query.ToQueryString().Split('\n')
                .Where(line => !line.StartsWith(".param", StringComparison.Ordinal)));
            Assert.Contains("\"TeamId\" = @", sql, StringComparison.Ordinal);
            await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // the statement is EF's own translation of the queries above
            command.CommandText = "EXPLAIN QUERY PLAN " + sql;
#pragma warning restore CA2100
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                found.Add(reader.GetString(3));
            }
        }

        return found;
    });
}

public sealed class MigrationsOnPostgres() : MigrationTests(Provider.Postgres);
