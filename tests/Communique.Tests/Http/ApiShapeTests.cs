using System.Net;
using Communique.Tests.Infrastructure;

namespace Communique.Tests.Http;

public sealed class ApiShapeTests : IAsyncLifetime
{
    private TestHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await TestHost.StartAsync();

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("users", "/authenticate")]
    [InlineData("users", "/credentials/{id}/regenerate")]
    [InlineData("private", "/jobs/{id}")]
    public async Task Each_api_group_has_its_own_openapi_3_1_document(string group, string path)
    {
        using var client = _host.CreateClient();
        var document = await (await client.GetAsync($"/openapi/{group}.json")).JsonAsync();

        Assert.StartsWith("3.1", document.Str("openapi"), StringComparison.Ordinal);
        Assert.True(document.GetProperty("paths").TryGetProperty(path, out _), $"{path} is missing from {group}");
    }

    [Fact]
    public async Task The_public_group_has_a_document_and_groups_do_not_leak_into_each_other()
    {
        using var client = _host.CreateClient();
        var document = await (await client.GetAsync("/openapi/public.json")).JsonAsync();
        Assert.StartsWith("3.1", document.Str("openapi"), StringComparison.Ordinal);

        var users = await (await client.GetAsync("/openapi/users.json")).JsonAsync();
        Assert.False(users.GetProperty("paths").TryGetProperty("/jobs", out _));
    }

    [Fact]
    public async Task The_reference_page_is_served_locally_without_a_cdn()
    {
        using var client = _host.CreateClient();
        var page = await client.GetAsync("/docs/index.html");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);

        var bundle = await client.GetAsync("/docs/swagger-ui-bundle.js");
        Assert.Equal(HttpStatusCode.OK, bundle.StatusCode);
        var config = await client.GetStringAsync("/docs/index.js");
        Assert.Contains("/openapi/users.json", config, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_endpoints_answer_without_authentication()
    {
        using var client = _host.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task An_unknown_path_is_a_404_problem()
    {
        using var client = _host.CreateClient();
        await (await client.GetAsync("/no/such/thing")).ProblemAsync(HttpStatusCode.NotFound);
    }
}
