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
        Assert.NotEmpty(all);
        Assert.Equal(all, applied);

        await DataSetup.MigrateAsync(_host.Services, CancellationToken.None);
        await DataSetup.MigrateAsync(_host.Services, CancellationToken.None);

        Assert.Equal(applied, await _host.WithDbAsync(async db => (await db.Database.GetAppliedMigrationsAsync()).ToList()));
        Assert.Empty(await _host.WithDbAsync(async db => (await db.Database.GetPendingMigrationsAsync()).ToList()));
    }

    [Fact]
    public async Task The_model_has_no_changes_missing_from_the_migrations()
    {
        Assert.False(await _host.WithDbAsync(db => Task.FromResult(db.Database.HasPendingModelChanges())));
    }

    protected Task<List<string>> QueryAsync(string sql) => _host.WithDbAsync(db => db.Database.SqlQueryRaw<string>(sql).ToListAsync());
}

public sealed class MigrationsOnSqlite() : MigrationTests(Provider.Sqlite)
{
    [Fact]
    public async Task Sqlite_runs_in_write_ahead_logging_mode() =>
        Assert.Equal("wal", (await QueryAsync("PRAGMA journal_mode")).Single());
}

public sealed class MigrationsOnPostgres() : MigrationTests(Provider.Postgres);
