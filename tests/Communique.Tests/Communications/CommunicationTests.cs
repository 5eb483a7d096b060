using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Communique.Tests.Infrastructure;

namespace Communique.Tests.Communications;

public abstract class CommunicationTests(Provider provider) : IAsyncLifetime
{
    private TestHost _host = null!;
    private TestAccount _acme = null!;
    private HttpClient _admin = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await TestHost.StartAsync(provider);
        _acme = await _host.CreateAccountAsync("Acme Corp");
        _admin = await _acme.AdminAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
    }

    private static object Email(string subject = "Your order {{ order_no }}",
        string html = "<p>Hello {{ first_name }}</p>") =>
        new { subject, html, preheader = "Thanks!" };

    private async Task<string> ProjectAsync(string name = "Shop") =>
        (await (await _admin.PostJsonAsync("/projects", new { name })).JsonAsync(HttpStatusCode.Created)).Str("id");

    private async Task<HttpResponseMessage> CreateAsync(string projectId, object body) =>
        await _admin.PostJsonAsync($"/projects/{projectId}/communications", body);

    private static async Task<HttpResponseMessage> PutAsync(HttpClient client, string id, object body, string? ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/communications/{id}")
        {
            Content = JsonContent.Create(body),
        };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Every_change_to_a_communication_is_a_version_that_can_be_fetched_and_compared()
    {
        var project = await ProjectAsync();
        var created = await CreateAsync(project,
            new { name = "Order confirmation", channel = "email", content = Email() });
        var communication = await created.JsonAsync(HttpStatusCode.Created);
        var id = communication.Str("id");
        Assert.Equal("\"v1\"", created.Headers.ETag!.ToString());

        var edited = await PutAsync(_admin, id, new { content = Email(subject: "Order {{ order_no }} confirmed") },
            "\"v1\"");
        Assert.Equal(2, (await edited.JsonAsync()).GetProperty("version").GetInt32());
        Assert.Equal("\"v2\"", edited.Headers.ETag!.ToString());
        await (await PutAsync(_admin, id, new { name = "Order confirmed" }, "\"v2\"")).JsonAsync();

        var versions = await (await _admin.GetAsync($"/communications/{id}/versions")).JsonAsync();
        Assert.Equal([3, 2, 1], versions.EnumerateArray().Select(v => v.GetProperty("number").GetInt32()).ToArray());
        Assert.Equal(["renamed", "edited", "created"], versions.EnumerateArray().Select(v => v.Str("change"))
            .ToArray());
        Assert.All(versions.EnumerateArray(),
            v => Assert.StartsWith("credential:", v.Str("author"), StringComparison.Ordinal));

        var first = await (await _admin.GetAsync($"/communications/{id}/versions/1")).JsonAsync();
        Assert.Equal("Your order {{ order_no }}", first.GetProperty("content").Str("subject"));

        var changes = await (await _admin.GetAsync($"/communications/{id}/versions/2/changes")).JsonAsync();
        var change = Assert.Single(changes.GetProperty("changes").EnumerateArray());
        Assert.Equal("/subject", change.Str("path"));
        Assert.Equal("Your order {{ order_no }}", change.GetProperty("before").GetString());
        Assert.Equal("Order {{ order_no }} confirmed", change.GetProperty("after").GetString());
        var renamed = await (await _admin.GetAsync($"/communications/{id}/versions/3/changes")).JsonAsync();
        Assert.True(renamed.GetProperty("nameChanged").GetBoolean());
        Assert.Empty(renamed.GetProperty("changes").EnumerateArray());
    }

    [Fact]
    public async Task A_write_with_a_stale_ETag_is_refused_with_412_and_changes_nothing()
    {
        var id = (await (await CreateAsync(await ProjectAsync(),
            new { name = "Welcome", channel = "email", content = Email() }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        await (await PutAsync(_admin, id, new { content = Email(subject: "First edit") }, "\"v1\"")).JsonAsync();

        var stale = await PutAsync(_admin, id, new { content = Email(subject: "Lost update") }, "\"v1\"");
        await stale.ProblemAsync(HttpStatusCode.PreconditionFailed);

        var current = await (await _admin.GetAsync($"/communications/{id}")).JsonAsync();
        Assert.Equal("First edit", current.GetProperty("content").Str("subject"));
        Assert.Equal(2, current.GetProperty("version").GetInt32());
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/communications/{id}");
        request.Headers.TryAddWithoutValidation("If-Match", "\"v1\"");
        await (await _admin.SendAsync(request)).ProblemAsync(HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task A_template_that_does_not_parse_is_refused_when_saved()
    {
        var project = await ProjectAsync();
        var response = await CreateAsync(project,
            new { name = "Broken", channel = "email", content = Email(html: "<p>{% if vip %}Hi</p>") });

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        var message = problem.GetProperty("errors").GetProperty("content.html")[0].GetString();
        Assert.Contains("Line", message, StringComparison.Ordinal);
        Assert.Contains("column", message, StringComparison.Ordinal);
        var list = await (await _admin.GetAsync($"/projects/{project}/communications")).JsonAsync();
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task An_email_needs_a_subject_and_html_and_a_known_channel()
    {
        var project = await ProjectAsync();
        var problem = await (await CreateAsync(project,
            new { name = "Empty", channel = "email", content = new { html = "<p>x</p>" } }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("content.subject", out _));

        problem = await (await CreateAsync(project, new { name = "Fax", channel = "fax" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("channel", out _));
    }

    [Fact]
    public async Task Names_are_unique_within_a_project()
    {
        var shop = await ProjectAsync("Shop");
        var blog = await ProjectAsync("Blog");
        await (await CreateAsync(shop, new { name = "Welcome", channel = "email", content = Email() }))
            .JsonAsync(HttpStatusCode.Created);

        await (await CreateAsync(shop, new { name = "Welcome", channel = "email", content = Email() }))
            .ProblemAsync(HttpStatusCode.Conflict);
        await (await CreateAsync(blog, new { name = "Welcome", channel = "email", content = Email() }))
            .JsonAsync(HttpStatusCode.Created);
        await (await _admin.PostJsonAsync("/projects", new { name = "Shop" })).ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_communication_made_from_a_template_keeps_its_copy_when_the_template_changes()
    {
        var created = await _admin.PostJsonAsync("/templates",
            new { name = "Newsletter", channel = "email", content = Email(subject: "News for {{ first_name }}") });
        var template = await created.JsonAsync(HttpStatusCode.Created);
        var project = await ProjectAsync();

        var communication = await (await CreateAsync(project,
            new { name = "November", channel = "email", templateId = template.Str("id") }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal("News for {{ first_name }}", communication.GetProperty("content").Str("subject"));

        using var edit = new HttpRequestMessage(HttpMethod.Put, $"/templates/{template.Str("id")}")
        {
            Content = JsonContent.Create(new { content = Email(subject: "Changed") }),
        };
        edit.Headers.TryAddWithoutValidation("If-Match", created.Headers.ETag!.ToString());
        await (await _admin.SendAsync(edit)).JsonAsync();

        var after = await (await _admin.GetAsync($"/communications/{communication.Str("id")}")).JsonAsync();
        Assert.Equal("News for {{ first_name }}", after.GetProperty("content").Str("subject"));
        await (await CreateAsync(project,
            new { name = "Wrong channel", channel = "push", templateId = template.Str("id") }))
            .ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_project_with_communications_cannot_be_deleted_until_they_are_gone()
    {
        var project = await ProjectAsync();
        var id = (await (await CreateAsync(project, new { name = "Welcome", channel = "email", content = Email() }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");

        await (await _admin.DeleteAsync($"/projects/{project}")).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync($"/communications/{id}")).StatusCode);
        await (await _admin.GetAsync($"/communications/{id}/versions")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync($"/projects/{project}")).StatusCode);
    }

    [Fact]
    public async Task Another_teams_projects_communications_and_templates_do_not_exist()
    {
        var project = await ProjectAsync();
        var id = (await (await CreateAsync(project, new { name = "Secret", channel = "email", content = Email() }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        var template = (await (await _admin.PostJsonAsync("/templates",
            new { name = "T", channel = "email", content = Email() }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        var globex = await _host.CreateAccountAsync("Globex");
        using var other = await globex.AdminAsync();

        await (await other.GetAsync($"/projects/{project}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.GetAsync($"/projects/{project}/communications")).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.PostJsonAsync($"/projects/{project}/communications", new { name = "x", channel = "email" }))
            .ProblemAsync(HttpStatusCode.NotFound);
        await (await other.GetAsync($"/communications/{id}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await PutAsync(other, id, new { name = "Mine now" }, null)).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.DeleteAsync($"/communications/{id}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.GetAsync($"/communications/{id}/versions/1")).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.GetAsync($"/templates/{template}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.PostJsonAsync($"/projects/{await OtherProjectAsync(other)}/communications",
            new { name = "copy", channel = "email", templateId = template }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        var theirProjects = (await (await other.GetAsync("/projects")).JsonAsync()).GetProperty("items");
        Assert.Equal(["Theirs"], theirProjects.EnumerateArray().Select(p => p.Str("name")).ToArray());
        Assert.Equal(0, (await (await other.GetAsync("/templates")).JsonAsync()).GetProperty("items").GetArrayLength());

        var mine = await (await _admin.GetAsync($"/communications/{id}")).JsonAsync();
        Assert.Equal("Secret", mine.Str("name"));
    }

    private static async Task<string> OtherProjectAsync(HttpClient client) =>
        (await (await client.PostJsonAsync("/projects", new { name = "Theirs" })).JsonAsync(HttpStatusCode.Created))
            .Str("id");

    [Fact]
    public async Task A_reporter_reads_communications_but_cannot_change_or_create_them()
    {
        var project = await ProjectAsync();
        var id = (await (await CreateAsync(project, new { name = "Welcome", channel = "email", content = Email() }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        var reporterKey = await (await _admin.PostJsonAsync("/credentials",
            new { name = "reports", role = "reporter" })).JsonAsync(HttpStatusCode.Created);
        using var reporter = _host.ClientFor(await _host.AuthenticateAsync(reporterKey.Str("clientId"),
            reporterKey.Str("secret"), _acme.CustomerId), _acme.CustomerId);

        Assert.Equal(HttpStatusCode.OK, (await reporter.GetAsync($"/communications/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reporter.GetAsync("/templates")).StatusCode);
        await (await PutAsync(reporter, id, new { name = "Hijacked" }, null)).ProblemAsync(HttpStatusCode.Forbidden);
        await (await reporter.PostJsonAsync($"/projects/{project}/communications",
            new { name = "New", channel = "email" })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await reporter.PostJsonAsync("/templates", new { name = "New", channel = "email" }))
            .ProblemAsync(HttpStatusCode.Forbidden);
        await (await reporter.DeleteAsync($"/communications/{id}")).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Channels_without_their_own_content_model_yet_keep_a_json_object()
    {
        var project = await ProjectAsync();
        var push = await (await CreateAsync(project,
            new { name = "Flash sale", channel = "push", content = new { title = "Sale", body = "Now" } }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal("push", push.Str("channel"));
        Assert.Equal("Sale", push.GetProperty("content").Str("title"));
        await (await CreateAsync(project,
            new { name = "Bad", channel = "push", content = JsonDocument.Parse("[1,2]").RootElement }))
            .ProblemAsync(HttpStatusCode.BadRequest);
    }
}

public sealed class CommunicationsOnSqlite() : CommunicationTests(Provider.Sqlite);

public sealed class CommunicationsOnPostgres() : CommunicationTests(Provider.Postgres);
