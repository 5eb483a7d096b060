using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Communique.Tests.Infrastructure;

namespace Communique.Tests.Communications;

public sealed class PreviewTests : IAsyncLifetime
{
    private TestHost _host = null!;
    private HttpClient _admin = null!;
    private string _project = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await TestHost.StartAsync();
        var acme = await _host.CreateAccountAsync("Acme Corp");
        _admin = await acme.AdminAsync();
        _project = (await (await _admin.PostJsonAsync("/projects", new { name = "Shop" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
    }

    private async Task<string> EmailAsync(string subject, string html, string? text = null) =>
        (await (await _admin.PostJsonAsync($"/projects/{_project}/communications",
            new { name = Guid.NewGuid().ToString("N"), channel = "email", content = new { subject, html, text } }))
                .JsonAsync(HttpStatusCode.Created)).Str("id");

    [Fact]
    public async Task An_inline_record_renders_subject_html_and_a_text_part_derived_from_the_html()
    {
        var id = await EmailAsync("Hello {{ first_name }}",
            "<h1>Hi {{ first_name }}</h1><p>See <a href=\"https://shop.example/o/{{ order_no }}\">your order</a></p>");

        var preview = await (await _admin.PostJsonAsync($"/communications/{id}/preview",
            new { record = new { first_name = "Ann <b>&</b>", order_no = "1042" } })).JsonAsync();

        Assert.Equal("Hello Ann <b>&</b>", preview.Str("subject"));
        Assert.Contains("Hi Ann &lt;b&gt;&amp;&lt;/b&gt;", preview.Str("html"), StringComparison.Ordinal);
        Assert.Contains("your order (https://shop.example/o/1042)", preview.Str("text"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_data_source_record_renders_with_its_locale_formats_and_repeaters()
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent("Orders"), "name" },
            { new StringContent("de-DE"), "locale" },
            { new StringContent("email"), "uniqueField" },
        };
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(
            """[{"email":"ann@example.com","name":"Ann","total":"1.234,5","items":[{"sku":"A1"},{"sku":"B2"}]}]"""));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        form.Add(file, "file", "orders.json");
        var source = await (await _admin.PostAsync("/data", form)).JsonAsync(HttpStatusCode.Created);
        var uuid = (await (await _admin.GetAsync($"/data/{source.Str("Id")}")).JsonAsync()).GetProperty("data")[0]
            .Str("uuid");
        var id = await EmailAsync("Order for {{ name }}",
            "<p>{{ total | number: 2 }}</p>{% for item in items %}<li>{{ item.sku }}</li>{% endfor %}");

        var preview = await (await _admin.PostJsonAsync($"/communications/{id}/preview",
            new { dataSourceId = source.Str("Id"), uuid })).JsonAsync();

        Assert.Equal("Order for Ann", preview.Str("subject"));
        Assert.Contains("1.234,50", preview.Str("html"), StringComparison.Ordinal);
        Assert.Contains("<li>A1</li><li>B2</li>", preview.Str("html"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_field_is_an_error_naming_it_unless_missing_fields_are_ignored()
    {
        var id = await EmailAsync("Hi {{ first_name }}", "<p>Your code: {{ code }}</p>");

        var problem = await (await _admin.PostJsonAsync($"/communications/{id}/preview",
            new { record = new { first_name = "Ann" } }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("record.code", out _));

        var preview = await (await _admin.PostJsonAsync($"/communications/{id}/preview",
            new { record = new { first_name = "Ann" }, ignoreMissingFields = true })).JsonAsync();
        Assert.Equal("<p>Your code: </p>", preview.Str("html"));
    }

    [Theory]
    [InlineData("{% for i in (1..100000000) %}x{% endfor %}")]
    [InlineData("{% for a in (1..10000) %}{% for b in (1..10000) %}xxxxxxxxxxxxxxxx{% endfor %}{% endfor %}")]
    public async Task An_endless_or_exploding_template_is_stopped_by_the_limits(string html)
    {
        var id = await EmailAsync("Hi", html);
        var started = System.Diagnostics.Stopwatch.StartNew();

        var problem = await (await _admin.PostJsonAsync($"/communications/{id}/preview", new { record = new { } }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Equal("urn:communique:problem:render-failed", problem.Str("type"));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task An_unclosed_tag_is_refused_at_save_with_its_line_and_column()
    {
        var response = await _admin.PostJsonAsync($"/projects/{_project}/communications",
            new { name = "Broken", channel = "email",
                content = new { subject = "Hi", html = "<p>Hello</p>\n<p>{% if vip %}VIP</p>" } });

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        var message = problem.GetProperty("errors").GetProperty("content.html")[0].GetString()!;
        Assert.Matches("^Line [12], column [0-9]+: ", message);
    }
}
