using Communique.Tests.Infrastructure;

namespace Communique.Tests.Push;

// docs/push.md starts a newcomer with a shell block: the team's push settings, a site and its script tag, the service
// worker to copy, a push communication and a transactional call. This runs that block as the page has it, with bash
// against the server program on loopback, so that the page keeps working.
public sealed class PushDocTests : IDisposable
{
    private readonly ServerFolder _folder = new("push-doc", "Api");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_first_push_example_runs_as_the_page_says()
    {
        var example = DocumentedExample.ShellBlock("## First push", "docs", "push.md");
        Assert.Contains("API=http://localhost:5000", example, StringComparison.Ordinal);

        var account = await ServerProcess.CreateAccountAsync(_folder.Environment);
        await using var server = await ServerProcess.StartAsync(_folder.Environment, _folder.Log);
        using var api = await server.ClientAsync(account);
        var token = api.DefaultRequestHeaders.Authorization!.Parameter;
        var folder = Directory.CreateTempSubdirectory("communique-first-push-").FullName;
        try
        {
            var address = server.Address.ToString().TrimEnd('/');
            var script = $"TOKEN='{token}'\nCOMMUNIQUE_CUSTOMER_ID='{account["COMMUNIQUE_CUSTOMER_ID"]}'\n"
                + example.Replace("API=http://localhost:5000", "API=" + address, StringComparison.Ordinal);

            var printed = (await DocumentedExample.BashAsync(script, folder))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries);

            Assert.Equal(2, printed.Length);
            Assert.Matches($"^<script src=\"{address}/public/push/sdk.js\" data-site-key=\"[A-Za-z0-9_-]{{22}}\" "
                + "defer></script>$", printed[0]);
            Assert.Matches("^\\{\"sendId\":\"[0-9a-f-]{36}\",\"messages\":0,\"usersWithoutSubscription\":1\\}$",
                printed[1]);
            Assert.Contains("notificationclick", await File.ReadAllTextAsync(Path.Combine(folder, "communique-sw.js")),
                StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
