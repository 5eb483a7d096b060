using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Communique.Auth;
using Communique.Jobs;
using Communique.Tenancy;
using Communique.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Communique.Tests.Jobs;

// A job kind for tests: records every run, and succeeds, fails or waits as its payload says.
public sealed class ProbeHandler(ProbeLog log, TenantContext tenant) : IJobHandler
{
    public const string Kind = "test-probe";
    public const string AdministrationKind = "test-probe-administration";

    public sealed record Instructions(string Mode, int Milliseconds = 0);

    public async Task RunAsync(JobContext job, CancellationToken cancellationToken)
    {
        var instructions = JsonSerializer.Deserialize<Instructions>(job.Payload!, JsonSerializerOptions.Web)!;
        var running = log.Running.AddOrUpdate(job.Id, 1, (_, n) => n + 1);
        log.MaxConcurrent.AddOrUpdate(job.Id, running, (_, n) => Math.Max(n, running));
        log.Runs.AddOrUpdate(job.Id, 1, (_, n) => n + 1);
        log.Teams[job.Id] = tenant.TeamId;
        try
        {
            switch (instructions.Mode)
            {
                case "succeed":
                    await Task.Delay(instructions.Milliseconds, cancellationToken);
                    await job.ReportAsync(50, "half-way", cancellationToken);
                    job.Result = $"done by attempt {job.Attempt}, resumed from {job.Cursor}";
                    break;
                case "fail":
                    throw new InvalidOperationException("the probe failed on purpose");
                case "wait":
                    log.Started.TrySetResult();
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                    break;
            }
        }
        finally
        {
            log.Running.AddOrUpdate(job.Id, 0, (_, n) => n - 1);
        }
    }
}

public sealed class ProbeLog
{
    public ConcurrentDictionary<Guid, int> Running { get; } = new();
    public ConcurrentDictionary<Guid, int> MaxConcurrent { get; } = new();
    public ConcurrentDictionary<Guid, int> Runs { get; } = new();
    public ConcurrentDictionary<Guid, Guid> Teams { get; } = new();
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

public abstract class JobTests(Provider provider) : IAsyncLifetime
{
    private TestHost _host = null!;
    private TestAccount _acme = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await TestHost.StartAsync(provider,
            new Dictionary<string, string?> { ["Jobs:LeaseSeconds"] = "1", ["Jobs:RetryBaseSeconds"] = "5" },
            services => services.AddSingleton<ProbeLog>().AddJobHandler<ProbeHandler>(ProbeHandler.Kind, Area.Campaigns)
                .AddJobHandler<ProbeHandler>(ProbeHandler.AdministrationKind, Area.TeamAdministration));
        _acme = await _host.CreateAccountAsync("Acme Corp");
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private ProbeLog Log => _host.Service<ProbeLog>();
    private JobRunner Runner => _host.Service<JobRunner>();

    private async Task<Guid> EnqueueAsync(
        Guid teamId, ProbeHandler.Instructions instructions, int maxAttempts = 3, string kind = ProbeHandler.Kind)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().EnterTeam(teamId);
        var db = scope.ServiceProvider.GetRequiredService<Communique.Data.AppDb>();
        var job = db.EnqueueJob(kind, instructions, maxAttempts);
        await db.SaveChangesAsync();
        return job.Id;
    }

