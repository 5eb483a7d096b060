using Npgsql;

namespace Communique.Tests.Infrastructure;

public enum Provider
{
    Sqlite,
    Postgres,
}

// A fresh database per test host: a SQLite file in a temporary folder, or a new PostgreSQL database.
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "COMMUNIQUE_TEST_POSTGRES";
    public const string RequirePostgresVariable = "COMMUNIQUE_REQUIRE_POSTGRES";
    private const string DefaultPostgres =
        "Host=127.0.0.1;Port=5432;Username=communique;Password=communique;Database=postgres";

    private readonly string? _adminConnection;
    private readonly string? _databaseName;

    public Provider Provider { get; }
    public string Folder { get; }
    public string ConnectionString { get; }

    private TestDatabase(
        Provider provider, string folder, string connectionString, string? adminConnection, string? databaseName)
    {
        Provider = provider;
        Folder = folder;
        ConnectionString = connectionString;
        _adminConnection = adminConnection;
        _databaseName = databaseName;
    }

    public static async Task<TestDatabase> CreateAsync(Provider provider)
    {
        var folder = Path.Combine(Path.GetTempPath(), "communique-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        if (provider == Provider.Sqlite)
        {
            return new TestDatabase(
                provider, folder, $"Data Source={Path.Combine(folder, "communique.db")}", null, null);
        }

        var admin = await PostgresAdminAsync();
        var name = "communique_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new TestDatabase(provider, folder, builder.ToString(), admin, name);
    }

    // PostgreSQL tests skip when no server answers, unless CI demands them.
    private static async Task<string> PostgresAdminAsync()
    {
        var connection = Environment.GetEnvironmentVariable(PostgresVariable) ?? DefaultPostgres;
        try
        {
            await using var probe = new NpgsqlConnection(connection);
            await probe.OpenAsync();
            return connection;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            if (Environment.GetEnvironmentVariable(RequirePostgresVariable) == "1")
            {
                throw new InvalidOperationException($"PostgreSQL is required but not reachable: {e.Message}", e);
            }

            Assert.Skip($"PostgreSQL is not reachable ({e.Message}); set {PostgresVariable} to run these tests.");
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_adminConnection is not null)
        {
            await using var connection = new NpgsqlConnection(_adminConnection);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand(
                $"DROP DATABASE IF EXISTS \"{_databaseName}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }

        try
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }
}
