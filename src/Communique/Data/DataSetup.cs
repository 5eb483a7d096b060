using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Communique.Data;

public static class DataSetup
{
    public static IServiceCollection AddData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.Section))
            .Validate(o => o.Provider != DatabaseProvider.Postgres || !string.IsNullOrWhiteSpace(o.ConnectionString),
                "Database:ConnectionString is required when Database:Provider is Postgres.")
            .ValidateOnStart();

        // Pooled contexts, configured when first used so that configuration added late (tests, command line)
        // still decides: a request rents one and returns it on dispose instead of building a DbContext.
        services.AddPooledDbContextFactory<SqliteAppDb>((sp, o) => o.UseSqlite(SqliteConnectionString(sp)), PoolSize);
        services.AddPooledDbContextFactory<PostgresAppDb>((sp, o) => o.UseNpgsql(
            PostgresConnectionString(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString!)),
            PoolSize);
        services.AddSingleton<SqliteConnections>();
        services.AddSingleton<WriteTurns>();
        services.AddScoped<AppDb>(sp => Rent(sp)
            .Attach(sp.GetRequiredService<Tenancy.TenantContext>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    // Contexts kept between requests; more requests at once than this still work, with contexts built and dropped.
    private const int PoolSize = 256;

    // Statements a PostgreSQL connection keeps prepared, the most used of those it runs.
    private const int AutoPrepared = 100;

    private static AppDb Rent(IServiceProvider sp)
    {
        if (sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider == DatabaseProvider.Postgres)
        {
            return sp.GetRequiredService<IDbContextFactory<PostgresAppDb>>().CreateDbContext();
        }

        var db = sp.GetRequiredService<IDbContextFactory<SqliteAppDb>>().CreateDbContext();
        db.Borrow(sp.GetRequiredService<SqliteConnections>());
        return db;
    }

    public static string SqliteConnectionString(IServiceProvider sp)
    {
        var connection = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString
            ?? SqliteConnectionFor(sp.GetRequiredService<IOptions<StorageOptions>>().Value.DataDirectory);
        PrivateFiles.PrepareSqlite(connection);
        return connection;
    }

    // Unless the connection string says otherwise, Npgsql prepares the statements a connection runs again and again
    // (PostgreSQL then neither parses nor plans them anew) and keeps them when the connection goes back to the pool,
    // without resetting the session: nothing here depends on a session's state.
    public static string PostgresConnectionString(string given)
    {
        var keys = new DbConnectionStringBuilder { ConnectionString = given };
        var builder = new NpgsqlConnectionStringBuilder(given);
        if (!keys.ContainsKey("Max Auto Prepare") && !keys.ContainsKey("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = AutoPrepared;
        }

        if (!keys.ContainsKey("No Reset On Close") && !keys.ContainsKey("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ToString();
    }

    public static string SqliteConnectionFor(string dataDirectory)
    {
        PrivateFiles.CreateFolder(dataDirectory);
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDirectory, "communique.db"),
            Pooling = true,
        }.ToString();
    }

    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDb>();
        if (db is SqliteAppDb)
        {
            // WAL lets readers run beside the one writer; the setting is stored in the file.
            var connection = db.Database.GetDbConnection().ConnectionString;
            var builder = new SqliteConnectionStringBuilder(connection);
            var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (folder is not null)
            {
                PrivateFiles.CreateFolder(folder);
            }
        }

        await db.Database.MigrateAsync(cancellationToken);
        if (db is SqliteAppDb)
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    // The provider and where its data is, for the start line: the SQLite file, or PostgreSQL's host and database
    // (never the password).
    public static string Describe(IServiceProvider services)
    {
        if (services.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider == DatabaseProvider.Postgres)
        {
            var postgres = new NpgsqlConnectionStringBuilder(
                services.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString);
            return $"PostgreSQL {postgres.Username}@{postgres.Host}:{postgres.Port}/{postgres.Database}";
        }

        var sqlite = new SqliteConnectionStringBuilder(SqliteConnectionString(services));
        return "SQLite " + Path.GetFullPath(sqlite.DataSource);
    }

    public static bool MigrateOnStart(IServiceProvider services) =>
        services.GetRequiredService<IOptions<DatabaseOptions>>().Value.MigrateOnStart;
}
