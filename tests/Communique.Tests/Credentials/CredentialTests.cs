using System.Net;
using System.Net.Http.Json;
using System.Text;
using Communique.Tests.Infrastructure;

namespace Communique.Tests.Credentials;

public sealed class CredentialTests : IAsyncLifetime
{
    private TestHost _host = null!;
    private TestAccount _acme = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await TestHost.StartAsync();
        _acme = await _host.CreateAccountAsync("Acme Corp");
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private static async Task<(string Id, string ClientId, string Secret)> CreateAsync(
        HttpClient admin, string name, string role = "developer")
    {
        var created = await (await admin.PostJsonAsync("/credentials", new { name, role }))
            .JsonAsync(HttpStatusCode.Created);
        return (created.Str("id"), created.Str("clientId"), created.Str("secret"));
    }

    [Fact]
    public async Task A_created_secret_is_returned_once_and_never_listed()
    {
        using var admin = await _acme.AdminAsync();
        var (id, clientId, secret) = await CreateAsync(admin, "CRM integration");

        Assert.True(Convert.FromBase64String(Base64Padded(secret)).Length >= 32);
        var list = await (await admin.GetAsync("/credentials")).JsonAsync();
        var listed = await (await admin.GetAsync("/credentials")).Content.ReadAsStringAsync();
        var one = await (await admin.GetAsync($"/credentials/{id}")).Content.ReadAsStringAsync();
        Assert.Equal(2, list.GetProperty("items").GetArrayLength());
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, one, StringComparison.Ordinal);
        Assert.DoesNotContain("\"secret\"", listed, StringComparison.OrdinalIgnoreCase);

        var token = await _host.AuthenticateAsync(clientId, secret, _acme.CustomerId);
        using var client = _host.ClientFor(token, _acme.CustomerId);
        var me = await (await client.GetAsync("/me")).JsonAsync();
        Assert.Equal("developer", me.Str("role"));
    }

    [Fact]
    public async Task Regenerating_stops_the_old_secret_and_its_tokens_at_once()
    {
        using var admin = await _acme.AdminAsync();
        var (id, clientId, oldSecret) = await CreateAsync(admin, "Nightly export");
        var oldToken = await _host.AuthenticateAsync(clientId, oldSecret, _acme.CustomerId);
        using var oldClient = _host.ClientFor(oldToken, _acme.CustomerId);
        Assert.Equal(HttpStatusCode.OK, (await oldClient.GetAsync("/me")).StatusCode);

        var regenerated = await (await admin.PostAsync($"/credentials/{id}/regenerate", null)).JsonAsync();
        var newSecret = regenerated.Str("secret");
        Assert.NotEqual(oldSecret, newSecret);

        await (await oldClient.GetAsync("/me")).ProblemAsync(HttpStatusCode.Unauthorized);
        using var anonymous = _host.CreateClient();
        var oldSecretAttempt = await anonymous.PostAsJsonAsync("/authenticate",
            new { client_id = clientId, secret = oldSecret, customer_id = _acme.CustomerId });
        await oldSecretAttempt.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.False(string.IsNullOrEmpty(await _host.AuthenticateAsync(clientId, newSecret, _acme.CustomerId)));
    }

    [Fact]
    public async Task Deleting_a_credential_ends_its_tokens()
    {
        using var admin = await _acme.AdminAsync();
        var (id, clientId, secret) = await CreateAsync(admin, "Old integration");
        using var client = _host.ClientFor(
            await _host.AuthenticateAsync(clientId, secret, _acme.CustomerId), _acme.CustomerId);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/credentials/{id}")).StatusCode);

        await (await client.GetAsync("/me")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await admin.GetAsync($"/credentials/{id}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await admin.DeleteAsync($"/credentials/{id}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_developer_token_cannot_call_an_administrator_endpoint()
    {
        using var admin = await _acme.AdminAsync();
        var (_, clientId, secret) = await CreateAsync(admin, "Developer key", "developer");
        using var developer = _host.ClientFor(
            await _host.AuthenticateAsync(clientId, secret, _acme.CustomerId), _acme.CustomerId);

        await (await developer.GetAsync("/credentials")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await developer.PostJsonAsync("/credentials", new { name = "escalate", role = "administrator" }))
            .ProblemAsync(HttpStatusCode.Forbidden);
        await (await developer.GetAsync("/users")).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await developer.GetAsync("/me")).StatusCode);
    }

    [Fact]
    public async Task An_unknown_role_is_a_400_naming_the_field()
    {
        using var admin = await _acme.AdminAsync();
        var problem = await (await admin.PostJsonAsync("/credentials", new { name = "x", role = "superuser" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("role", out _));

        problem = await (await admin.PostJsonAsync("/credentials", new { role = "developer" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(
            "name", problem.GetProperty("errors").EnumerateObject().Select(p => p.Name),
            StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Credentials_are_listed_in_pages()
    {
        using var admin = await _acme.AdminAsync();
        for (var i = 0; i < 4; i++)
        {
            await CreateAsync(admin, $"key {i}");
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await admin.GetAsync(
                $"/credentials?limit=2{(cursor is null ? "" : "&cursor=" + cursor)}")).JsonAsync();
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(c => c.Str("id")));
            cursor = page.GetProperty("next").ValueKind == System.Text.Json.JsonValueKind.Null
                ? null : page.Str("next");
        }
        while (cursor is not null);

        Assert.Equal(5, seen.Distinct().Count());
        await (await admin.GetAsync("/credentials?limit=500")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await admin.GetAsync("/credentials?cursor=garbage")).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_database_never_holds_a_secret_or_password_in_clear()
    {
        using var admin = await _acme.AdminAsync();
        var (id, _, secret) = await CreateAsync(admin, "Scanned");
        var regenerated = (await (await admin.PostAsync($"/credentials/{id}/regenerate", null)).JsonAsync())
            .Str("secret");
        const string password = "a long enough password 42";
        await (await admin.PostJsonAsync("/users", new { email = "dev@acme.example", role = "developer", password }))
            .JsonAsync(HttpStatusCode.Created);

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var bytes = Directory.GetFiles(_host.Database.Folder, "communique.db*").SelectMany(File.ReadAllBytes).ToArray();
        Assert.True(bytes.Length > 0);
        foreach (var clear in new[] { _acme.Secret, secret, regenerated, password, _acme.AdminPassword })
        {
            Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(clear)));
        }
    }

    private static string Base64Padded(string base64Url)
    {
        var s = base64Url.Replace('-', '+').Replace('_', '/');
        return s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
    }
}
