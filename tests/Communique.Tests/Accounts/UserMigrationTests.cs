using System.Net;
using System.Net.Http.Json;
using Communique.Data;
using Communique.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Communique.Tests.Accounts;

// Users became account-owned: a user who was a member in two accounts becomes one user in each.
public abstract class UserMigrationTests(Provider provider) : IAsyncLifetime
{
    private const string BeforeAccountOwnedUsers = "TransactionalDelivery";
    private TestHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await TestHost.StartAsync(provider);

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_user_with_memberships_in_two_accounts_becomes_a_user_of_each()
    {
        var acme = await _host.CreateAccountAsync("Acme Corp");
        var globex = await _host.CreateAccountAsync("Globex Corporation");
        var acmeAdmin = await _host.WithDbAsync(db => db.Users.Where(u => u.Email == acme.AdminEmail).Select(u => u.Id)
            .SingleAsync());
        await MigrateAsync(BeforeAccountOwnedUsers);

        // What the old POST /users allowed: Acme's administrator made a member of Globex's team.
        var membership = Guid.CreateVersion7();
        await _host.WithDbAsync(db => db.Database.ExecuteSqlAsync($"""
            INSERT INTO "Memberships" ("Id", "TeamId", "UserId", "Role", "CreatedAt")
            VALUES ({membership}, {globex.TeamId}, {acmeAdmin}, 'Reporter', {_host.Clock.GetUtcNow().UtcDateTime})
            """));
        await MigrateAsync(null);

        var users = await _host.WithDbAsync(db => db.Users.Where(u => u.Email == acme.AdminEmail)
            .Select(u => new { u.Id, u.AccountId }).ToListAsync());
        Assert.Equal(2, users.Count);
        var acmeAccount = await _host.WithDbAsync(db => db.Accounts.Where(a => a.CustomerId == acme.CustomerId)
            .Select(a => a.Id).SingleAsync());
        Assert.Equal(acmeAccount, users.Single(u => u.Id == acmeAdmin).AccountId);
        var copy = users.Single(u => u.Id != acmeAdmin);
        Assert.Equal(copy.Id, await _host.WithDbAsync(db =>
            db.Memberships.IgnoreQueryFilters().Where(m => m.Id == membership).Select(m => m.UserId).SingleAsync()));

        // The copy keeps the password: naming Globex signs in to it, as a reporter of Globex's team.
        using var client = _host.CreateClient();
        var login = await (await client.PostAsJsonAsync("/login",
            new { email = acme.AdminEmail, password = acme.AdminPassword, customerId = globex.CustomerId }))
                .JsonAsync();
        Assert.Equal("reporter", login.Str("role"));
        Assert.Equal(globex.TeamId.ToString(), login.Str("teamId"));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/login",
            new { email = acme.AdminEmail, password = acme.AdminPassword, customerId = acme.CustomerId })).StatusCode);
    }

    private Task MigrateAsync(string? target) => _host.WithDbAsync(async db =>
    {
        var migrator = db.GetService<IMigrator>();
        var id = target is null ? null : db.Database.GetMigrations().Single(m => m.EndsWith("_" + target,
            StringComparison.Ordinal));
        await migrator.MigrateAsync(id);
        return 0;
    });
}

public sealed class UserMigrationOnSqlite() : UserMigrationTests(Provider.Sqlite);

public sealed class UserMigrationOnPostgres() : UserMigrationTests(Provider.Postgres);
