using System.Threading.Channels;
using Communique.Campaigns;
using Communique.Data;
using Communique.Deliverability;
using Microsoft.EntityFrameworkCore;

namespace Communique.Sending;

// The one delivery loop of every channel, bulk and transactional: claim a batch → suppress → render → archive
// hook → hand to the transport → record outcomes. Two batches are in flight at a time: the next is claimed while
// the previous one's last messages are with the transport, so the connections never wait for the database between
// batches. A message keeps its connection's slot until its outcome is saved; outcomes are saved as they come, a
// group per commit (what arrived while the previous commit ran). So a crash leaves at most one delivered but unsaved
// message per open connection, sent again by the next run.
public sealed class DeliveryLoop(AppDb db, ChannelPlugins channels, IMessageArchive archive, OutcomeWriter writer)
{
    public const int Batch = 200;
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromHours(24);

    // Making a message is the CPU-bound part (rendering, the channel's encoding and signature): one per core at a time
    // across every run of the process, so that messages waiting on a transport's answer do not crowd the cores.
    private static readonly SemaphoreSlim Cores = new(Environment.ProcessorCount);

    private readonly Dictionary<Communications.Channel, Slots> _slots = [];

    // 1, 2, 4 ... minutes after the last hand-over, at most an hour between attempts.
    public static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromMinutes(Math.Min(60, Math.Pow(2, Math.Max(0, attempts - 1))));

    // What every message of the send is made with; null when the send cannot be made (it has then failed).
    public async Task<PreparedSend?> PrepareAsync(
        CampaignSend send, RecordShape shape, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(send);
        var (prepared, failure) = await channels.RendererOf(send.Channel).PrepareAsync(send, shape, cancellationToken);
        if (prepared is null)
        {
            var error = failure ?? "The send could not be prepared.";
            await db.CampaignSends.Where(s => s.Id == send.Id && s.State == SendState.Sending).ExecuteUpdateAsync(u => u
                .SetProperty(s => s.State, SendState.Failed)
                .SetProperty(s => s.Error, error.Length > 2000 ? error[..2000] : error)
                .SetProperty(s => s.EndedAt, db.Now), cancellationToken);
        }

        return prepared;
    }

    public async Task RunAsync(IDeliverySource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var outcomes = new Outcomes();
        var unsaved = 0;
        var (stopped, last, drained) = (false, false, false);
        var group = new List<Outcome>();
        try
        {
            while (true)
            {
                // Up to two batches in flight; after a claim that found nothing, one more claim per saved group.
                if (!stopped && !last && !drained && unsaved <= Batch)
                {
                    var claimed = await source.ClaimAsync(cancellationToken);
                    if (claimed is null)
                    {
                        stopped = true;
                    }
                    else if (claimed.Messages.Count == 0)
                    {
                        drained = true;
                    }
                    else
                    {
                        unsaved += claimed.Messages.Count;
                        last = claimed.Last;
                        await StartAsync(source.TeamId, claimed, outcomes, cancellationToken);
                        continue;
                    }
                }

                if (unsaved == 0)
                {
                    if (!stopped)
                    {
                        await source.SavingAsync([], ended: true, cancellationToken);
                    }

                    return;
                }

                group.Clear();
                await outcomes.TakeAsync(group, cancellationToken);
                unsaved -= group.Count;
                var ended = unsaved == 0 && last && !stopped;
                await writer.WriteAsync(
                    source.TeamId, group, saved => source.SavingAsync(saved, ended, cancellationToken),
                    cancellationToken);
                outcomes.Saved();
                await source.SavedAsync(group.Count, cancellationToken);
                drained = false;
                if (ended)
                {
                    return;
                }
            }
        }
        finally
        {
            outcomes.Abandon();
        }
    }

    // Suppression for the whole batch at once (a suppressed message keeps its reason and is final without a
    // hand-over), then every other message on its way.
    private async Task StartAsync(
        Guid team, ClaimedBatch claimed, Outcomes outcomes, CancellationToken cancellationToken)
    {
        foreach (var category in claimed.Messages.GroupBy(m => claimed.PreparedOf(m).Category))
        {
            var addresses = category.Select(m => m.Address).ToList();
            var reasons = await Suppression.ReasonsAsync(db, team, category.Key, addresses, cancellationToken);
            if (reasons.Count == 0)
            {
                continue;
            }

            foreach (var message in category)
            {
                if (reasons.TryGetValue(message.Address, out var reason))
                {
                    message.State = MessageState.Suppressed;
                    message.SuppressionReason = reason;
                }
            }
        }

        foreach (var message in claimed.Messages)
        {
            if (message.State == MessageState.Suppressed)
            {
                outcomes.Post(new Outcome(message, Refused: false));
            }
            else
            {
                // The making and the record are looked up now, before any waits.
                _ = DeliverAsync(message, claimed.PreparedOf(message), claimed.RecordOf, outcomes, cancellationToken);
            }
        }
    }

