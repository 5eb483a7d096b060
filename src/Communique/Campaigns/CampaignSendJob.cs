using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Communique.Assets.Storage;
using Communique.Communications;
using Communique.Data;
using Communique.DataSources;
using Communique.DataSources.Import;
using Communique.Deliverability;
using Communique.Email;
using Communique.Email.Compose;
using Communique.Email.Dkim;
using Communique.Jobs;
using Communique.Rendering;
using Communique.Reporting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Communique.Campaigns;

// Runs one send: turns the data source's records into message rows (resumable: the count of records done is saved
// with each batch of rows), then delivers queued messages in small batches. A batch is marked `sending` before it is
// handed to the mail server, so a crash leaves at most the two batches in flight to be sent again (one finishing, the
// next started beside it). Pausing or cancelling takes effect between batches. Messages the server deferred wait for
// their next attempt; the job then ends and a follow-up job is scheduled for the earliest of them.
// A team's transactional calls are delivered together by one job (CampaignSendJob.Transactional.cs).
public sealed partial class CampaignSendJob(
    AppDb db, LiquidTemplates liquid, MessageComposer composer, DkimSigning dkim, IMailTransport transport, IBlobStore blobs,
    IOptions<MailOptions> mail, IOptions<JobOptions> jobs, SendRateLimits rates) : IJobHandler
{
    public const string Kind = "campaign-send";
    public const int ExpandBatch = 1000;
    // Messages claimed at once. Each batch costs a dozen database round trips (claim, suppression, records, outcomes,
    // counters), made while the previous batch is with the mail server; with PostgreSQL, batches of 50 left the
    // connections waiting for them (the two cores 75 % busy in the campaign benchmark, 89 % with batches of 200). A
    // crash sends at most the two batches in flight again.
    public const int DeliverBatch = 200;
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromHours(24);

    private static readonly SemaphoreSlim Cores = new(Environment.ProcessorCount);

    public sealed record Payload(Guid SendId);

    // The jobs that run a send, found by their payload (written by EnqueueJob with the default options, as here).
    public static IQueryable<Job> JobsOf(AppDb db, Guid sendId)
    {
        var payload = JsonSerializer.Serialize(new Payload(sendId));
        return db.Jobs.Where(j => j.Kind == Kind && j.Payload == payload);
    }

    // A send whose job died (or was stopped) fails with the job's error instead of staying scheduled or sending.
    public async Task EndedAsync(JobContext job, JobState state, string? failure, CancellationToken cancellationToken)
    {
        if (job.Kind != Kind)
        {
            return;
        }

        var payload = JsonSerializer.Deserialize<Payload>(job.Payload!, JsonSerializerOptions.Web)!;
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
        if (job.Kind == TransactionalKind)
        {
            await DeliverTransactionalAsync(cancellationToken);
            return;
        }

        var payload = JsonSerializer.Deserialize<Payload>(job.Payload!, JsonSerializerOptions.Web)!;
        var send = await db.CampaignSends.FirstOrDefaultAsync(s => s.Id == payload.SendId, cancellationToken);
        if (send is null || send.State is not (SendState.Scheduled or SendState.Sending))
        {
            return;
        }

        // A transactional send asked for before its team's calls were delivered together: the team's job takes it.
        if (send.Kind == SendKind.Transactional)
        {
            await RequestTransactionalAsync(db, null, cancellationToken);
            return;
        }

        if (send.State == SendState.Scheduled)
        {
            send.State = SendState.Sending;
            send.StartedAt = db.Now;
            await db.SaveChangesAsync(cancellationToken);
        }

        // Messages marked sending by a run that crashed: the server may or may not have them; send them again. Looked
        // for first: an update, even of nothing, waits for SQLite's one writer.
        var crashed = db.OutboundMessages.Where(m => m.SendId == send.Id && m.State == MessageState.Sending);
        if (await crashed.AnyAsync(cancellationToken))
        {
            await crashed.ExecuteUpdateAsync(u => u.SetProperty(m => m.State, MessageState.Queued), cancellationToken);
        }

        var source = send.DataSourceId is { } sourceId
            ? await db.DataSources.AsNoTracking().FirstOrDefaultAsync(d => d.Id == sourceId, cancellationToken)
            : null;
        var schema = source is null ? [] : JsonSerializer.Deserialize<List<FieldSchema>>(source.Schema, DataImporter.Json)!;
        if (source is not null)
        {
            var expanded = send.Expanded;
            await ExpandAsync(send, schema, cancellationToken);
            await TableStatistics.RefreshAfterLoadAsync(db, "OutboundMessages", send.Expanded - expanded, cancellationToken);
        }

        await DeliverAsync(send, source, schema, job, cancellationToken);
    }

    private async Task ExpandAsync(CampaignSend send, List<FieldSchema> schema, CancellationToken cancellationToken)
    {
        var addressIndex = schema.FindIndex(f => f.Name == send.AddressField);
        var messages = new List<OutboundMessage>(ExpandBatch);
        while (send.Expanded < send.RecordCount)
        {
            var records = await db.DataRecords.AsNoTracking()
                .Where(r => r.DataSourceId == send.DataSourceId && r.Generation == send.DataSourceGeneration && r.Position >= send.Expanded)
                .OrderBy(r => r.Position).Take(ExpandBatch).Select(r => new { r.Position, r.Uuid, r.Values }).ToListAsync(cancellationToken);
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

            // The rows and the cursor that counts them commit together: a crash between batches resumes after the last one.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await MessageStore.WriteAsync(db, messages, cancellationToken);
            send.Expanded = records[^1].Position + 1;
            await db.SaveChangesAsync(cancellationToken);
            if (messages.Count(m => m.State == MessageState.Suppressed) is var invalid and > 0)
            {
                await Stats.AddAsync(db, send.TeamId, send.Id, new StatsDelta { SuppressedInvalid = invalid }, cancellationToken);
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
        return index < array.GetArrayLength() && array[index].ValueKind == JsonValueKind.String ? array[index].GetString() : null;
    }

    // What every message of a send is made with; null when an attachment of the email is gone (the send then fails).
    // The DKIM keys found so far may be given by domain (a run over many sends of the same senders).
    private async Task<Making?> MakingForAsync(
        CampaignSend send, DataSource? source, List<FieldSchema> schema, CancellationToken cancellationToken, Dictionary<string, DkimKey?>? keys = null)
    {
        var content = JsonSerializer.Deserialize<EmailContent>(send.Content, JsonSerializerOptions.Web)!;
        if (send.SubjectOverride is not null)
        {
            content = content with { Subject = send.SubjectOverride };
        }

        if (await MailAttachments.LoadAsync(db, blobs, content.Attachments, cancellationToken) is not { } attachments)
        {
            await db.CampaignSends.Where(s => s.Id == send.Id && s.State == SendState.Sending).ExecuteUpdateAsync(u => u
                .SetProperty(s => s.State, SendState.Failed)
                .SetProperty(s => s.Error, "An attachment of the email was deleted after the send was asked for.")
                .SetProperty(s => s.EndedAt, db.Now), cancellationToken);
            return null;
        }

        var email = composer.Prepare(content) with { Attachments = attachments };
        var locale = source?.Locale ?? "en-US";
        var from = new MailboxAddress(send.SenderName ?? "", send.SenderAddress);
        var replyTo = send.ReplyTo is null ? null : MailboxAddress.Parse(send.ReplyTo);
        var domain = DkimKeysApi.NormalizeDomain(from.Domain);
        DkimKey? key;
        if (keys is not null && domain is not null && keys.TryGetValue(domain, out var known))
        {
            key = known;
        }
        else
        {
            key = await db.DkimKeys.AsNoTracking().Where(k => k.Domain == domain)
                .OrderByDescending(k => k.CreatedAt).FirstOrDefaultAsync(cancellationToken);
            if (keys is not null && domain is not null)
            {
                keys[domain] = key;
            }
        }

        return new Making(
            email, schema, DataStandard.For(locale), CultureInfo.GetCultureInfo(locale), EmailRenderer.FormatsOf(schema), send, key, from, replyTo);
    }

    private async Task DeliverAsync(CampaignSend send, DataSource? source, List<FieldSchema> schema, JobContext job, CancellationToken cancellationToken)
    {
        if (await MakingForAsync(send, source, schema, cancellationToken) is not { } making)
        {
            return;
        }

        // Progress from counts taken once: counting the send's messages after every batch would read them all each time.
        var total = Math.Max(1, await db.OutboundMessages.CountAsync(m => m.SendId == send.Id, cancellationToken));
        var done = await db.OutboundMessages.CountAsync(m => m.SendId == send.Id && m.State != MessageState.Queued, cancellationToken);
        // Two batches at a time: the next is claimed and queued for delivery while the previous one's last messages are
        // still with the mail server, then the previous one's outcomes are saved; the SMTP connections never wait for
        // the database between batches. The slots bound the messages being made or delivered at once across both.
        using var slots = new SemaphoreSlim(mail.Value.SendParallelism);
        InFlight? previous = null;
        try
        {
            while (true)
            {
                var state = await db.CampaignSends.AsNoTracking().Where(s => s.Id == send.Id).Select(s => s.State).FirstAsync(cancellationToken);
                if (state != SendState.Sending)
                {
                    return;
                }

                // The bounce-rate guard suspended the team: the send pauses where it is; resuming it waits for the lift.
                if (await BounceGuard.IsSuspendedAsync(db, send.TeamId, cancellationToken))
                {
                    await db.CampaignSends.Where(s => s.Id == send.Id && s.State == SendState.Sending).ExecuteUpdateAsync(u => u
                        .SetProperty(s => s.State, SendState.Paused)
                        .SetProperty(s => s.Error, "Paused: the team's sending is suspended by the bounce-rate guard."), cancellationToken);
                    return;
                }

                var batch = await ClaimAsync(send, making, cancellationToken);
                if (batch.Count == 0)
                {
                    if (previous is { } last)
                    {
                        previous = null;
                        done += await CompleteAsync(send.TeamId, last, null, cancellationToken);
                        await job.ReportAsync((int)(done * 100L / total), null, cancellationToken);
                        continue;
                    }

                    await FinishOrWaitAsync(send, cancellationToken);
                    return;
                }

                var positions = batch.Select(m => m.Position).ToList();
                var records = send.DataSourceId is null ? [] : await db.DataRecords.AsNoTracking()
                    .Where(r => r.DataSourceId == send.DataSourceId && r.Generation == send.DataSourceGeneration && positions.Contains(r.Position))
                    .ToDictionaryAsync(r => r.Position, r => r.Values, cancellationToken);
                var delivery = DeliverBatchAsync(batch, slots, _ => making, m => records.GetValueOrDefault(m.Position), cancellationToken);

                var older = previous;
                previous = new InFlight(batch, delivery);
                if (older is not null)
                {
                    done += await CompleteAsync(send.TeamId, older, null, cancellationToken);
                    await job.ReportAsync((int)(done * 100L / total), null, cancellationToken);
                }

                // A short batch took every message that was due: nothing to claim beside it (a single-recipient send
                // ends here without another round of queries).
                if (batch.Count < DeliverBatch)
                {
                    var last = previous;
                    previous = null;
                    await CompleteAsync(send.TeamId, last, () => FinishOrWaitAsync(send, cancellationToken), cancellationToken);
                    return;
                }
            }
        }
        finally
        {
            // Leaving between batches (paused, cancelled, suspended): the batch still with the mail server is finished
            // and saved. On a failure its messages stay `sending` and are sent again by the next run.
            if (previous is not null && !cancellationToken.IsCancellationRequested)
            {
                await CompleteAsync(send.TeamId, previous, null, cancellationToken);
            }
        }
    }

    private sealed record InFlight(List<OutboundMessage> Batch, Task Delivery);

    // Delivers the batch's messages marked sending, each holding one of the slots while it is made and handed over. The
    // making and the record of each are looked up at once, before any waits.
    private Task DeliverBatchAsync(
        List<OutboundMessage> batch, SemaphoreSlim slots, Func<OutboundMessage, Making> makingOf, Func<OutboundMessage, string?> valuesOf,
        CancellationToken cancellationToken) =>
        Task.WhenAll(batch.Where(m => m.State == MessageState.Sending).Select(async message =>
        {
            var (making, values) = (makingOf(message), valuesOf(message));
            await slots.WaitAsync(cancellationToken);
            try
            {
                await DeliverOneAsync(message, values, making, cancellationToken);
            }
            finally
            {
                slots.Release();
            }
        }));

    // The next due messages, marked sending (a crash sends them again), with the suppression rules applied for the whole
    // batch at once (the reason is kept on the message).
    private async Task<List<OutboundMessage>> ClaimAsync(CampaignSend send, Making making, CancellationToken cancellationToken)
    {
        var now = db.Now;
        // Due messages in the order of the index: the earliest due first, then the data source's order.
        var batch = await db.OutboundMessages.AsNoTracking()
            .Where(m => m.SendId == send.Id && m.State == MessageState.Queued && m.NextAttemptAt <= now)
            .OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Position).Take(DeliverBatch).ToListAsync(cancellationToken);
        if (batch.Count == 0)
        {
            return batch;
        }

        // By primary key alone: the rows were just read through the team's filter, and with the team's condition
        // beside the keys SQLite chose the team's index and read every message of the team for each batch
        // (14 ms a batch at 30,000 messages, growing with the table).
        var ids = batch.Select(m => m.Id).ToList();
        await db.OutboundMessages.IgnoreQueryFilters().Where(m => ids.Contains(m.Id)).ExecuteUpdateAsync(
            u => u.SetProperty(m => m.State, MessageState.Sending).SetProperty(m => m.Attempts, m => m.Attempts + 1), cancellationToken);
        foreach (var message in batch)
        {
            message.State = MessageState.Sending;
            message.Attempts++;
        }

        await SuppressAsync(send.TeamId, making.Category, batch, cancellationToken);
        return batch;
    }

    // The suppression rules for claimed messages of one unsubscribe category: a suppressed one keeps its reason, and is
    // final without the attempt its claim counted (it never reaches a relay); the outcomes save both.
    private async Task SuppressAsync(Guid team, string category, IEnumerable<OutboundMessage> claimed, CancellationToken cancellationToken)
    {
        var messages = claimed.ToList();
        var suppressed = await Suppression.ReasonsAsync(db, team, category, messages.Select(m => m.Address).ToList(), cancellationToken);
        foreach (var message in messages)
        {
            if (suppressed.TryGetValue(message.Address, out var reason))
            {
                message.State = MessageState.Suppressed;
                message.SuppressionReason = reason;
                message.Attempts--;
            }
        }
    }

    // Waits for a batch's deliveries and saves their outcomes with their sends' counters; returns the messages done.
    // Then, in the same transaction, whatever the caller finishes with them (a send's last batch completes the send or
    // schedules its next run: a single-recipient send saves a commit).
    private async Task<int> CompleteAsync(Guid team, InFlight inFlight, Func<Task>? andThen, CancellationToken cancellationToken)
    {
        await inFlight.Delivery;
        var batch = inFlight.Batch;

        // A permanent refusal is a hard bounce: the address joins the global list with the server's reply.
        var refused = batch.Where(m => m.State == MessageState.Failed && m.LastReply is not null && IsPermanentReply(m.LastReply)).ToList();
        await Suppression.RecordHardBouncesAsync(db, [.. refused.Select(m => (m.Address, m.LastReply!))], cancellationToken);
        var bounced = refused.Count;
        var sent = batch.Count(m => m.State == MessageState.Sent);
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            await MessageStore.WriteOutcomesAsync(db, batch, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            foreach (var messages in batch.GroupBy(m => m.SendId))
            {
                await Stats.AddAsync(db, team, messages.Key, new StatsDelta
                {
                    Sent = messages.Count(m => m.State == MessageState.Sent),
                    Failed = messages.Count(m => m.State == MessageState.Failed),
                    RefusedHard = refused.Count(m => m.SendId == messages.Key),
                    SuppressedHardBounce = messages.Count(m => m.SuppressionReason == Suppression.HardBounced),
                    SuppressedUnsubscribed = messages.Count(m => m.SuppressionReason == Suppression.Unsubscribed),
                    SuppressedBlacklisted = messages.Count(m => m.SuppressionReason == Suppression.DomainBlacklisted),
                }, cancellationToken);
            }

            await BounceGuard.CountAsync(db, team, sent, bounced, cancellationToken);
            if (andThen is not null)
            {
                await andThen();
            }

            await transaction.CommitAsync(cancellationToken);
        }

        db.ChangeTracker.Clear();
        if (bounced > 0)
        {
            await BounceGuard.JudgeAsync(db, team, cancellationToken);
        }

        return batch.Count(m => m.State != MessageState.Queued);
    }

    // A reply of the relay that refused the message for good (5xx), as opposed to a message that failed before delivery
    // (not rendered) or ran out of retries.
    private static bool IsPermanentReply(string reply) => reply.Length >= 3 && reply[0] == '5' && char.IsAsciiDigit(reply[1]) && char.IsAsciiDigit(reply[2]);

    // What every message of a send is made with.
    private sealed record Making(
        PreparedEmail Email, List<FieldSchema> Schema, DataStandard Standard, CultureInfo Culture, Dictionary<string, FieldFormat> Formats,
        CampaignSend Send, DkimKey? Key, MailboxAddress From, MailboxAddress? ReplyTo)
    {
        // The email's unsubscribe category: what an unsubscribe from one of its messages applies to.
        public string Category => string.IsNullOrWhiteSpace(Email.Content.UnsubscribeCategory)
            ? UnsubscribePage.DefaultCategory : Email.Content.UnsubscribeCategory.Trim();
    }

    private async Task<MimeMessage?> MakeAsync(
        OutboundMessage message, string? values, Envelope envelope, Making making, CancellationToken cancellationToken)
    {
        var (email, schema, standard, culture, formats, send, key, _, _) = making;
        var links = composer.LinksFor(message.Id);
        Dictionary<string, object?> record;
        if (message.RecordJson is not null)
        {
            using var inline = JsonDocument.Parse(message.RecordJson);
            record = EmailRenderer.FromJson(inline.RootElement);
        }
        else if (values is null)
        {
            record = new Dictionary<string, object?>(StringComparer.Ordinal);
        }
        else
        {
            using var parsed = JsonDocument.Parse(values);
            record = RecordValues.Typed(schema, parsed.RootElement, standard);
        }

        record[MessageLinks.UnsubscribeField] = links.UnsubscribeUrl;
        var (rendered, failure, part) = await EmailRenderer.RenderAsync(liquid, email.Content, record, culture, formats, send.IgnoreMissingFields, cancellationToken);
        if (rendered is null)
        {
            message.State = MessageState.Failed;
            message.LastReply = $"not rendered: the {part} failed: {failure!.Message}";
            return null;
        }

        if (email.TidyText)
        {
            rendered = rendered with { Text = EmailRenderer.Tidy(rendered.Text) };
        }

        MimeMessage mime;
        try
        {
            mime = composer.Compose(envelope, rendered, links, send.Tracking, email.InlineCss, email.Attachments);
        }
        catch (RegexMatchTimeoutException)
        {
            message.State = MessageState.Failed;
            message.LastReply = "not composed: its HTML took too long to read for links";
            return null;
        }

        if (key is not null)
        {
            dkim.Sign(mime, key);
        }

        return mime;
    }

    private async Task DeliverOneAsync(OutboundMessage message, string? values, Making making, CancellationToken cancellationToken)
    {
        var send = making.Send;
        var envelope = new Envelope(making.From, new MailboxAddress("", message.Address), making.ReplyTo);
        // Making a message is the CPU-bound part (rendering, MIME, the DKIM signature): one per core at a time across
        // every send of the process, so that the messages waiting on a mail server's reply do not crowd the cores.
        MimeMessage? mime;
        await Cores.WaitAsync(cancellationToken);
        try
        {
            mime = await MakeAsync(message, values, envelope, making, cancellationToken);
        }
        finally
        {
            Cores.Release();
        }

        if (mime is null)
        {
            return;
        }

        await rates.WaitAsync(send.TeamId, message.Address, cancellationToken);
        var result = await transport.SendAsync(mime, cancellationToken);
        message.LastReply = result.Reply is { Length: > 1000 } reply ? reply[..1000] : result.Reply;
        message.MessageIdHeader = mime.MessageId;
        switch (result.Outcome)
        {
            case DeliveryOutcome.Accepted:
                message.State = MessageState.Sent;
                message.SentAt = db.Now;
                break;
            case DeliveryOutcome.PermanentFailure:
                message.State = MessageState.Failed;
                break;
            default:
                var retryAt = db.Now + Backoff(message.Attempts);
                message.State = retryAt - message.CreatedAt > GiveUpAfter ? MessageState.Failed : MessageState.Queued;
                message.NextAttemptAt = retryAt;
                break;
        }
    }

    // 1, 2, 4 ... minutes, at most an hour between attempts.
    public static TimeSpan Backoff(int attempts) => TimeSpan.FromMinutes(Math.Min(60, Math.Pow(2, Math.Max(0, attempts - 1))));

    private async Task FinishOrWaitAsync(CampaignSend send, CancellationToken cancellationToken)
    {
        var next = await db.OutboundMessages.Where(m => m.SendId == send.Id && m.State == MessageState.Queued)
            .OrderBy(m => m.NextAttemptAt).Select(m => (DateTime?)m.NextAttemptAt).FirstOrDefaultAsync(cancellationToken);
        if (next is not null)
        {
            db.EnqueueJob(Kind, new Payload(send.Id), runAfter: next);
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        await db.CampaignSends.Where(s => s.Id == send.Id && s.State == SendState.Sending)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.State, SendState.Completed).SetProperty(s => s.EndedAt, db.Now), cancellationToken);
    }
}
