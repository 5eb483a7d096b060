using System.Net;
using System.Net.Http.Headers;
using Communique.Tests.Infrastructure;

namespace Communique.Tests.Data;

// The database, its WAL and shared-memory files, and the uploaded files hold every team's data: the server creates
// them readable by its own user only.
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PrivateFilesTests
{
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerFolder = OwnerFile | UnixFileMode.UserExecute;

    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    [Fact]
    public async Task The_database_its_wal_and_shm_and_the_blob_files_are_readable_by_the_owner_only()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes only.");
        await using var folder = await TestDatabase.CreateAsync(Provider.Sqlite);
        var data = Path.Combine(folder.Folder, "data");
        var database = Path.Combine(data, "communique.db");
        await using (var host = await StartAsync(data, database))
        {
            var acme = await host.CreateAccountAsync("Acme Corp");
            using var admin = await acme.AdminAsync();
            using var form = new MultipartFormDataContent();
            form.Add(new StringContent("image"), "kind");
            var file = new ByteArrayContent(Png);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(file, "file", "logo.png");
            await (await admin.PostAsync("/assets", form)).JsonAsync(HttpStatusCode.Created);

            Assert.Equal(OwnerFolder, File.GetUnixFileMode(data));
            Assert.Equal(OwnerFile, File.GetUnixFileMode(database));
            Assert.Equal(OwnerFile, File.GetUnixFileMode(database + "-wal"));
            Assert.Equal(OwnerFile, File.GetUnixFileMode(database + "-shm"));
            var blobs = Path.Combine(data, "blobs");
            Assert.Equal(OwnerFolder, File.GetUnixFileMode(blobs));
            var blob = Assert.Single(Directory.GetFiles(blobs, "*", SearchOption.AllDirectories),
                f => !Path.GetRelativePath(blobs, f).StartsWith("tmp", StringComparison.Ordinal));
            Assert.Equal(OwnerFile, File.GetUnixFileMode(blob));
            Assert.Equal(OwnerFolder, File.GetUnixFileMode(Path.GetDirectoryName(blob)!));
        }
    }

    [Fact]
    public async Task An_existing_database_readable_by_others_is_made_private_at_start()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes only.");
        await using var folder = await TestDatabase.CreateAsync(Provider.Sqlite);
        var database = Path.Combine(folder.Folder, "communique.db");
        await File.WriteAllBytesAsync(database, []);
        File.SetUnixFileMode(database, OwnerFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await using (var host = await StartAsync(folder.Folder, database))
        {
            await host.CreateAccountAsync("Acme Corp");
            Assert.Equal(OwnerFile, File.GetUnixFileMode(database));
            Assert.Equal(OwnerFile, File.GetUnixFileMode(database + "-wal"));
        }
    }

    private static Task<TestHost> StartAsync(string data, string database) =>
        TestHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = $"Data Source={database}",
            ["Storage:DataDirectory"] = data,
        });
}
