using System.ComponentModel.DataAnnotations;

namespace Communique.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    // Defaults to data/communique.db under the data directory when the provider is SQLite.
    public string? ConnectionString { get; set; }

    public bool MigrateOnStart { get; set; } = true;
}

public sealed class StorageOptions
{
    public const string Section = "Storage";

    [Required]
    public string DataDirectory { get; set; } = "data";
}