    private async Task DeliverAsync(
        OutboundMessage message, PreparedSend prepared, Func<OutboundMessage, Dictionary<string, object?>> recordOf,
        Outcomes outcomes, CancellationToken cancellationToken)
    {
        try
        {
            var renderer = channels.RendererOf(message.Channel);
            var slots = SlotsOf(message.Channel);
            await slots.Ahead.WaitAsync(cancellationToken);
            try
            {
                RenderedMessage rendered;
                await Cores.WaitAsync(cancellationToken);
                try
                {
                    rendered = await renderer.RenderAsync(prepared, message, recordOf(message), cancellationToken);
                }
                finally
                {
                    Cores.Release();
                }

                if (rendered.Message is not { } outgoing)
                {
                    message.State = MessageState.Failed;
                    message.LastReply = Clip(rendered.Failure);
                    outcomes.Post(new Outcome(message, Refused: false));
                    return;
                }

                await slots.Connections.WaitAsync(cancellationToken);
                try
                {
                    if (archive.Keeps)
                    {
                        var ids = new ArchivedMessage(message.TeamId, message.SendId, message.Id, message.Channel);
                        await archive.KeepAsync(ids, outgoing.Bytes(), cancellationToken);
                    }

                    var result = await slots.Transport.HandOverAsync(message, outgoing, cancellationToken);
                    Apply(message, result, rendered.MessageIdHeader);
                    await outcomes.PostAndWaitAsync(
                        new Outcome(message, result.Outcome == DeliveryOutcome.PermanentFailure));
                }
                finally
                {
                    slots.Connections.Release();
                }
            }
            finally
            {
                slots.Ahead.Release();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            outcomes.Fail(e);
        }
    }

    private void Apply(OutboundMessage message, DeliveryResult result, string? messageIdHeader)
    {
        message.LastReply = Clip(result.Reply);
        message.MessageIdHeader = messageIdHeader;
        message.Attempts += result.HandOvers;
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

    private static string? Clip(string? reply) => reply is { Length: > 1000 } ? reply[..1000] : reply;

    // Per channel of this run: the transport's connections, and twice as many messages made ahead of them (bounding
    // the messages made and not yet handed over, whatever their attachments weigh).
    private Slots SlotsOf(Communications.Channel channel)
    {
        lock (_slots)
        {
            if (!_slots.TryGetValue(channel, out var slots))
            {
                var transport = channels.TransportOf(channel);
                slots = new Slots(transport, new SemaphoreSlim(transport.Parallelism),
                    new SemaphoreSlim(2 * transport.Parallelism));
                _slots[channel] = slots;
            }

            return slots;
        }
    }

    private sealed record Slots(IChannelTransport Transport, SemaphoreSlim Connections, SemaphoreSlim Ahead);

    // The outcomes on their way to the writer. A message handed over waits for the commit that saves it: the commit
    // after the one running when it was posted, at the latest.
    private sealed class Outcomes
    {
        private readonly Channel<Outcome> _queue = Channel.CreateUnbounded<Outcome>(
            new UnboundedChannelOptions { SingleReader = true });

        private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource? _saving;

        public void Post(Outcome outcome) => _queue.Writer.TryWrite(outcome);

        // Read after the post: a commit whose group was taken before it cannot be the one waited for.
        public Task PostAndWaitAsync(Outcome outcome)
        {
            _queue.Writer.TryWrite(outcome);
            return Volatile.Read(ref _next).Task;
        }

        public void Fail(Exception e) => _queue.Writer.TryComplete(e);

        // Everything posted so far; waits for at least one.
        public async Task TakeAsync(List<Outcome> group, CancellationToken cancellationToken)
        {
            if (!await _queue.Reader.WaitToReadAsync(cancellationToken))
            {
                await _queue.Reader.Completion;
            }

            _saving = Interlocked.Exchange(
                ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            while (_queue.Reader.TryRead(out var outcome))
            {
                group.Add(outcome);
            }
        }

        public void Saved() => _saving?.TrySetResult();

        public void Abandon()
        {
            _saving?.TrySetCanceled();
            Volatile.Read(ref _next).TrySetCanceled();
        }
    }
}
