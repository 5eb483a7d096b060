using Communique.Campaigns;
using Communique.Data;
using Communique.Deliverability;
using Microsoft.EntityFrameworkCore;

namespace Communique.Sending;

// Saves a group of outcomes in one transaction: the messages' rows, their sends' counters and the bounce-rate
// guard's counts (delivered and refused hard), so that the guard counts saved outcomes only, never messages in
// flight. A permanent refusal is what the message's channel makes of it (IChannelRefusals); for email, a hard
// bounce: the address joins the global list with the transport's reply. A message whose channel's credentials were
// refused pauses its send, with the reply as the reason. On SQLite the group waits for its turn at writing
// (WriteTurns) rather than in SQLite's lock.
public sealed class OutcomeWriter(AppDb db, WriteTurns turns, ChannelPlugins channels)
{
    public async Task WriteAsync(
        Guid team, IReadOnlyList<Outcome> outcomes, Func<List<OutboundMessage>, Task> inTransaction,
        CancellationToken cancellationToken)
    {
        var messages = new List<OutboundMessage>(outcomes.Count);
        var refused = new List<(string Address, string Detail)>();
        var refusedElsewhere = new List<OutboundMessage>();
        var pauses = new Dictionary<Guid, string>();
        var sent = 0;
        // A group is mostly of one channel: each channel's way with refusals is looked up once.
        var bouncing = new Dictionary<Communications.Channel, bool>();
        foreach (var (message, hard, pause) in outcomes)
        {
            messages.Add(message);
            // The guard judges the channels whose refusals are bounces, by their own messages only.
            if (!bouncing.TryGetValue(message.Channel, out var bounces))
            {
                bounces = bouncing[message.Channel] = channels.RefusalsOf(message.Channel) is null;
            }

            sent += bounces && message.State == MessageState.Sent ? 1 : 0;
            if (hard && bounces)
            {
                refused.Add((message.Address, message.LastReply ?? "refused"));
            }
            else if (hard)
            {
                refusedElsewhere.Add(message);
            }

            if (pause)
            {
                pauses.TryAdd(message.SendId, message.LastReply ?? "The channel's credentials were refused.");
            }
        }

        using (await turns.TakeAsync(WriteTurns.Side.Delivery, cancellationToken))
        {
            await Suppression.RecordHardBouncesAsync(db, refused, cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await MessageStore.WriteOutcomesAsync(db, messages, cancellationToken);
            if (db.ChangeTracker.HasChanges())
            {
                await db.SaveChangesAsync(cancellationToken);
            }

            var sends = outcomes.GroupBy(o => o.Message.SendId).Select(s => (s.Key, DeltaOf(s))).ToList();
            await Stats.AddAllAsync(db, team, sends, cancellationToken);
            foreach (var channel in refusedElsewhere.GroupBy(m => m.Channel))
            {
                await channels.RefusalsOf(channel.Key)!.RecordAsync(db, [.. channel], cancellationToken);
            }

            foreach (var (send, reason) in pauses)
            {
                var error = $"Paused: {reason}";
                await db.CampaignSends.Where(s => s.Id == send && s.State == SendState.Sending).ExecuteUpdateAsync(
                    u => u.SetProperty(s => s.State, SendState.Paused)
                        .SetProperty(s => s.Error, error.Length > 2000 ? error[..2000] : error), cancellationToken);
            }

            await BounceGuard.CountAsync(db, team, sent, refused.Count, cancellationToken);
            await inTransaction(messages);
            await transaction.CommitAsync(cancellationToken);
        }

        db.ChangeTracker.Clear();
        if (refused.Count > 0)
        {
            await BounceGuard.JudgeAsync(db, team, cancellationToken);
        }
    }

    private static StatsDelta DeltaOf(IEnumerable<Outcome> outcomes)
    {
        long sent = 0, failed = 0, refused = 0, bounced = 0, unsubscribed = 0, blacklisted = 0, invalid = 0;
        foreach (var (message, hard, _) in outcomes)
        {
            refused += hard ? 1 : 0;
            sent += message.State == MessageState.Sent ? 1 : 0;
            failed += message.State == MessageState.Failed ? 1 : 0;
            bounced += message.SuppressionReason == Suppression.HardBounced ? 1 : 0;
            unsubscribed += message.SuppressionReason == Suppression.Unsubscribed ? 1 : 0;
            blacklisted += message.SuppressionReason == Suppression.DomainBlacklisted ? 1 : 0;
            // A channel's own reasons (a push subscription removed since the message was made) count as invalid.
            invalid += message.State == MessageState.Suppressed && message.SuppressionReason
                is not (Suppression.HardBounced or Suppression.Unsubscribed or Suppression.DomainBlacklisted) ? 1 : 0;
        }

        return new StatsDelta
        {
            Sent = sent, Failed = failed, RefusedHard = refused, SuppressedHardBounce = bounced,
            SuppressedUnsubscribed = unsubscribed, SuppressedBlacklisted = blacklisted, SuppressedInvalid = invalid,
        };
    }
}
