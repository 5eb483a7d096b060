namespace Communique.Data;

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    // Defaults to data/communique.db under the data directory when the provider is SQLite.
    public string? ConnectionString { get; set; }

    public bool MigrateOnStart { get; set; } = true;
}
