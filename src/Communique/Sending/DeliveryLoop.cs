using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Communique.Campaigns;
using Communique.Data;
using Communique.Deliverability;
using Microsoft.EntityFrameworkCore;

namespace Communique.Sending;

// The one delivery loop of every channel, bulk and transactional: claim a batch → suppress → render → archive
// hook → hand to the transport → record outcomes. Two batches are in flight at a time: the next is claimed while
// the previous one's last messages are with the transport, so the connections never wait for the database between
// batches. Outcomes are saved as they come, a group per commit (see Outcomes), and no more messages than the
// transport has connections pass the point where a hand-over becomes final (the HandOverGate) until
// their outcomes are saved. So a crash leaves at most one delivered but unsaved message per connection, sent again by
// the next run, while a connection gets its next message on its way (for SMTP, all but the end of its data) during
// the commit that saves the previous one.
public sealed class DeliveryLoop(AppDb db, ChannelPlugins channels, IMessageArchive archive, OutcomeWriter writer)
{
    public const int Batch = 200;
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromHours(24);

    // The longest a receiving service's Retry-After is obeyed: a longer one is read as this.
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(1);

    // Messages made ahead of their hand-over for the archive to save together, beyond the transport's own.
    private const int ArchivedAhead = 200;

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
    // hand-over), by each channel's rules, then every other message on its way.
    private async Task StartAsync(
        Guid team, ClaimedBatch claimed, Outcomes outcomes, CancellationToken cancellationToken)
    {
        foreach (var channel in claimed.Messages.GroupBy(m => m.Channel))
        {
            var messages = channel.ToList();
            if (!await channels.RendererOf(channel.Key).ScreenAsync(messages, claimed.PreparedOf, cancellationToken))
            {
                await SuppressByAddressAsync(team, messages, claimed.PreparedOf, cancellationToken);
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

    private async Task SuppressByAddressAsync(
        Guid team, List<OutboundMessage> messages, Func<OutboundMessage, PreparedSend> preparedOf,
        CancellationToken cancellationToken)
    {
        foreach (var category in messages.GroupBy(m => preparedOf(m).Category))
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
            outcomes.Making();
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
                    outcomes.PostUnmade(new Outcome(message, Refused: false));
                    return;
                }

                // Archived before any connection is taken: the archive saves the messages waiting for it together.
                if (archive.Keeps && await archive.KeepsAsync(message.TeamId, message.Channel, cancellationToken))
                {
                    var send = prepared.Send;
                    var ids = new ArchivedMessage(
                        message.TeamId, message.SendId, message.Id, message.Channel, message.Address)
                    {
                        CampaignId = send.CampaignId,
                        CommunicationId = send.CommunicationId,
                        CommunicationVersion = send.CommunicationVersion,
                        RecordUuid = message.RecordUuid,
                        Text = outgoing.SearchText,
                        OneOfMany = true,
                        Alone = send.RecordCount == 1,
                    };
                    await archive.KeepAsync(ids, outgoing.Bytes(), cancellationToken);
                }

                var gate = new Gate(slots.Unsaved);
                try
                {
                    DeliveryResult result;
                    await slots.Connections.WaitAsync(cancellationToken);
                    outcomes.HandingOver(slots.Transport.Parallelism);
                    try
                    {
                        result = await slots.Transport.HandOverAsync(message, outgoing, gate, cancellationToken);
                    }
                    finally
                    {
                        slots.Connections.Release();
                    }

                    Apply(message, result, rendered.MessageIdHeader);
                    await outcomes.PostAndWaitAsync(new Outcome(message,
                        result.Outcome == DeliveryOutcome.PermanentFailure, result.Outcome == DeliveryOutcome.Paused));
                }
                finally
                {
                    gate.Close();
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
        switch (result.Outcome)
        {
            case DeliveryOutcome.Accepted:
                message.Attempts += result.HandOvers;
                message.State = MessageState.Sent;
                message.SentAt = db.Now;
                break;
            case DeliveryOutcome.PermanentFailure or DeliveryOutcome.Rejected:
                message.Attempts += result.HandOvers;
                message.State = MessageState.Failed;
                break;
            case DeliveryOutcome.Paused:
                // Not an attempt: nothing reached the recipient's service, and it is tried again on resuming.
                message.State = MessageState.Queued;
                message.NextAttemptAt = db.Now;
                break;
            default:
                message.Attempts += result.HandOvers;
                var wait = result.RetryAfter is { } asked
                    ? TimeSpan.FromSeconds(Math.Clamp(asked.TotalSeconds, 1, MaxRetryAfter.TotalSeconds))
                    : Backoff(message.Attempts);
                var retryAt = db.Now + wait;
                message.State = retryAt - message.CreatedAt > GiveUpAfter ? MessageState.Failed : MessageState.Queued;
                message.NextAttemptAt = retryAt;
                break;
        }
    }

    private static string? Clip(string? reply) => reply is { Length: > 1000 } ? reply[..1000] : reply;

    // Per channel of this run: the transport's connections; as many places past the hand-over gate, each held until
    // the message's outcome is saved; and twice as many messages made ahead of the connections (bounding the messages
    // made and not yet handed over, whatever their attachments weigh); with an archive, a batch of messages more,
    // which the archive saves at once while the connections are busy.
    private Slots SlotsOf(Communications.Channel channel)
    {
        lock (_slots)
        {
            if (!_slots.TryGetValue(channel, out var slots))
            {
                var transport = channels.TransportOf(channel);
                slots = new Slots(transport, new SemaphoreSlim(transport.Parallelism),
                    new SemaphoreSlim(transport.Parallelism),
                    new SemaphoreSlim(2 * transport.Parallelism + (archive.Keeps ? ArchivedAhead : 0)));
                _slots[channel] = slots;
            }

            return slots;
        }
    }

    private sealed record Slots(
        IChannelTransport Transport, SemaphoreSlim Connections, SemaphoreSlim Unsaved, SemaphoreSlim Ahead);

    // One message's way past the hand-over gate: a place among the unsaved, taken once (a resend on a fresh connection
    // passes again) and given back once the outcome is saved or the hand-over has ended without passing.
    private sealed class Gate(SemaphoreSlim unsaved) : HandOverGate
    {
        private bool _passed;

        public override async ValueTask PassAsync(CancellationToken cancellationToken)
        {
            if (!_passed)
            {
                await unsaved.WaitAsync(cancellationToken);
                _passed = true;
            }
        }

        public void Close()
        {
            if (_passed)
            {
                _passed = false;
                unsaved.Release();
            }
        }
    }

    // The outcomes on their way to the writer. A message handed over waits for the commit that saves it (holding its
    // place past the gate: what a crash can leave delivered but unsaved is one message per connection), and the writer
    // waits a little for the messages on their way, so that one commit saves a message of every connection rather
    // than the few that arrived while the previous commit ran: it starts once nothing is on its way, once as many
    // messages as connections wait for it, or Gather after the group's first outcome (wall-clock time, whatever the
    // database's clock).
    private sealed class Outcomes
    {
        // The longest a posted outcome waits for others: a stalled connection holds back the others only this long.
        private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(10);

        private readonly Lock _gate = new();
        private readonly List<Outcome> _posted = [];
        private int _making;
        private int _handingOver;
        private int _waiting;
        private int _connections;
        private TaskCompletionSource? _arrived;
        private Exception? _failure;
        private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource? _saving;

        // An outcome decided without the transport (suppressed).
        public void Post(Outcome outcome)
        {
            lock (_gate)
            {
                _posted.Add(outcome);
                Wake();
            }
        }

        // A message is being made for the transport.
        public void Making()
        {
            lock (_gate)
            {
                _making++;
            }
        }

        // A message that could not be made.
        public void PostUnmade(Outcome outcome)
        {
            lock (_gate)
            {
                _making--;
                _posted.Add(outcome);
                Wake();
            }
        }

        // A message made goes to the transport, on one of its connections.
        public void HandingOver(int connections)
        {
            lock (_gate)
            {
                _making--;
                _handingOver++;
                _connections = Math.Max(_connections, connections);
            }
        }

        // The outcome of a message handed over; completes when the commit that saves it has.
        public Task PostAndWaitAsync(Outcome outcome)
        {
            lock (_gate)
            {
                _handingOver--;
                _waiting++;
                _posted.Add(outcome);
                Wake();
                return _next.Task;
            }
        }

        public void Fail(Exception e)
        {
            lock (_gate)
            {
                _failure ??= e;
                Wake();
            }
        }

        // Everything posted so far, when the group is ready; waits for one outcome at least.
        public async Task TakeAsync(List<Outcome> group, CancellationToken cancellationToken)
        {
            long? first = null;
            while (true)
            {
                Task arrived;
                lock (_gate)
                {
                    if (_failure is not null)
                    {
                        ExceptionDispatchInfo.Throw(_failure);
                    }

                    if (_posted.Count > 0)
                    {
                        first ??= Stopwatch.GetTimestamp();
                        if ((_making == 0 && _handingOver == 0) || _waiting >= _connections
                            || Stopwatch.GetElapsedTime(first.Value) >= Gather)
                        {
                            _waiting = 0;
                            group.AddRange(_posted);
                            _posted.Clear();
                            _saving = _next;
                            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                            return;
                        }
                    }

                    _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    arrived = _arrived.Task;
                }

                if (first is null)
                {
                    await arrived.WaitAsync(cancellationToken);
                }
                else
                {
                    var left = Gather - Stopwatch.GetElapsedTime(first.Value);
                    await arrived.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken)
                        .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
        }

        public void Saved() => _saving?.TrySetResult();

        public void Abandon()
        {
            _saving?.TrySetCanceled();
            lock (_gate)
            {
                _next.TrySetCanceled();
            }
        }

        private void Wake()
        {
            _arrived?.TrySetResult();
            _arrived = null;
        }
    }
}
