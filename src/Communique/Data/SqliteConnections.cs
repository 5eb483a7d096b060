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

        SqliteBusyWait.Install(connection);
        using (var introduction = new SqliteAppDb(
            new DbContextOptionsBuilder<SqliteAppDb>().UseSqlite(connection).Options))
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
