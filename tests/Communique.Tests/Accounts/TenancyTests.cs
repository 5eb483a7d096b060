using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Communique.Credentials;
using Communique.Data;
using Communique.Tenancy;
using Communique.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Communique.Tests.Accounts;

// Team isolation on both database providers: another team's things do not exist.
public abstract class TenancyTests(Provider provider) : IAsyncLifetime
{
    private TestHost _host = null!;
    private TestAccount _acme = null!;
    private TestAccount _globex = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await TestHost.StartAsync(provider);
        _acme = await _host.CreateAccountAsync("Acme Corp");
        _globex = await _host.CreateAccountAsync("Globex Corporation");
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Team_A_cannot_read_update_delete_or_list_team_B_credentials()
    {
        using var a = await _acme.AdminAsync();
        using var b = await _globex.AdminAsync();
        var bCredential = (await (await b.PostJsonAsync(
            "/credentials", new { name = "Globex CRM", role = "developer" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");

        await (await a.GetAsync($"/credentials/{bCredential}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await a.PostAsync($"/credentials/{bCredential}/regenerate", null)).ProblemAsync(HttpStatusCode.NotFound);
        await (await a.DeleteAsync($"/credentials/{bCredential}")).ProblemAsync(HttpStatusCode.NotFound);
        var listed = await (await a.GetAsync("/credentials")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(bCredential, listed, StringComparison.Ordinal);
        Assert.DoesNotContain("Globex", listed, StringComparison.Ordinal);

        // B's credential is untouched by A's attempts.
        Assert.Equal(HttpStatusCode.OK, (await b.GetAsync($"/credentials/{bCredential}")).StatusCode);
    }

    [Fact]
    public async Task Team_A_cannot_see_or_change_team_B_users()
    {
        using var a = await _acme.AdminAsync();
        using var b = await _globex.AdminAsync();
        var bUser = (await (await b.PostJsonAsync(
            "/users", new { email = "gina@globex.example", role = "designer", password = "a password of length" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");

        await (await a.GetAsync($"/users/{bUser}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await a.PatchJsonAsync($"/users/{bUser}", new { role = "administrator" }))
            .ProblemAsync(HttpStatusCode.NotFound);
        await (await a.DeleteAsync($"/users/{bUser}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await a.PostAsync($"/users/{bUser}/unlock", null)).ProblemAsync(HttpStatusCode.NotFound);
        var listed = await (await a.GetAsync("/users")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("globex", listed, StringComparison.OrdinalIgnoreCase);
        await (await a.GetAsync($"/teams/{_globex.TeamId}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await a.PatchJsonAsync($"/teams/{_globex.TeamId}", new { name = "Taken over" }))
            .ProblemAsync(HttpStatusCode.NotFound);

        var bMember = await (await b.GetAsync($"/users/{bUser}")).JsonAsync();
        Assert.Equal("designer", bMember.Str("role"));
    }

    [Fact]
    public async Task Another_accounts_user_can_be_neither_added_nor_changed_nor_unlocked()
    {
        using var globex = await _globex.AdminAsync();
        using var acme = await _acme.AdminAsync();
        var acmeAdmin = (await (await acme.GetAsync("/users")).JsonAsync()).GetProperty("items")[0].Str("id");
        var acmeLogin = await LoginAsync(_acme.AdminEmail, _acme.AdminPassword);
        using var acmeAsUser = _host.ClientFor(acmeLogin.Str("accessToken"), _acme.CustomerId);

        // Adding A's administrator by e-mail answers as for any address new to the account: a password is needed.
        var taken = await (await globex.PostJsonAsync("/users", new { email = _acme.AdminEmail, role = "reporter" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        var unused = await (await globex.PostJsonAsync("/users", new { email = "nobody@globex.example",
            role = "reporter" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(unused.GetProperty("errors").ToString(), taken.GetProperty("errors").ToString());

        // With one, B gets a user of its own with that e-mail: A's administrator is not in B's team.
        var created = await (await globex.PostJsonAsync("/users",
            new { email = _acme.AdminEmail, role = "reporter", password = "globex's own password" }))
                .JsonAsync(HttpStatusCode.Created);
        Assert.NotEqual(acmeAdmin, created.Str("id"));

        // A's user does not exist for B, exactly as an id that nobody has.
        var missing = Guid.NewGuid();
        foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
                 {
                     (HttpMethod.Get, "/users/{0}", null),
                     (HttpMethod.Patch, "/users/{0}", new { role = "reporter" }),
                     (HttpMethod.Post, "/users/{0}/unlock", null),
                     (HttpMethod.Delete, "/users/{0}", null),
                 })
        {
            var foreign = await (await SendAsync(globex, method, string.Format(CultureInfo.InvariantCulture, path,
                acmeAdmin), body))
                .ProblemAsync(HttpStatusCode.NotFound);
            var nobody = await (await SendAsync(globex, method, string.Format(CultureInfo.InvariantCulture, path,
                missing), body))
                .ProblemAsync(HttpStatusCode.NotFound);
            Assert.Equal(nobody.Str("detail"), foreign.Str("detail"));
        }

        // A's administrator is untouched: still signed in with A's password, token still valid, role unchanged.
        Assert.Equal(HttpStatusCode.OK, (await acmeAsUser.GetAsync("/me")).StatusCode);
        Assert.Equal("administrator", (await LoginAsync(_acme.AdminEmail, _acme.AdminPassword)).Str("role"));
    }

    [Fact]
    public async Task An_email_used_in_two_accounts_signs_in_to_the_account_whose_password_it_gives()
    {
        using var globex = await _globex.AdminAsync();
        await (await globex.PostJsonAsync("/users",
            new { email = _acme.AdminEmail, role = "designer", password = "the globex password" }))
                .JsonAsync(HttpStatusCode.Created);

        Assert.Equal(_acme.CustomerId, (await LoginAsync(_acme.AdminEmail, _acme.AdminPassword)).Str("customerId"));
        var atGlobex = await LoginAsync(_acme.AdminEmail, "the globex password");
        Assert.Equal(_globex.CustomerId, atGlobex.Str("customerId"));
        Assert.Equal("designer", atGlobex.Str("role"));

        // Naming the account picks its user; that user's password is the one that counts.
        Assert.Equal(_globex.CustomerId,
            (await LoginAsync(_acme.AdminEmail, "the globex password", _globex.CustomerId)).Str("customerId"));
        using var client = _host.CreateClient();
        var wrong = await client.PostAsJsonAsync("/login",
            new { email = _acme.AdminEmail, password = _acme.AdminPassword, customerId = _globex.CustomerId });
        await wrong.ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task One_accounts_unlock_leaves_another_accounts_lock_out_in_place()
    {
        using var globex = await _globex.AdminAsync();
        var globexUser = (await (await globex.PostJsonAsync("/users",
            new { email = _acme.AdminEmail, role = "designer", password = "the globex password" }))
                .JsonAsync(HttpStatusCode.Created)).Str("id");
        using var client = _host.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            await client.PostAsJsonAsync("/login", new { email = _acme.AdminEmail, password = "guess " + i,
                customerId = _acme.CustomerId });
        }

        var locked = await client.PostAsJsonAsync("/login",
            new { email = _acme.AdminEmail, password = _acme.AdminPassword, customerId = _acme.CustomerId });
        await locked.ProblemAsync((HttpStatusCode)423);

        await (await globex.PostAsync($"/users/{globexUser}/unlock", null)).JsonAsync();
        var stillLocked = await client.PostAsJsonAsync("/login",
            new { email = _acme.AdminEmail, password = _acme.AdminPassword, customerId = _acme.CustomerId });
        await stillLocked.ProblemAsync((HttpStatusCode)423);
    }

    private async Task<JsonElement> LoginAsync(string email, string password, string? customerId = null)
    {
        using var client = _host.CreateClient();
        return await (await client.PostAsJsonAsync("/login", new { email, password, customerId })).JsonAsync();
    }

    private static Task<HttpResponseMessage> SendAsync(
        HttpClient client, HttpMethod method, string path, object? body) =>
        client.SendAsync(
            new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) });

    [Fact]
    public async Task A_token_of_one_account_with_the_other_accounts_customer_id_is_403()
    {
        using var mixed = _host.ClientFor(await _acme.TokenAsync(), _globex.CustomerId);
        await (await mixed.GetAsync("/me")).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_query_filter_holds_in_the_database_layer_and_stamps_new_rows()
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var tenant = scope.ServiceProvider.GetRequiredService<TenantContext>();
        var db = scope.ServiceProvider.GetRequiredService<AppDb>();

        Assert.Empty(await db.Credentials.ToListAsync());
        tenant.EnterTeam(_acme.TeamId);
        var visible = await db.Credentials.Select(c => c.TeamId).ToListAsync();
        Assert.All(visible, t => Assert.Equal(_acme.TeamId, t));
        Assert.Equal(2, await db.Credentials.IgnoreQueryFilters().CountAsync());

        var (credential, _) = CredentialsApi.Issue(
            "stamped", Communique.Auth.Role.Reporter, "test", _host.Service<Communique.Auth.MasterKey>(), db.Now);
        db.Credentials.Add(credential);
        await db.SaveChangesAsync();
        Assert.Equal(_acme.TeamId, credential.TeamId);

        var (foreign, _) = CredentialsApi.Issue(
            "foreign", Communique.Auth.Role.Reporter, "test", _host.Service<Communique.Auth.MasterKey>(), db.Now);
        foreign.TeamId = _globex.TeamId;
        db.Credentials.Add(foreign);
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
    }
}

public sealed class TenancyOnSqlite() : TenancyTests(Provider.Sqlite);

public sealed class TenancyOnPostgres() : TenancyTests(Provider.Postgres);
