using Communique.Tests.Infrastructure;

namespace Communique.Tests.Chat;

// docs/chat.md starts a newcomer with a shell block: a bot, a conversation and an answer. This runs that block as the
// page has it, with bash against the server program on loopback, so that the page keeps working.
public sealed class ChatDocTests : IDisposable
{
    private readonly ServerFolder _folder = new("chat-doc", "Api");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_first_bot_example_converses_as_the_page_says()
    {
        var example = DocumentedExample.ShellBlock("## First bot", "docs", "chat.md");
        Assert.Contains("API=http://localhost:5000", example, StringComparison.Ordinal);

        var account = await ServerProcess.CreateAccountAsync(_folder.Environment);
        await using var server = await ServerProcess.StartAsync(_folder.Environment, _folder.Log);
        using var api = await server.ClientAsync(account);
        var token = api.DefaultRequestHeaders.Authorization!.Parameter;
        var folder = Directory.CreateTempSubdirectory("communique-first-bot-").FullName;
        try
        {
            var script = $"TOKEN='{token}'\nCOMMUNIQUE_CUSTOMER_ID='{account["COMMUNIQUE_CUSTOMER_ID"]}'\n"
                + example.Replace("API=http://localhost:5000",
                    "API=" + server.Address.ToString().TrimEnd('/'), StringComparison.Ordinal);

            var printed = await DocumentedExample.BashAsync(script, folder);

            Assert.Equal(["Hello Ann!", "How many boxes?", "That is 10 EUR."],
                printed.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
