using System.Net;
using System.Text.Json;
using Communique.Tests.Infrastructure;

namespace Communique.Tests.Chat;

// A conversation lives in the database, not in a process: the server program is killed in the middle of one, and a
// new process carries it on at the question it was waiting at, with the answers given before.
public sealed class ChatRestartTests : IDisposable
{
    private readonly ServerFolder _folder = new("chat-restart", "Api");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_killed_server_is_replaced_and_the_conversation_goes_on_where_it_stood()
    {
        var account = await ServerProcess.CreateAccountAsync(_folder.Environment);
        string id;
        await using (var first = await ServerProcess.StartAsync(_folder.Environment, _folder.Log))
        {
            using var api = await first.ClientAsync(account);
            var project = (await (await api.PostJsonAsync("/projects", new { name = "Support" }))
                .JsonAsync(HttpStatusCode.Created)).Str("id");
            var bot = (await (await api.PostJsonAsync($"/projects/{project}/communications", new
            {
                name = "Boxes", channel = "chat",
                content = new
                {
                    start = "name",
                    interactions = new object[]
                    {
                        new { id = "name", type = "question", text = "Name?", variable = "name", next = "count" },
                        new
                        {
                            id = "count", type = "question", text = "How many, {{ context.name }}?",
                            expect = "number", variable = "count", next = "bye",
                        },
                        new { id = "bye", type = "end", text = "{{ context.count }} for {{ context.name }}." },
                    },
                },
            })).JsonAsync(HttpStatusCode.Created)).Str("id");
            id = (await (await api.PostJsonAsync($"/chat/bots/{bot}/conversations", new { }))
                .JsonAsync(HttpStatusCode.Created)).GetProperty("conversation").Str("id");
            await (await api.PostJsonAsync($"/chat/conversations/{id}/messages", new { text = "Ann" })).JsonAsync();
            first.Kill();
        }

        await using var second = await ServerProcess.StartAsync(_folder.Environment, _folder.Log);
        using var again = await second.ClientAsync(account);
        var wrong = await (await again.PostJsonAsync($"/chat/conversations/{id}/messages", new { text = "lots" }))
            .JsonAsync();
        Assert.Equal(["Sorry, I did not understand that."], Said(wrong));
        var done = await (await again.PostJsonAsync($"/chat/conversations/{id}/messages", new { text = "3" }))
            .JsonAsync();
        Assert.Equal(["3 for Ann."], Said(done));
        Assert.Equal("ended", done.GetProperty("conversation").Str("state"));
    }

    private static string[] Said(JsonElement turn) =>
        [.. turn.GetProperty("messages").EnumerateArray().Where(m => m.Str("sender") == "bot")
            .Select(m => m.Str("text"))];
}
