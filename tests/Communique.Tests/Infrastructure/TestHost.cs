using System.Net.Http.Headers;
using System.Net.Http.Json;
using Communique.Cli;
using Communique.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Communique.Tests.Infrastructure;

// The whole program over HTTP, on a database of its own, with a clock the test moves.
public sealed class TestHost : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    public TestDatabase Database { get; }
    public FakeTimeProvider Clock { get; }

    private TestHost(TestDatabase database, Dictionary<string, string?> settings, Action<IServiceCollection>? services,
        FakeTimeProvider? clock)
    {
        Database = database;
        _settings = settings;
        _services = services;
        Clock = clock ?? NewClock();
    }

    // The clock a host starts with; a test whose peers must share it before the host starts makes one here.
    public static FakeTimeProvider NewClock() => new(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));

    public static async Task<TestHost> StartAsync(
        Provider provider = Provider.Sqlite, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null, FakeTimeProvider? clock = null, bool kestrel = false)
    {
        var database = await TestDatabase.CreateAsync(provider);
        var all = new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider.ToString(),
            ["Database:ConnectionString"] = database.ConnectionString,
            ["Storage:DataDirectory"] = database.Folder,
            // Tests drive the job runner themselves.
            ["Communique:Role"] = "Api",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:Console:FormatterName"] = "simple",
            // EF logs its first look for the migrations history table of a new database as an error.
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Critical",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var host = new TestHost(database, all, services, clock);
        if (kestrel)
        {
            // A real server on a loopback port, for a browser; CreateClient then talks to it over TCP.
            host.UseKestrel(0);
            host.StartServer();
        }
        else
        {
            _ = host.Server;
        }

        return host;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            _services?.Invoke(services);
        });
    }

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();

    // The address of the Kestrel server of a host started with kestrel: true.
    public Uri Address => new(Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
        .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First());

    public async Task<T> WithDbAsync<T>(Func<AppDb, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<AppDb>());
    }

    public async Task<TestAccount> CreateAccountAsync(string name, string? adminEmail = null)
    {
        var email = adminEmail ?? $"admin-{Guid.NewGuid():N}@example.com";
        var password = "correct horse battery staple";
        var created = await OperatorCommands.CreateAccountAsync(
            Services, name, email, password, "us-east-1", CancellationToken.None);
        Assert.Null(created.Error);
        return new TestAccount(
            this, created.CustomerId!, created.TeamId, email, password, created.ClientId!, created.Secret!);
    }

    public async Task<string> AuthenticateAsync(string clientId, string secret, string customerId)
    {
        using var client = CreateClient();
        var response = await client.PostAsJsonAsync(
            "/authenticate", new { client_id = clientId, secret, customer_id = customerId });
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<string>())!;
    }

    // A client that sends both headers of a private call.
    public HttpClient ClientFor(string token, string customerId)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        client.DefaultRequestHeaders.Add("PB-Customer-Id", customerId);
        return client;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Database.DisposeAsync();
    }
}

public sealed record TestAccount(
    TestHost Host, string CustomerId, Guid TeamId, string AdminEmail, string AdminPassword, string ClientId,
    string Secret)
{
    public Task<string> TokenAsync() => Host.AuthenticateAsync(ClientId, Secret, CustomerId);

    public async Task<HttpClient> AdminAsync() => Host.ClientFor(await TokenAsync(), CustomerId);
}
