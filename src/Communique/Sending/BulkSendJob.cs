using System.Text.Json;
using Communique.Campaigns;
using Communique.Data;
using Communique.DataSources;
using Communique.DataSources.Import;
using Communique.Jobs;
using Microsoft.EntityFrameworkCore;

namespace Communique.Sending;

// Runs one bulk send: turns the data source's records into message rows (resumable: the count of records done is
// saved with each batch of rows), then delivers the queued messages through the delivery loop. Pausing or cancelling
// takes effect between batches. Messages the transport deferred wait for their next attempt; the job then ends and a
// follow-up job is scheduled for the earliest of them.
public sealed class BulkSendJob(AppDb db, DeliveryLoop loop, ChannelPlugins channels) : IJobHandler
{
    public const int ExpandBatch = 1000;

    // A send whose job died (or was stopped) fails with the job's error instead of staying scheduled or sending.
    public async Task EndedAsync(JobContext job, JobState state, string? failure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var payload = JsonSerializer.Deserialize<SendJobs.BulkSendPayload>(job.Payload!, JsonSerializerOptions.Web)!;
        var reason = state == JobState.Cancelled
            ? "The send's job was cancelled."
            : $"The send's job failed: {failure}";
        await db.CampaignSends
            .Where(s => s.Id == payload.SendId && (s.State == SendState.Scheduled || s.State == SendState.Sending))
            .ExecuteUpdateAsync(u => u
                .SetProperty(s => s.State, SendState.Failed)
                .SetProperty(s => s.Error, reason.Length > 2000 ? reason[..2000] : reason)
                .SetProperty(s => s.EndedAt, db.Now), cancellationToken);
    }

    public async Task RunAsync(JobContext job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var payload = JsonSerializer.Deserialize<SendJobs.BulkSendPayload>(job.Payload!, JsonSerializerOptions.Web)!;
        var send = await db.CampaignSends.FirstOrDefaultAsync(s => s.Id == payload.SendId, cancellationToken);
        if (send is null || send.State is not (SendState.Scheduled or SendState.Sending))
        {
            return;
        }

        // A transactional send asked for before its team's calls were delivered together: the team's job takes it.
        if (send.Kind == SendKind.Transactional)
        {
            await SendJobs.RequestTransactionalDeliveryAsync(db, null, cancellationToken);
            return;
        }

        if (send.State == SendState.Scheduled)
        {
            send.State = SendState.Sending;
            send.StartedAt = db.Now;
            await db.SaveChangesAsync(cancellationToken);
        }

        // Messages marked sending by a run that crashed: the transport may or may not have them; send them again.
        // Looked for first: an update, even of nothing, waits for SQLite's one writer.
        var crashed = db.OutboundMessages.Where(m => m.SendId == send.Id && m.State == MessageState.Sending);
        if (await crashed.AnyAsync(cancellationToken))
        {
            await crashed.ExecuteUpdateAsync(u => u.SetProperty(m => m.State, MessageState.Queued), cancellationToken);
        }

        var source = await db.DataSources.AsNoTracking()
            .FirstOrDefaultAsync(d => d.Id == send.DataSourceId, cancellationToken);
        var schema = source is null
            ? []
            : JsonSerializer.Deserialize<List<FieldSchema>>(source.Schema, DataImporter.Json)!;
        if (channels.ExpansionOf(send.Channel) is { } expansion)
        {
            var expanded = send.Expanded;
            await expansion.ExpandAsync(send, schema, cancellationToken);
            await TableStatistics.RefreshAfterLoadAsync(
                db, "OutboundMessages", send.Expanded - expanded, cancellationToken);
        }
        else if (source is not null)
        {
            var expanded = send.Expanded;
            await ExpandAsync(send, schema, cancellationToken);
            await TableStatistics.RefreshAfterLoadAsync(
                db, "OutboundMessages", send.Expanded - expanded, cancellationToken);
        }

        var shape = new RecordShape(schema, source?.Locale ?? "en-US");
        if (await loop.PrepareAsync(send, shape, cancellationToken) is not { } prepared)
        {
            return;
        }

        // Progress from counts taken once: counting the send's messages after every batch would read them all each
        // time.
        var total = Math.Max(1, await db.OutboundMessages.CountAsync(m => m.SendId == send.Id, cancellationToken));
        var done = await db.OutboundMessages
            .CountAsync(m => m.SendId == send.Id && m.State != MessageState.Queued, cancellationToken);
        await loop.RunAsync(new Delivery(db, send, prepared, shape, job, total, done), cancellationToken);
    }

