using System.Text.Json;
using Communique.Campaigns;
using Communique.Data;
using Communique.Rendering;
using Communique.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Communique.Sending;

// Transactional calls: each is a send of its own, most of one message. Each call asks for its team's transactional
// delivery job (Job.Key: at most one waits queued, one runs at a time), which delivers the due messages of all the
// team's transactional sends, of every channel, through the delivery loop, and completes each send in the
// transaction that saves its last outcome.
public sealed class TransactionalDeliveryJob(AppDb db, DeliveryLoop loop, IOptions<JobOptions> jobs) : IJobHandler
{
    // Sends whose preparation is kept between batches; past this many the cache starts again (a job may run for
    // hours).
    private const int KeptSends = 500;

    public async Task RunAsync(JobContext job, CancellationToken cancellationToken)
    {
        var now = db.Now;
        // A claimed message is stamped with the end of its claim's lease. One still `sending` past it was left by a
        // run that died: the transport may or may not have it; it is sent again.
        var abandoned = db.OutboundMessages.Where(m => m.Kind == SendKind.Transactional
            && m.State == MessageState.Sending && m.NextAttemptAt < now);
        if (await abandoned.AnyAsync(cancellationToken))
        {
            await abandoned.ExecuteUpdateAsync(
                u => u.SetProperty(m => m.State, MessageState.Queued), cancellationToken);
        }

        await loop.RunAsync(new Delivery(db, loop, TimeSpan.FromSeconds(jobs.Value.LeaseSeconds)), cancellationToken);
    }

    private sealed class Delivery(AppDb db, DeliveryLoop loop, TimeSpan lease) : IDeliverySource
    {
        private readonly Dictionary<Guid, PreparedSend?> _prepared = [];

        public Guid TeamId => db.Tenant.TeamId;

        // The team's next due transactional messages of sends that are sending (a paused or cancelled one keeps its
        // own), marked sending with the end of the lease as their stamp.
        public async Task<ClaimedBatch?> ClaimAsync(CancellationToken cancellationToken)
        {
            if (await SendingSuspension.IsSuspendedAsync(db, TeamId, cancellationToken))
            {
                await db.CampaignSends.Where(s => s.Kind == SendKind.Transactional && s.State == SendState.Sending)
                    .ExecuteUpdateAsync(u => u
                        .SetProperty(s => s.State, SendState.Paused)
                        .SetProperty(s => s.Error, "Paused: the team's sending is suspended by the bounce-rate guard."),
                        cancellationToken);
                return null;
            }

            if (_prepared.Count > KeptSends)
            {
                _prepared.Clear();
            }

            while (true)
            {
                var now = db.Now;
                var due = await db.OutboundMessages.AsNoTracking()
                    .Where(m => m.Kind == SendKind.Transactional && m.State == MessageState.Queued
                        && m.NextAttemptAt <= now
                        && db.CampaignSends.Any(s => s.Id == m.SendId && s.State == SendState.Sending))
                    .OrderBy(m => m.NextAttemptAt).Take(DeliveryLoop.Batch).ToListAsync(cancellationToken);
                if (due.Count == 0)
                {
                    return Claimed(due);
                }

                var unknown = due.Select(m => m.SendId).Where(id => !_prepared.ContainsKey(id)).Distinct().ToList();
                if (unknown.Count > 0)
                {
                    var sends = await db.CampaignSends.AsNoTracking().Where(s => unknown.Contains(s.Id))
                        .ToListAsync(cancellationToken);
                    foreach (var send in sends)
                    {
                        _prepared[send.Id] = await loop.PrepareAsync(send, RecordShape.Inline, cancellationToken);
                    }
                }

                // A send that could not be prepared has just failed: its messages are left as they are.
                var batch = due.Where(m => _prepared.GetValueOrDefault(m.SendId) is not null).ToList();
                if (batch.Count == 0)
                {
                    continue;
                }

                // Only the messages still queued: a run whose lease was lost, and has not noticed yet, may be
                // claiming too.
                var stamp = now.Add(lease);
                HashSet<Guid> claimed;
                await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
                {
                    claimed = await MessageStore.ClaimAsync(db, [.. batch.Select(m => m.Id)], stamp, cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                }

                batch.RemoveAll(m => !claimed.Contains(m.Id));
                if (batch.Count == 0)
                {
                    continue;
                }

                foreach (var message in batch)
                {
                    message.State = MessageState.Sending;
                    message.NextAttemptAt = stamp;
                }

                return Claimed(batch);
            }
        }

        private ClaimedBatch Claimed(List<OutboundMessage> batch) =>
            new(batch, m => _prepared[m.SendId]!, RecordOf, Last: false);

        private static Dictionary<string, object?> RecordOf(OutboundMessage message)
        {
            using var record = JsonDocument.Parse(message.RecordJson ?? "{}");
            return InlineRecord.Values(record.RootElement);
        }

        // The group's sends that have nothing left queued or in flight are completed; when the run ends, the next
        // one is asked for.
        public async Task SavingAsync(List<OutboundMessage> saved, bool ended, CancellationToken cancellationToken)
        {
            if (saved.Count > 0)
            {
                await CompleteSendsAsync(saved, cancellationToken);
            }

            if (ended)
            {
                await RequestDeferredAsync(cancellationToken);
            }
        }

        public Task SavedAsync(int count, CancellationToken cancellationToken) => Task.CompletedTask;

        private async Task CompleteSendsAsync(List<OutboundMessage> saved, CancellationToken cancellationToken)
        {
            var ids = saved.Select(m => m.SendId).Distinct().ToList();
            var pending = await db.OutboundMessages
                .Where(m => ids.Contains(m.SendId)
                    && (m.State == MessageState.Queued || m.State == MessageState.Sending))
                .Select(m => m.SendId).Distinct().ToListAsync(cancellationToken);
            var done = ids.Except(pending).ToList();
            if (done.Count > 0)
            {
                var now = db.Now;
                await db.CampaignSends.Where(s => done.Contains(s.Id) && s.State == SendState.Sending)
                    .ExecuteUpdateAsync(
                        u => u.SetProperty(s => s.State, SendState.Completed).SetProperty(s => s.EndedAt, now),
                        cancellationToken);
            }
        }

        // Nothing is due: the run ends, and the next one is asked for when the earliest deferred message is due (or
        // a message left `sending` by a run that died passes its stamp).
        private async Task RequestDeferredAsync(CancellationToken cancellationToken)
        {
            var next = await db.OutboundMessages
                .Where(m => m.Kind == SendKind.Transactional
                    && (m.State == MessageState.Queued || m.State == MessageState.Sending)
                    && db.CampaignSends.Any(s => s.Id == m.SendId && s.State == SendState.Sending))
                .MinAsync(m => (DateTime?)m.NextAttemptAt, cancellationToken);
            if (next is { } at)
            {
                await SendJobs.RequestTransactionalDeliveryAsync(db, at, cancellationToken);
            }
        }
    }
}
