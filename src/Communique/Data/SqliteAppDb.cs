using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Communique.Data;

public sealed class SqliteAppDb(DbContextOptions<SqliteAppDb> options)
    : AppDb(options)
{
    private SqliteConnections? _lender;
    private SqliteConnection? _borrowed;

    // For one rent the context works on an open connection from the lender; it goes back when the rent ends.
    internal void Borrow(SqliteConnections lender)
    {
        _lender = lender;
        _borrowed = lender.Rent();
        Database.SetDbConnection(_borrowed, contextOwnsConnection: false);
    }

    // Ending a rent resets the context (rolling back an open transaction) before the connection is handed on.
    public override void Dispose()
    {
        var (lender, borrowed) = Release();
        base.Dispose();
        if (borrowed is not null)
        {
            lender!.Return(borrowed);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        var (lender, borrowed) = Release();
        await base.DisposeAsync();
        if (borrowed is not null)
        {
            lender!.Return(borrowed);
        }
    }

    private (SqliteConnections? Lender, SqliteConnection? Borrowed) Release()
    {
        var taken = (_lender, _borrowed);
        _lender = null;
        _borrowed = null;
        return taken;
    }

    // SQLite keeps no kind with a timestamp; everything we store is UTC.
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcConverter>();
    }

    private sealed class UtcConverter() : ValueConverter<DateTime, DateTime>(
        v => v, v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
