using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using SQLitePCL;

namespace Communique.Data;

// Open SQLite connections lent to pooled contexts for the length of one rent. Opening a connection is cheap in SQLite
// itself, but Microsoft.Data.Sqlite re-applies every registered function on each open and EF opens and closes around
// every query; keeping a few connections open removes a tenth of the cost of a small authenticated read.
// A new connection is introduced to EF once, so that it carries the SQL functions EF's SQLite provider registers on
// connections it is given (regexp, decimal arithmetic and comparison) like one EF opened itself.
public sealed class SqliteConnections(IServiceProvider services) : IDisposable
{
    private const int Retained = 64;

    private readonly ConcurrentStack<SqliteConnection> _idle = new();
    private string? _connectionString;
    private bool _disposed;

    public string ConnectionString => _connectionString ??= DataSetup.SqliteConnectionString(services);

    public SqliteConnection Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_idle.TryPop(out var connection))
        {
            return connection;
        }

        connection = new SqliteConnection(ConnectionString);
        connection.Open();

        // A writer that finds the database locked waits inside SQLite (retries after 1, 2, 5, 10 ... ms) instead of
        // getting SQLITE_BUSY at once, which Microsoft.Data.Sqlite answers by sleeping 150 ms per retry: API writes
        // beside a running send waited 150 ms at a time, a p99 of 0.5–1 s for a transactional call.
        using (var busy = connection.CreateCommand())
        {
            busy.CommandText = "PRAGMA busy_timeout = 30000;";
            busy.ExecuteNonQuery();
        }
        using (var introduction = new SqliteAppDb(new DbContextOptionsBuilder<SqliteAppDb>().UseSqlite(connection).Options))
        {
            _ = introduction.Database.GetDbConnection();
        }

        return connection;
    }

    // A connection comes back only when it is open and outside any transaction; anything else is closed for good.
    public void Return(SqliteConnection connection)
    {
        var reusable = !_disposed
            && connection.State == System.Data.ConnectionState.Open
            && raw.sqlite3_get_autocommit(connection.Handle) != 0
            && _idle.Count < Retained;
        if (reusable)
        {
            _idle.Push(connection);
        }
        else
        {
            connection.Dispose();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryPop(out var connection))
        {
            connection.Dispose();
        }
    }
}