    private async Task ExpandAsync(CampaignSend send, List<FieldSchema> schema, CancellationToken cancellationToken)
    {
        var addressIndex = schema.FindIndex(f => f.Name == send.AddressField);
        var messages = new List<OutboundMessage>(ExpandBatch);
        while (send.Expanded < send.RecordCount)
        {
            var records = await db.DataRecords.AsNoTracking()
                .Where(r => r.DataSourceId == send.DataSourceId && r.Generation == send.DataSourceGeneration
                    && r.Position >= send.Expanded)
                .OrderBy(r => r.Position).Take(ExpandBatch).Select(r => new { r.Position, r.Uuid, r.Values })
                .ToListAsync(cancellationToken);
            if (records.Count == 0)
            {
                send.RecordCount = send.Expanded;
                await db.SaveChangesAsync(cancellationToken);
                break;
            }

            messages.Clear();
            var now = db.Now;
            foreach (var record in records)
            {
                var message = OutboundMessage.To(send, record.Position, AddressIn(record.Values, addressIndex), now);
                message.RecordUuid = record.Uuid;
                messages.Add(message);
            }

            // The rows and the cursor that counts them commit together: a crash between batches resumes after the
            // last one.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await MessageStore.WriteAsync(db, messages, cancellationToken);
            send.Expanded = records[^1].Position + 1;
            await db.SaveChangesAsync(cancellationToken);
            if (messages.Count(m => m.State == MessageState.Suppressed) is var invalid and > 0)
            {
                await Stats.AddAsync(
                    db, send.TeamId, send.Id, new StatsDelta { SuppressedInvalid = invalid }, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
    }

    private static string? AddressIn(string values, int index)
    {
        if (index < 0)
        {
            return null;
        }

        using var parsed = JsonDocument.Parse(values);
        var array = parsed.RootElement;
        return index < array.GetArrayLength() && array[index].ValueKind == JsonValueKind.String
            ? array[index].GetString()
            : null;
    }

    // One send's due messages, in the order of the index: the earliest due first, then the data source's order.
    private sealed class Delivery(
        AppDb db, CampaignSend send, PreparedSend prepared, RecordShape shape, JobContext job, int total, int done)
        : IDeliverySource
    {
        private readonly DataStandard _standard = DataStandard.For(shape.Locale);
        private int _done = done;
        private int _reported = done;

        public Guid TeamId => send.TeamId;

        public async Task<ClaimedBatch?> ClaimAsync(CancellationToken cancellationToken)
        {
            var state = await db.CampaignSends.AsNoTracking().Where(s => s.Id == send.Id).Select(s => s.State)
                .FirstAsync(cancellationToken);
            if (state != SendState.Sending)
            {
                return null;
            }

            // The bounce-rate guard suspended the team: the send pauses where it is; resuming it waits for the lift.
            if (await SendingSuspension.IsSuspendedAsync(db, send.TeamId, cancellationToken))
            {
                await db.CampaignSends.Where(s => s.Id == send.Id && s.State == SendState.Sending)
                    .ExecuteUpdateAsync(u => u
                        .SetProperty(s => s.State, SendState.Paused)
                        .SetProperty(s => s.Error, "Paused: the team's sending is suspended by the bounce-rate guard."),
                        cancellationToken);
                return null;
            }

            var now = db.Now;
            var batch = await db.OutboundMessages.AsNoTracking()
                .Where(m => m.SendId == send.Id && m.State == MessageState.Queued && m.NextAttemptAt <= now)
                .OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Position).Take(DeliveryLoop.Batch)
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return new ClaimedBatch(batch, _ => prepared, _ => [], Last: true);
            }

            // By primary key alone: the rows were just read through the team's filter, and with the team's condition
            // beside the keys SQLite chose the team's index and read every message of the team for each batch.
            // Marked sending only: an attempt is counted when the message is handed over.
            var ids = batch.Select(m => m.Id).ToList();
            await db.OutboundMessages.IgnoreQueryFilters().Where(m => ids.Contains(m.Id)).ExecuteUpdateAsync(
                u => u.SetProperty(m => m.State, MessageState.Sending), cancellationToken);
            // A send without a data source (a push send to a segment) has no records to read.
            var positions = batch.Select(m => m.Position).ToList();
            var records = send.DataSourceId is null
                ? []
                : await db.DataRecords.AsNoTracking()
                    .Where(r => r.DataSourceId == send.DataSourceId && r.Generation == send.DataSourceGeneration
                        && positions.Contains(r.Position))
                    .ToDictionaryAsync(r => r.Position, r => r.Values, cancellationToken);
            foreach (var message in batch)
            {
                message.State = MessageState.Sending;
            }

            // A short batch took every message that was due: nothing to claim beside it (a single-recipient send
            // ends without another round of queries).
            return new ClaimedBatch(
                batch, _ => prepared, m => RecordOf(records.GetValueOrDefault(m.Position)),
                Last: batch.Count < DeliveryLoop.Batch);
        }

        private Dictionary<string, object?> RecordOf(string? values)
        {
            if (values is null)
            {
                return new Dictionary<string, object?>(StringComparer.Ordinal);
            }

            using var parsed = JsonDocument.Parse(values);
            return RecordValues.Typed(shape.Schema, parsed.RootElement, _standard);
        }

        // The send's last outcomes complete it or schedule its next run, in their transaction.
        public async Task SavingAsync(List<OutboundMessage> saved, bool ended, CancellationToken cancellationToken)
        {
            if (ended)
            {
                await FinishOrWaitAsync(cancellationToken);
            }
        }

        public async Task SavedAsync(int count, CancellationToken cancellationToken)
        {
            _done += count;
            if (_done - _reported >= DeliveryLoop.Batch)
            {
                _reported = _done;
                await job.ReportAsync((int)(_done * 100L / total), null, cancellationToken);
            }
        }

        private async Task FinishOrWaitAsync(CancellationToken cancellationToken)
        {
            var next = await db.OutboundMessages.Where(m => m.SendId == send.Id && m.State == MessageState.Queued)
                .OrderBy(m => m.NextAttemptAt).Select(m => (DateTime?)m.NextAttemptAt)
                .FirstOrDefaultAsync(cancellationToken);
            if (next is not null)
            {
                db.EnqueueJob(SendJobs.BulkSend, new SendJobs.BulkSendPayload(send.Id), runAfter: next);
                await db.SaveChangesAsync(cancellationToken);
                return;
            }

            await db.CampaignSends.Where(s => s.Id == send.Id && s.State == SendState.Sending).ExecuteUpdateAsync(
                u => u.SetProperty(s => s.State, SendState.Completed).SetProperty(s => s.EndedAt, db.Now),
                cancellationToken);
        }
    }
}
