using System.Net;
using System.Net.Http.Json;
using Communique.Tests.Infrastructure;

namespace Communique.Tests.Accounts;

public sealed class UserTests : IAsyncLifetime
{
    private TestHost _host = null!;
    private TestAccount _acme = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await TestHost.StartAsync(
            settings: new Dictionary<string, string?> { ["Auth:TeamRequestsPerWindow"] = "1000" });
        _acme = await _host.CreateAccountAsync("Acme Corp");
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private async Task<HttpResponseMessage> LoginAsync(string email, string password, Guid? teamId = null)
    {
        using var client = _host.CreateClient();
        return await client.PostAsJsonAsync("/login", new { email, password, teamId });
    }

    [Fact]
    public async Task The_bootstrapped_administrator_logs_in_to_the_General_team()
    {
        var login = await (await LoginAsync(_acme.AdminEmail, _acme.AdminPassword)).JsonAsync();
        Assert.Equal("eocm-Acme-Corp", login.Str("customerId"));
        Assert.Equal("administrator", login.Str("role"));
        Assert.Equal(3600, login.GetProperty("expiresIn").GetInt32());

        using var client = _host.ClientFor(login.Str("accessToken"), login.Str("customerId"));
        var me = await (await client.GetAsync("/me")).JsonAsync();
        Assert.Equal("user", me.Str("kind"));
        Assert.Equal(_acme.AdminEmail, me.Str("email"));
        Assert.Contains(
            "team-administration:edit", me.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task An_administrator_adds_a_user_who_can_then_log_in_with_that_role()
    {
        using var admin = await _acme.AdminAsync();
        var added = await (await admin.PostJsonAsync("/users",
            new { email = "rita@acme.example", displayName = "Rita", role = "reporter",
                password = "reporting is fun 123" }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal("reporter", added.Str("role"));

        var login = await (await LoginAsync("rita@acme.example", "reporting is fun 123")).JsonAsync();
        Assert.Equal("reporter", login.Str("role"));
        using var rita = _host.ClientFor(login.Str("accessToken"), _acme.CustomerId);
        await (await rita.GetAsync("/users")).ProblemAsync(HttpStatusCode.Forbidden);

        var members = await (await admin.GetAsync("/users")).JsonAsync();
        Assert.Equal(2, members.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Changing_a_role_revokes_that_users_tokens()
    {
        using var admin = await _acme.AdminAsync();
        var id = (await (await admin.PostJsonAsync("/users",
            new { email = "dan@acme.example", role = "designer", password = "designing all day" }))
                .JsonAsync(HttpStatusCode.Created)).Str("id");
        var token = (await (await LoginAsync("dan@acme.example", "designing all day")).JsonAsync()).Str("accessToken");
        using var dan = _host.ClientFor(token, _acme.CustomerId);
        Assert.Equal(HttpStatusCode.OK, (await dan.GetAsync("/me")).StatusCode);

        var changed = await (await admin.PatchJsonAsync($"/users/{id}", new { role = "developer" })).JsonAsync();
        Assert.Equal("developer", changed.Str("role"));
        await (await dan.GetAsync("/me")).ProblemAsync(HttpStatusCode.Unauthorized);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/users/{id}")).StatusCode);
        await (await LoginAsync("dan@acme.example", "designing all day")).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Repeated_wrong_passwords_lock_the_user_until_an_administrator_unlocks()
    {
        for (var i = 0; i < 5; i++)
        {
            await (await LoginAsync(_acme.AdminEmail, "wrong password " + i)).ProblemAsync(HttpStatusCode.Unauthorized);
        }

        var locked = await LoginAsync(_acme.AdminEmail, _acme.AdminPassword);
        var problem = await locked.ProblemAsync((HttpStatusCode)423);
        Assert.Equal("urn:communique:problem:account-locked", problem.Str("type"));
        Assert.NotNull(locked.Headers.RetryAfter);

        using var admin = await _acme.AdminAsync();
        var members = await (await admin.GetAsync("/users")).JsonAsync();
        var me = members.GetProperty("items").EnumerateArray().Single(m => m.Str("email") == _acme.AdminEmail);
        Assert.True(me.GetProperty("locked").GetBoolean());
        await (await admin.PostAsync($"/users/{me.Str("id")}/unlock", null)).JsonAsync();

        await (await LoginAsync(_acme.AdminEmail, _acme.AdminPassword)).JsonAsync();
    }

    [Fact]
    public async Task The_last_administrator_cannot_be_removed_or_demoted()
    {
        using var admin = await _acme.AdminAsync();
        var members = await (await admin.GetAsync("/users")).JsonAsync();
        var id = members.GetProperty("items")[0].Str("id");

        await (await admin.DeleteAsync($"/users/{id}")).ProblemAsync(HttpStatusCode.Conflict);
        await (await admin.PatchJsonAsync($"/users/{id}", new { role = "designer" }))
            .ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_new_user_needs_a_password_and_a_known_role()
    {
        using var admin = await _acme.AdminAsync();
        var problem = await (await admin.PostJsonAsync("/users", new { email = "x@acme.example", role = "designer" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("password", out _));
        problem = await (await admin.PostJsonAsync(
            "/users", new { email = "not-an-email", role = "designer", password = "long enough password" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(
            "email", problem.GetProperty("errors").EnumerateObject().Select(p => p.Name),
            StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_user_creates_a_team_and_administers_it()
    {
        var login = await (await LoginAsync(_acme.AdminEmail, _acme.AdminPassword)).JsonAsync();
        using var client = _host.ClientFor(login.Str("accessToken"), _acme.CustomerId);

        var team = await (await client.PostJsonAsync("/teams", new { name = "Marketing EU", region = "eu-west-1" }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal("eu-west-1", team.Str("region"));
        await (await client.PostJsonAsync("/teams", new { name = "Marketing EU", region = "eu-west-1" }))
            .ProblemAsync(HttpStatusCode.Conflict);

        var teams = await (await client.GetAsync("/teams")).JsonAsync();
        Assert.Equal(["General", "Marketing EU"], teams.EnumerateArray().Select(t => t.Str("name")).Order().ToArray());

        var intoNewTeam = await (await LoginAsync(_acme.AdminEmail, _acme.AdminPassword, Guid.Parse(team.Str("id"))))
            .JsonAsync();
        Assert.Equal(team.Str("id"), intoNewTeam.Str("teamId"));
        Assert.Equal("administrator", intoNewTeam.Str("role"));
        var account = await (await client.GetAsync("/accounts/current")).JsonAsync();
        Assert.Equal("Acme Corp", account.Str("name"));
    }

    [Fact]
    public async Task The_team_rate_limit_is_announced_and_enforced()
    {
        await using var host = await TestHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Auth:TeamRequestsPerWindow"] = "3",
            ["Auth:TeamWindowSeconds"] = "60",
        });
        var account = await host.CreateAccountAsync("Tiny Co");
        using var client = await account.AdminAsync();

        var first = await client.GetAsync("/me");
        Assert.Equal("3", first.Headers.GetValues("RateLimit-Limit").Single());
        Assert.Equal("2", first.Headers.GetValues("RateLimit-Remaining").Single());
        Assert.True(int.Parse(
            first.Headers.GetValues("RateLimit-Reset").Single(),
            System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 60);
        await client.GetAsync("/me");
        await client.GetAsync("/me");
        var limited = await client.GetAsync("/me");
        await limited.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.NotNull(limited.Headers.RetryAfter);

        host.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/me")).StatusCode);
    }
}
