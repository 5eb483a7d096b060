using Communique.Tests.Infrastructure;

namespace Communique.Tests.Archive;

// docs/archive.md shows ingest and search with a shell block; this runs it as the page has it, with bash, against the
// server program on loopback, only the server's address and the token filled in.
public sealed class ArchiveDocTests : IDisposable
{
    private readonly ServerFolder _folder = new("archive-doc", "Api");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_ingest_example_archives_a_document_and_finds_it_by_metadata_and_text()
    {
        var example = DocumentedExample.ShellBlock("### Ingest", "docs", "archive.md");
        Assert.Contains("API=http://localhost:5000", example, StringComparison.Ordinal);

        var account = await ServerProcess.CreateAccountAsync(_folder.Environment);
        await using var server = await ServerProcess.StartAsync(_folder.Environment, _folder.Log);
        using var api = await server.ClientAsync(account);
        var folder = Directory.CreateTempSubdirectory("communique-archive-doc-").FullName;
        try
        {
            var script = $"TOKEN='{api.DefaultRequestHeaders.Authorization!.Parameter}'\n"
                + $"COMMUNIQUE_CUSTOMER_ID='{account["COMMUNIQUE_CUSTOMER_ID"]}'\n"
                + example.Replace("API=http://localhost:5000",
                    "API=" + server.Address.ToString().TrimEnd('/'), StringComparison.Ordinal);

            var printed = await DocumentedExample.BashAsync(script, folder);

            Assert.Equal("\"recipient\":\"ann@example.com\"", printed.Trim());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
