using System.Net;
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
        var bCredential = (await (await b.PostJsonAsync("/credentials", new { name = "Globex CRM", role = "developer" }))
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
        var bUser = (await (await b.PostJsonAsync("/users", new { email = "gina@globex.example", role = "designer", password = "a password of length" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");

        await (await a.GetAsync($"/users/{bUser}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await a.PatchJsonAsync($"/users/{bUser}", new { role = "administrator" })).ProblemAsync(HttpStatusCode.NotFound);
        await (await a.DeleteAsync($"/users/{bUser}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await a.PostAsync($"/users/{bUser}/unlock", null)).ProblemAsync(HttpStatusCode.NotFound);
        var listed = await (await a.GetAsync("/users")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("globex", listed, StringComparison.OrdinalIgnoreCase);
        await (await a.GetAsync($"/teams/{_globex.TeamId}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await a.PatchJsonAsync($"/teams/{_globex.TeamId}", new { name = "Taken over" })).ProblemAsync(HttpStatusCode.NotFound);

        var bMember = await (await b.GetAsync($"/users/{bUser}")).JsonAsync();
        Assert.Equal("designer", bMember.Str("role"));
    }

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

        var (credential, _) = CredentialsApi.Issue("stamped", Communique.Auth.Role.Reporter, "test", _host.Service<Communique.Auth.MasterKey>(), db.Now);
        db.Credentials.Add(credential);
        await db.SaveChangesAsync();
        Assert.Equal(_acme.TeamId, credential.TeamId);

        var (foreign, _) = CredentialsApi.Issue("foreign", Communique.Auth.Role.Reporter, "test", _host.Service<Communique.Auth.MasterKey>(), db.Now);
        foreign.TeamId = _globex.TeamId;
        db.Credentials.Add(foreign);
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
    }
}

public sealed class TenancyOnSqlite() : TenancyTests(Provider.Sqlite);

public sealed class TenancyOnPostgres() : TenancyTests(Provider.Postgres);
