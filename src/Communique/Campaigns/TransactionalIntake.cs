using System.Data.Common;
using System.Threading.Channels;
using Communique.Data;
using Communique.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Communique.Campaigns;

// Group commit of accepted transactional calls. A call waits in a bounded queue (a full queue makes callers wait,
// nothing is dropped); a writer takes every call waiting at that moment and writes their campaigns, sends, messages,
// stats rows and idempotency records in one transaction of multi-row inserts, with one request per team for its
// transactional delivery, then completes each call: a call answers only once its rows are committed. When the group
// fails, its calls are written one at a time, so that only the one at fault (a unique index refused it) fails.
// On PostgreSQL two writers take turns, so that calls arriving while one group commits are written beside it rather
// than after it (SQLite has one writer whatever the number of connections). Two groups touch no common row but their
// teams' delivery job requests, taken in the order of the team ids, so they wait for each other there at most.
// After the server has answered its last request the queue is closed and what waits in it is written.
public sealed class TransactionalIntake : IAsyncDisposable
{
    private const int Capacity = 1024;
    private const int MaxCalls = 256;
    private const int MaxMessages = 5_000;
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

    private readonly Channel<AcceptedCall> _queue = Channel.CreateBounded<AcceptedCall>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.Wait });

    private readonly IServiceScopeFactory _scopes;
    private readonly ILogger<TransactionalIntake> _log;
    private readonly Task _writers;

    public TransactionalIntake(IServiceScopeFactory scopes, IOptions<DatabaseOptions> database,
        IHostApplicationLifetime lifetime, ILogger<TransactionalIntake> log)
    {
        _scopes = scopes;
        _log = log;
        var writers = database.Value.Provider == DatabaseProvider.Postgres ? 2 : 1;
        _writers = Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(WriteAsync)));
        lifetime.ApplicationStopped.Register(Drain);
    }

    // Answers once the call's rows are committed or refused; a call that arrives after the queue has closed (a request
    // still being processed when the server stopped) is not written at all.
    public async Task<IntakeOutcome> StoreAsync(AcceptedCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        while (!_queue.Writer.TryWrite(call))
        {
            if (!await _queue.Writer.WaitToWriteAsync(cancellationToken))
            {
                return IntakeOutcome.Closed;
            }
        }

        return await call.Stored.Task.WaitAsync(cancellationToken) ? IntakeOutcome.Stored : IntakeOutcome.KeyTaken;
    }

    public async ValueTask DisposeAsync()
    {
        // Reached without a stop only when the host is torn down as it runs: the writer fails what it cannot write.
        _queue.Writer.TryComplete();
        await _writers.WaitAsync(DrainTimeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private void Drain()
    {
        _queue.Writer.TryComplete();
        if (!_writers.Wait(DrainTimeout))
        {
            _log.LogWarning("Transactional calls were still being written when the server stopped.");
        }
    }

    private async Task WriteAsync()
    {
        var group = new List<AcceptedCall>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            var messages = 0;
            while (group.Count < MaxCalls && messages < MaxMessages && _queue.Reader.TryRead(out var call))
            {
                if (call.Cancellation.IsCancellationRequested)
                {
                    call.Stored.TrySetCanceled(call.Cancellation);
                    continue;
                }

                group.Add(call);
                messages += call.Messages.Count;
            }

            await StoreGroupAsync(group);
            group.Clear();
        }
    }

    // Completes every call of the group; never throws.
    private async Task StoreGroupAsync(List<AcceptedCall> group)
    {
        if (group.Count == 0)
        {
            return;
        }

        try
        {
            await WriteGroupAsync(group);
        }
        catch (Exception e) when (group.Count > 1)
        {
            _log.LogInformation(
                e, "A group of {Count} transactional calls failed; each is written alone.", group.Count);
            foreach (var call in group)
            {
                await StoreGroupAsync([call]);
            }

            return;
        }
        catch (DbException e) when (e.IsUniqueViolation())
        {
            group[0].Stored.TrySetResult(false);
            return;
        }
        catch (Exception e)
        {
            group[0].Stored.TrySetException(e);
            return;
        }

        foreach (var call in group)
        {
            call.Stored.TrySetResult(true);
        }
    }

    // Once started, a group is written whatever its callers do: it commits or rolls back whole.
    private async Task WriteGroupAsync(List<AcceptedCall> group)
    {
        var none = CancellationToken.None;
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDb>();
        using var turn = await scope.ServiceProvider.GetRequiredService<WriteTurns>()
            .TakeAsync(WriteTurns.Side.Intake, none);
        await using var transaction = await db.Database.BeginTransactionAsync(none);
        await CreateCampaignsAsync(db, group, none);
        await BulkWriter.InsertAsync(db, [.. group.Select(c => c.Send)], null, none);
        await BulkWriter.InsertAsync(db, [.. group.SelectMany(c => c.Messages)], null, none);
        await BulkWriter.InsertAsync(db, [.. group.Select(c => c.Stats)], null, none);
        await BulkWriter.InsertAsync(db, [.. group.Select(c => c.Idempotency).OfType<IdempotentRequest>()], null, none);
        // The delivery is asked for in each team's name, as the team's own request would.
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        foreach (var team in group.Select(c => c.Send.TeamId).Distinct().Order())
        {
            var tenant = new TenantContext();
            tenant.EnterTeam(team);
            db.Attach(tenant, clock);
            await SendJobs.RequestTransactionalDeliveryAsync(db, null, none);
        }

        await transaction.CommitAsync(none);
    }

    // A campaign named for the first time is created once: by the first of the calls naming it, or by a concurrent
    // call (of another group or another server) that created it since, whose row the insert leaves alone. In one
    // order, so that two groups creating the same campaigns wait for each other rather than deadlock.
    private static async Task CreateCampaignsAsync(
        AppDb db, List<AcceptedCall> group, CancellationToken cancellationToken)
    {
        var created = group.Select(c => c.NewCampaign).OfType<Campaign>()
            .DistinctBy(c => (c.TeamId, c.ProjectId, c.Name))
            .OrderBy(c => c.TeamId).ThenBy(c => c.ProjectId).ThenBy(c => c.Name, StringComparer.Ordinal).ToList();
        if (created.Count == 0)
        {
            return;
        }

        await BulkWriter.InsertAsync(db, created, " ON CONFLICT DO NOTHING", cancellationToken);
        var ids = new Dictionary<(Guid, Guid, string), Guid>();
        foreach (var c in created)
        {
            ids[(c.TeamId, c.ProjectId, c.Name)] = await db.Campaigns.IgnoreQueryFilters()
                .Where(k => k.TeamId == c.TeamId && k.ProjectId == c.ProjectId && k.Name == c.Name)
                .Select(k => k.Id).FirstAsync(cancellationToken);
        }

        foreach (var call in group.Where(c => c.NewCampaign is not null))
        {
            var c = call.NewCampaign!;
            call.Send.CampaignId = ids[(c.TeamId, c.ProjectId, c.Name)];
        }
    }
}
