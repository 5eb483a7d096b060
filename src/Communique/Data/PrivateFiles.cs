using Microsoft.Data.Sqlite;

namespace Communique.Data;

// The data folder holds every team's data, the keys' secrets and the uploaded files: what the server creates there is
// readable by its own user only (0700 folders, 0600 files on Unix). SQLite creates the -wal and -shm files with the
// permissions of the database file, so the database file is created (or tightened) first, before SQLite opens it.
public static class PrivateFiles
{
    public const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode OwnerFolder = OwnerFile | UnixFileMode.UserExecute;

    // Creates the folder and its missing parents as private; one that exists already is left as it is.
    public static void CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        // One level at a time: Directory.CreateDirectory gives the mode to the last folder only.
        var missing = new Stack<string>();
        for (var folder = Path.GetFullPath(path); folder is not null && !Directory.Exists(folder);
             folder = Path.GetDirectoryName(folder))
        {
            missing.Push(folder);
        }

        while (missing.TryPop(out var folder))
        {
            Directory.CreateDirectory(folder, OwnerFolder);
        }
    }

    // Options for a new private file, opened for writing.
    public static FileStreamOptions NewFile(
        FileMode mode, FileShare share = FileShare.None, FileOptions options = FileOptions.None)
    {
        var file = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = share, Options = options };
        if (!OperatingSystem.IsWindows())
        {
            file.UnixCreateMode = OwnerFile;
        }

        return file;
    }

    // The database file of a SQLite connection string, created empty (SQLite takes an empty file for a new database)
    // or made private, with its -wal, -shm and -journal files if they exist. In-memory databases have no file.
    public static void PrepareSqlite(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var source = builder.DataSource;
        if (builder.Mode == SqliteOpenMode.Memory || source.Length == 0 || source == ":memory:"
            || source.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var path = Path.GetFullPath(source);
        CreateFolder(Path.GetDirectoryName(path)!);
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        try
        {
            using var created = new FileStream(path, NewFile(FileMode.CreateNew));
        }
        catch (IOException) when (File.Exists(path))
        {
            // An existing database (or one another process created meanwhile): made private below.
        }

        foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
        {
            if (File.Exists(file) && File.GetUnixFileMode(file) != OwnerFile)
            {
                File.SetUnixFileMode(file, OwnerFile);
            }
        }
    }
}
