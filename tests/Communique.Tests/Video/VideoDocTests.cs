using Communique.Tests.Infrastructure;

namespace Communique.Tests.Video;

// docs/video.md starts a newcomer with a shell block: a video communication, a data source and the address of a
// person's video. This runs that block as the page has it, with bash against the server program on loopback, and
// opens the address it prints.
public sealed class VideoDocTests : IDisposable
{
    private readonly ServerFolder _folder = new("video-doc", "Api");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_first_video_example_runs_as_the_page_says()
    {
        var example = DocumentedExample.ShellBlock("## First video, step by step", "docs", "video.md");
        Assert.Contains("API=http://localhost:5000", example, StringComparison.Ordinal);

        var account = await ServerProcess.CreateAccountAsync(_folder.Environment);
        await using var server = await ServerProcess.StartAsync(_folder.Environment, _folder.Log);
        using var api = await server.ClientAsync(account);
        var token = api.DefaultRequestHeaders.Authorization!.Parameter;
        var folder = Directory.CreateTempSubdirectory("communique-first-video-").FullName;
        try
        {
            var address = server.Address.ToString().TrimEnd('/');
            var script = $"TOKEN='{token}'\nCOMMUNIQUE_CUSTOMER_ID='{account["COMMUNIQUE_CUSTOMER_ID"]}'\n"
                + example.Replace("API=http://localhost:5000", "API=" + address, StringComparison.Ordinal);

            var printed = (await DocumentedExample.BashAsync(script, folder))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries);

            var url = Assert.Single(printed);
            Assert.Matches($"^{address}/v/[A-Za-z0-9_-]{{22}}/[0-9a-f-]{{36}}$", url);
            using var viewer = new HttpClient();
            var page = await viewer.GetStringAsync(new Uri(url));
            Assert.Contains("Hello Ada", page, StringComparison.Ordinal);
            Assert.Contains("Book, Ada", page, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
