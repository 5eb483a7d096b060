using Microsoft.Data.Sqlite;

namespace Communique.Tests.Infrastructure;

// A temporary folder for a server program a test starts: Data is its data directory (SQLite, the pickup folder),
// Environment points the program at it with the given role. Removed afterwards, SQLite's pooled connections first.
public sealed class ServerFolder : IDisposable
{
    public ServerFolder(string name, string role)
    {
        Path = Directory.CreateTempSubdirectory($"communique-{name}-").FullName;
        Data = System.IO.Path.Combine(Path, "data");
        Environment = new Dictionary<string, string>
        {
            ["Storage__DataDirectory"] = Data,
            ["Communique__Role"] = role,
            ["Logging__LogLevel__Default"] = "Warning",
        };
    }

    public string Path { get; }

    public string Data { get; }

    public Dictionary<string, string> Environment { get; }

    public string Log => System.IO.Path.Combine(Path, "server.log");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Path, recursive: true);
    }
}
