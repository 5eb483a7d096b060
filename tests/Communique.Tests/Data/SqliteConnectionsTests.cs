using Communique.Data;
using Communique.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Communique.Tests.Data;

public sealed class SqliteConnectionsTests : IAsyncLifetime
{
    private TestHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await TestHost.StartAsync(Provider.Sqlite);

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Consecutive_rents_work_on_the_same_open_connection()
    {
        var first = await _host.WithDbAsync(db => Task.FromResult(db.Database.GetDbConnection()));
        var second = await _host.WithDbAsync(async db =>
        {
            await db.Accounts.CountAsync();
            return db.Database.GetDbConnection();
        });

        Assert.Same(first, second);
        Assert.Equal(System.Data.ConnectionState.Open, second.State);
    }

    [Fact]
    public async Task A_lent_connection_has_the_sql_functions_ef_registers()
    {
        var matches = await _host.WithDbAsync(db =>
            db.Database.SqlQueryRaw<long>("""SELECT ('communique' REGEXP 'mm.n') AS "Value" """).SingleAsync());

        Assert.Equal(1, matches);
    }

    [Fact]
    public async Task A_transaction_left_open_through_the_context_is_rolled_back_before_the_connection_is_lent_again()
    {
        var id = Guid.NewGuid();
        var used = await _host.WithDbAsync(async db =>
        {
            await db.Database.BeginTransactionAsync();
            await InsertAccountAsync(db, id);
            return db.Database.GetDbConnection();
        });

        var next = await _host.WithDbAsync(async db =>
        {
            Assert.Equal(0, await db.Accounts.CountAsync(a => a.Id == id));
            return db.Database.GetDbConnection();
        });
        Assert.Same(used, next);
    }

    [Fact]
    public async Task A_connection_inside_a_transaction_of_its_own_is_closed_not_lent_again()
    {
        var id = Guid.NewGuid();
        var used = await _host.WithDbAsync(async db =>
        {
            var connection = db.Database.GetDbConnection();
            var transaction = await connection.BeginTransactionAsync();
            await db.Database.UseTransactionAsync(transaction);
            await InsertAccountAsync(db, id);
            await db.Database.UseTransactionAsync(null);
            return connection;
        });

        var next = await _host.WithDbAsync(async db =>
        {
            Assert.Equal(0, await db.Accounts.CountAsync(a => a.Id == id));
            return db.Database.GetDbConnection();
        });
        Assert.NotSame(used, next);
        Assert.Equal(System.Data.ConnectionState.Closed, used.State);
    }

    [Fact]
    public async Task A_connection_closed_during_a_rent_is_replaced()
    {
        var closed = await _host.WithDbAsync(async db =>
        {
            var connection = db.Database.GetDbConnection();
            await connection.CloseAsync();
            return connection;
        });

        var next = await _host.WithDbAsync(async db =>
        {
            await db.Accounts.CountAsync();
            return db.Database.GetDbConnection();
        });
        Assert.NotSame(closed, next);
        Assert.Equal(System.Data.ConnectionState.Open, next.State);
    }

    [Fact]
    public async Task Idle_connections_close_when_the_host_stops()
    {
        var connection = await _host.WithDbAsync(db => Task.FromResult(db.Database.GetDbConnection()));
        await _host.DisposeAsync();

        Assert.Equal(System.Data.ConnectionState.Closed, connection.State);
    }

    private static Task<int> InsertAccountAsync(AppDb db, Guid id) => db.Database.ExecuteSqlAsync(
        $"""INSERT INTO "Accounts" ("Id", "Name", "CustomerId", "CreatedAt") VALUES ({id}, {"Left open " + id}, {"eocm-" + id}, '2026-01-01 00:00:00')""");
}
