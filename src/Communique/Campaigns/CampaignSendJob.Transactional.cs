using Communique.Data;
using Communique.Deliverability;
using Communique.Email.Dkim;
using Communique.Jobs;
using Microsoft.EntityFrameworkCore;

namespace Communique.Campaigns;

// Transactional calls: each is a send of its own, most of one message. A job per call paid the job's claim, the send's
// loading, counting and completion and four commits for every message, so delivery trailed the API by far. Instead each
// call asks for its team's transactional delivery job (Job.Key: at most one waits queued, one runs at a time), which
// delivers the due messages of all the team's transactional sends in batches as a bulk send does, two batches in flight,
// and completes each send in the transaction that saves its last outcome.
public sealed partial class CampaignSendJob
{
    public const string TransactionalKind = "transactional-delivery";

    // Sends whose making is kept between batches; past this many the cache starts again (a job may run for hours).
    private const int KeptMakings = 500;

    // Asks for the team's transactional delivery, now or at runAfter; in the caller's transaction.
    public static Task RequestTransactionalAsync(AppDb db, DateTime? runAfter, CancellationToken cancellationToken) =>
        db.EnqueueOnceAsync(TransactionalKind, $"{TransactionalKind}:{db.Tenant.TeamId:N}", runAfter, maxAttempts: 10, cancellationToken);

    private async Task DeliverTransactionalAsync(CancellationToken cancellationToken)
    {
        var team = db.Tenant.TeamId;
        var now = db.Now;
        // A claimed message is stamped with the end of its claim's lease. One still `sending` past it was left by a run
        // that died: the mail server may or may not have it; it is sent again.
        var abandoned = db.OutboundMessages.Where(m => m.Kind == SendKind.Transactional && m.State == MessageState.Sending && m.NextAttemptAt < now);
        if (await abandoned.AnyAsync(cancellationToken))
        {
            await abandoned.ExecuteUpdateAsync(u => u.SetProperty(m => m.State, MessageState.Queued), cancellationToken);
        }

        var makings = new Dictionary<Guid, Making?>();
        var keys = new Dictionary<string, DkimKey?>(StringComparer.Ordinal);
        using var slots = new SemaphoreSlim(mail.Value.SendParallelism);
        InFlight? previous = null;
        try
        {
            while (true)
            {
                if (await BounceGuard.IsSuspendedAsync(db, team, cancellationToken))
                {
                    await db.CampaignSends.Where(s => s.Kind == SendKind.Transactional && s.State == SendState.Sending).ExecuteUpdateAsync(u => u
                        .SetProperty(s => s.State, SendState.Paused)
                        .SetProperty(s => s.Error, "Paused: the team's sending is suspended by the bounce-rate guard."), cancellationToken);
                    return;
                }

                if (makings.Count > KeptMakings)
                {
                    makings.Clear();
                    keys.Clear();
                }

                var batch = await ClaimTransactionalAsync(makings, keys, cancellationToken);
                if (batch.Count == 0)
                {
                    if (previous is { } last)
                    {
                        previous = null;
                        await CompleteAsync(team, last, () => CompleteSendsAsync(last.Batch, cancellationToken), cancellationToken);
                        continue;
                    }

                    await RequestDeferredAsync(cancellationToken);
                    return;
                }

                var delivery = DeliverBatchAsync(batch, slots, m => makings[m.SendId]!, _ => null, cancellationToken);

                var older = previous;
                previous = new InFlight(batch, delivery);
                if (older is not null)
                {
                    await CompleteAsync(team, older, () => CompleteSendsAsync(older.Batch, cancellationToken), cancellationToken);
                }
            }
        }
        finally
        {
            if (previous is not null && !cancellationToken.IsCancellationRequested)
            {
                var last = previous;
                await CompleteAsync(team, last, () => CompleteSendsAsync(last.Batch, cancellationToken), cancellationToken);
            }
        }
    }

    // The team's next due transactional messages of sends that are sending (a paused or cancelled one keeps its own),
    // marked sending with the end of the lease as their stamp, the suppression rules applied as in a bulk batch.
    private async Task<List<OutboundMessage>> ClaimTransactionalAsync(
        Dictionary<Guid, Making?> makings, Dictionary<string, DkimKey?> keys, CancellationToken cancellationToken)
    {
        while (true)
        {
            var now = db.Now;
            var due = await db.OutboundMessages.AsNoTracking()
                .Where(m => m.Kind == SendKind.Transactional && m.State == MessageState.Queued && m.NextAttemptAt <= now
                    && db.CampaignSends.Any(s => s.Id == m.SendId && s.State == SendState.Sending))
                .OrderBy(m => m.NextAttemptAt).Take(DeliverBatch).ToListAsync(cancellationToken);
            if (due.Count == 0)
            {
                return due;
            }

            var unknown = due.Select(m => m.SendId).Where(id => !makings.ContainsKey(id)).Distinct().ToList();
            if (unknown.Count > 0)
            {
                foreach (var send in await db.CampaignSends.AsNoTracking().Where(s => unknown.Contains(s.Id)).ToListAsync(cancellationToken))
                {
                    makings[send.Id] = await MakingForAsync(send, null, [], cancellationToken, keys);
                }
            }

            // A send whose email lost an attachment has just failed: its messages are left as they are.
            var batch = due.Where(m => makings.GetValueOrDefault(m.SendId) is not null).ToList();
            if (batch.Count == 0)
            {
                continue;
            }

            // Only the messages still queued: a run whose lease was lost, and has not noticed yet, may be claiming too.
            var stamp = now.AddSeconds(jobs.Value.LeaseSeconds);
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
                message.Attempts++;
                message.NextAttemptAt = stamp;
            }

            foreach (var messages in batch.GroupBy(m => makings[m.SendId]!.Category))
            {
                await SuppressAsync(db.Tenant.TeamId, messages.Key, messages, cancellationToken);
            }

            return batch;
        }
    }

    // In the transaction of a batch's outcomes: its sends that have nothing left queued or in flight are completed.
    private async Task CompleteSendsAsync(List<OutboundMessage> batch, CancellationToken cancellationToken)
    {
        var ids = batch.Select(m => m.SendId).Distinct().ToList();
        var pending = await db.OutboundMessages
            .Where(m => ids.Contains(m.SendId) && (m.State == MessageState.Queued || m.State == MessageState.Sending))
            .Select(m => m.SendId).Distinct().ToListAsync(cancellationToken);
        var done = ids.Except(pending).ToList();
        if (done.Count > 0)
        {
            var now = db.Now;
            await db.CampaignSends.Where(s => done.Contains(s.Id) && s.State == SendState.Sending)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.State, SendState.Completed).SetProperty(s => s.EndedAt, now), cancellationToken);
        }
    }

    // Nothing is due: the run ends, and the next one is asked for when the earliest deferred message is due (or a
    // message left `sending` by a run that died passes its stamp).
    private async Task RequestDeferredAsync(CancellationToken cancellationToken)
    {
        var next = await db.OutboundMessages
            .Where(m => m.Kind == SendKind.Transactional && (m.State == MessageState.Queued || m.State == MessageState.Sending)
                && db.CampaignSends.Any(s => s.Id == m.SendId && s.State == SendState.Sending))
            .MinAsync(m => (DateTime?)m.NextAttemptAt, cancellationToken);
        if (next is { } at)
        {
            await RequestTransactionalAsync(db, at, cancellationToken);
        }
    }
}
