using Communique.Tests.Infrastructure;

namespace Communique.Tests.Documents;

// docs/documents/README.md starts a newcomer with a shell block: a project, a document communication, and its PDF for
// one record. This runs that block as the page has it — with bash, against the server program on loopback, only the
// server's address and the token filled in — so that the page keeps working.
public sealed class DocumentsDocTests : IDisposable
{
    private readonly ServerFolder _folder = new("documents-doc", "Api");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_first_document_example_makes_the_letter_as_the_page_says()
    {
        var example = DocumentedExample.ShellBlock("## First document", "docs", "documents", "README.md");
        Assert.Contains("API=http://localhost:5000", example, StringComparison.Ordinal);

        var account = await ServerProcess.CreateAccountAsync(_folder.Environment);
        await using var server = await ServerProcess.StartAsync(_folder.Environment, _folder.Log);
        using var api = await server.ClientAsync(account);
        var token = api.DefaultRequestHeaders.Authorization!.Parameter;
        var folder = Directory.CreateTempSubdirectory("communique-first-document-").FullName;
        try
        {
            var script = $"TOKEN='{token}'\nCOMMUNIQUE_CUSTOMER_ID='{account["COMMUNIQUE_CUSTOMER_ID"]}'\n"
                + example.Replace("API=http://localhost:5000",
                    "API=" + server.Address.ToString().TrimEnd('/'), StringComparison.Ordinal);

            var printed = await DocumentedExample.BashAsync(script, folder);

            Assert.Equal("%PDF-1.7", printed.Trim());
            var text = await PdfReaders.TextAsync(await File.ReadAllBytesAsync(Path.Combine(folder, "welcome.pdf")));
            Assert.Contains("Welcome, Ann Smith", text, StringComparison.Ordinal);
            Assert.Contains("Your customer number is C-1042.", text, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