    private async Task EnqueueOnceAsync(string key, DateTime? runAfter = null)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().EnterTeam(_acme.TeamId);
        var db = scope.ServiceProvider.GetRequiredService<Communique.Data.AppDb>();
        await db.EnqueueOnceAsync(ProbeHandler.Kind, key, runAfter);
    }

    private Task<List<Job>> JobsOfKeyAsync(string key) =>
        _host.WithDbAsync(db => db.Jobs.IgnoreQueryFilters().AsNoTracking().Where(j => j.Key == key)
            .OrderBy(j => j.CreatedAt).ThenBy(j => j.Id).ToListAsync());

    [Fact]
    public async Task Jobs_of_one_key_wait_queued_once_and_run_one_at_a_time()
    {
        var now = _host.Clock.GetUtcNow().UtcDateTime;
        await EnqueueOnceAsync("drain:acme", now.AddMinutes(10));
        await EnqueueOnceAsync("drain:acme", now.AddMinutes(20));
        var waiting = Assert.Single(await JobsOfKeyAsync("drain:acme"));
        Assert.Equal(now.AddMinutes(10), waiting.RunAfter);
        Assert.Equal(_acme.TeamId, waiting.TeamId);

        // Asked for sooner: the waiting job is brought forward, not doubled.
        await EnqueueOnceAsync("drain:acme");
        waiting = Assert.Single(await JobsOfKeyAsync("drain:acme"));
        Assert.Equal(now, waiting.RunAfter);

        var store = _host.Service<JobStore>();
        var first = await store.ClaimAsync(CancellationToken.None);
        Assert.Equal(waiting.Id, first!.Job.Id);

        // Asked for while it runs: a second one waits, and is not claimed while the first holds its lease.
        await EnqueueOnceAsync("drain:acme");
        await EnqueueOnceAsync("drain:other");
        Assert.Equal(2, (await JobsOfKeyAsync("drain:acme")).Count);
        var other = await store.ClaimAsync(CancellationToken.None);
        Assert.Equal("drain:other", other!.Job.Key);
        Assert.Null(await store.ClaimAsync(CancellationToken.None));

        await first.SucceedAsync(null, CancellationToken.None);
        var second = await store.ClaimAsync(CancellationToken.None);
        Assert.Equal("drain:acme", second!.Job.Key);
        Assert.NotEqual(first.Job.Id, second.Job.Id);

        // A worker that died holding one: once its lease expires either that job or the waiting one is claimed, and
        // then not the other.
        await other.SucceedAsync(null, CancellationToken.None);
        await EnqueueOnceAsync("drain:acme");
        _host.Clock.Advance(TimeSpan.FromSeconds(2));
        var again = await store.ClaimAsync(CancellationToken.None);
        Assert.Equal("drain:acme", again!.Job.Key);
        Assert.Null(await store.ClaimAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_job_runs_and_its_progress_and_result_are_visible_through_the_api()
    {
        var id = await EnqueueAsync(_acme.TeamId, new("succeed"));
        using var client = await _acme.AdminAsync();
        var queued = await (await client.GetAsync($"/jobs/{id}")).JsonAsync();
        Assert.Equal("queued", queued.Str("state"));

        Assert.True(await Runner.RunOneAsync(CancellationToken.None));

        var done = await (await client.GetAsync($"/jobs/{id}")).JsonAsync();
        Assert.Equal("succeeded", done.Str("state"));
        Assert.Equal(100, done.GetProperty("progress").GetInt32());
        Assert.Equal("done by attempt 1, resumed from half-way", done.Str("result"));
        var listed = await (await client.GetAsync("/jobs?state=succeeded")).JsonAsync();
        Assert.Equal(id.ToString(), listed.GetProperty("items")[0].Str("id"));
        Assert.False(await Runner.RunOneAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_failing_job_retries_with_backoff_then_is_dead_lettered_with_its_error()
    {
        var id = await EnqueueAsync(_acme.TeamId, new("fail"), maxAttempts: 3);
        using var client = await _acme.AdminAsync();

        Assert.True(await Runner.RunOneAsync(CancellationToken.None));
        var retrying = await (await client.GetAsync($"/jobs/{id}")).JsonAsync();
        Assert.Equal("queued", retrying.Str("state"));
        Assert.Equal("the probe failed on purpose", retrying.Str("error"));
        Assert.Equal(_host.Clock.GetUtcNow().UtcDateTime.AddSeconds(5), retrying.GetProperty("runAfter").GetDateTime()
            .ToUniversalTime());

        // Not before its backoff has passed: 5 s, then 10 s.
        Assert.False(await Runner.RunOneAsync(CancellationToken.None));
        _host.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.True(await Runner.RunOneAsync(CancellationToken.None));
        _host.Clock.Advance(TimeSpan.FromSeconds(9));
        Assert.False(await Runner.RunOneAsync(CancellationToken.None));
        _host.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await Runner.RunOneAsync(CancellationToken.None));

        var dead = await (await client.GetAsync($"/jobs/{id}")).JsonAsync();
        Assert.Equal("dead", dead.Str("state"));
        Assert.Equal(3, dead.GetProperty("attempts").GetInt32());
        Assert.Equal("the probe failed on purpose", dead.Str("error"));
        Assert.Equal(3, Log.Runs[id]);
        _host.Clock.Advance(TimeSpan.FromHours(1));
        Assert.False(await Runner.RunOneAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Two_workers_never_run_one_job_at_the_same_time()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 30; i++)
        {
            ids.Add(await EnqueueAsync(_acme.TeamId, new("succeed", 5)));
        }

        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (await Runner.RunOneAsync(CancellationToken.None))
            {
            }
        }));
        await Task.WhenAll(workers);

        Assert.All(ids, id =>
        {
            Assert.Equal(1, Log.Runs[id]);
            Assert.Equal(1, Log.MaxConcurrent[id]);
        });
        using var client = await _acme.AdminAsync();
        var page = await (await client.GetAsync("/jobs?state=succeeded&limit=200")).JsonAsync();
        Assert.Equal(30, page.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_job_whose_worker_died_is_claimed_again_when_its_lease_expires()
    {
        var id = await EnqueueAsync(_acme.TeamId, new("succeed"));
        var store = _host.Service<JobStore>();

        // The first worker claims the job and then dies: no heartbeat, no outcome.
        var crashed = await store.ClaimAsync(CancellationToken.None);
        Assert.Equal(id, crashed!.Job.Id);
        Assert.Null(await store.ClaimAsync(CancellationToken.None));

        _host.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.True(await Runner.RunOneAsync(CancellationToken.None));

        using var client = await _acme.AdminAsync();
        var job = await (await client.GetAsync($"/jobs/{id}")).JsonAsync();
        Assert.Equal("succeeded", job.Str("state"));
        Assert.Equal(2, job.GetProperty("attempts").GetInt32());

        // The dead worker's lease no longer lets it write.
        Assert.Equal(0, await crashed.SucceedAsync("late", CancellationToken.None));
        Assert.Equal("done by attempt 2, resumed from half-way",
            (await (await client.GetAsync($"/jobs/{id}")).JsonAsync()).Str("result"));
    }

    [Fact]
    public async Task A_queued_job_is_cancelled_and_a_running_one_stops_when_asked()
    {
        using var client = await _acme.AdminAsync();
        var queued = await EnqueueAsync(_acme.TeamId, new("succeed"));
        var cancelled = await (await client.PostAsync($"/jobs/{queued}/cancel", null)).JsonAsync();
        Assert.Equal("cancelled", cancelled.Str("state"));

        var waiting = await EnqueueAsync(_acme.TeamId, new("wait"));
        var run = Runner.RunOneAsync(CancellationToken.None);
        await Log.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var asked = await (await client.PostAsync($"/jobs/{waiting}/cancel", null)).JsonAsync();
        Assert.True(asked.GetProperty("cancelRequested").GetBoolean());

        Assert.True(await run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("cancelled", (await (await client.GetAsync($"/jobs/{waiting}")).JsonAsync()).Str("state"));
        Assert.False(Log.Runs.ContainsKey(queued));
    }

    [Fact]
    public async Task Another_teams_job_does_not_exist()
    {
        var globex = await _host.CreateAccountAsync("Globex");
        var theirs = await EnqueueAsync(globex.TeamId, new("succeed"));
        using var client = await _acme.AdminAsync();

        await (await client.GetAsync($"/jobs/{theirs}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await client.PostAsync($"/jobs/{theirs}/cancel", null)).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, (await (await client.GetAsync("/jobs")).JsonAsync()).GetProperty("items").GetArrayLength());
    }

    // A probe job of the campaigns area, and one of team administration, seen and cancelled by a credential of each
    // role.
    [Fact]
    public async Task Each_role_sees_and_cancels_only_the_jobs_of_areas_it_may_view_and_edit()
    {
        using var admin = await _acme.AdminAsync();
        foreach (var role in Enum.GetValues<Role>())
        {
            var campaigns = await EnqueueAsync(_acme.TeamId, new("succeed"));
            var administration =
                await EnqueueAsync(_acme.TeamId, new("succeed"), kind: ProbeHandler.AdministrationKind);
            var key = await (await admin.PostJsonAsync(
                    "/credentials", new { name = $"as {role.Name()}", role = role.Name() }))
                .JsonAsync(HttpStatusCode.Created);
            var token = await _host.AuthenticateAsync(key.Str("clientId"), key.Str("secret"), _acme.CustomerId);
            using var client = _host.ClientFor(token, _acme.CustomerId);

            var listed = (await (await client.GetAsync("/jobs?limit=200")).JsonAsync()).GetProperty("items")
                .EnumerateArray()
                .Select(j => Guid.Parse(j.Str("id"))).ToList();
            (Guid Job, Area Area)[] jobs = [(campaigns, Area.Campaigns), (administration, Area.TeamAdministration)];
            foreach (var (job, area) in jobs)
            {
                var sees = RoleMatrix.Allows(role, area, Access.View);
                Assert.True(sees == listed.Contains(job), $"{role.Name()} lists a job of {area}: {!sees}");
                var read = await client.GetAsync($"/jobs/{job}");
                Assert.Equal(sees ? HttpStatusCode.OK : HttpStatusCode.NotFound, read.StatusCode);

                var cancel = await client.PostAsync($"/jobs/{job}/cancel", null);
                var expected = !sees ? HttpStatusCode.NotFound
                    : RoleMatrix.Allows(role, area, Access.Edit) ? HttpStatusCode.OK : HttpStatusCode.Forbidden;
                Assert.True(
                    expected == cancel.StatusCode, $"{role.Name()} cancelling a job of {area}: {cancel.StatusCode}");
                if (expected != HttpStatusCode.OK)
                {
                    await cancel.ProblemAsync(expected);
                    Assert.Equal("queued", (await (await admin.GetAsync($"/jobs/{job}")).JsonAsync()).Str("state"));
                }
            }

            if (role == Role.LiveTakeover)
            {
                Assert.Empty(listed);
            }
        }
    }

    [Fact]
    public async Task A_job_runs_as_its_team()
    {
        var globex = await _host.CreateAccountAsync("Globex");
        var ours = await EnqueueAsync(_acme.TeamId, new("succeed"));
        var theirs = await EnqueueAsync(globex.TeamId, new("succeed"));
        await Runner.RunOneAsync(CancellationToken.None);
        await Runner.RunOneAsync(CancellationToken.None);

        Assert.Equal(_acme.TeamId, Log.Teams[ours]);
        Assert.Equal(globex.TeamId, Log.Teams[theirs]);
    }
}

public sealed class JobsOnSqlite() : JobTests(Provider.Sqlite);

public sealed class JobsOnPostgres() : JobTests(Provider.Postgres);
