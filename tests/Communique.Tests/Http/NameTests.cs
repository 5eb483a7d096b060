using System.Net;
using System.Text.Json;
using Communique.Tests.Infrastructure;

namespace Communique.Tests.Http;

// Every name of the API is one line: control characters, line breaks and bidirectional controls are refused with a
// 400 that names the field, by one rule (SingleLine) wherever a name is taken.
public sealed class NameTests : IAsyncLifetime
{
    public const string Injected = "a\0b\r\nX-Injected: 1";
    private const string Reversed = "invoice\u202Efdp.exe";

    private TestHost _host = null!;
    private HttpClient _admin = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await TestHost.StartAsync();
        _admin = await (await _host.CreateAccountAsync("Acme Corp")).AdminAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
    }

    public static bool Names(JsonElement problem, string field) =>
        problem.GetProperty("errors").EnumerateObject()
            .Any(e => e.Name.Equals(field, StringComparison.OrdinalIgnoreCase));

    [Theory]
    [InlineData(Injected)]
    [InlineData(Reversed)]
    [InlineData("line\u2028separator")]
    public async Task Names_with_control_characters_are_refused_across_features(string name)
    {
        var project = (await (await _admin.PostJsonAsync("/projects", new { name = "Shop" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        var refusals = new (string Path, object Body, string Field)[]
        {
            ("/projects", new { name }, "name"),
            ($"/projects/{project}/communications", new { name, channel = "email" }, "name"),
            ("/templates", new { name, channel = "email" }, "name"),
            ("/campaigns", new { projectId = project, name }, "name"),
            ("/credentials", new { name, role = "reporter" }, "name"),
            ("/teams", new { name, region = "us-east-1" }, "name"),
            ("/unsubscribe-categories", new { name }, "name"),
            ("/nlu/models", new { name, language = "en" }, "name"),
            ("/assets/folders", new { name }, "name"),
        };

        foreach (var (path, body, field) in refusals)
        {
            var problem = await (await _admin.PostJsonAsync(path, body)).ProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(Names(problem, field), $"{path}: {problem}");
        }

        Assert.Equal(1, (await (await _admin.GetAsync("/projects")).JsonAsync()).GetProperty("items").GetArrayLength());
        Assert.Empty((await (await _admin.GetAsync("/assets/folders")).JsonAsync()).EnumerateArray());
    }

    [Fact]
    public async Task Names_in_other_scripts_with_joiners_and_emoji_are_kept()
    {
        // A zero-width non-joiner in Persian, zero-width joiners in an emoji family, and Chinese.
        string[] names =
        [
            "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645",
            "Team \U0001F469\u200D\U0001F469\u200D\U0001F467",
            "\u5317\u4EAC 2026",
        ];
        foreach (var name in names)
        {
            var project = await (await _admin.PostJsonAsync("/projects", new { name }))
                .JsonAsync(HttpStatusCode.Created);
            Assert.Equal(name, project.Str("name"));
        }
    }
}
