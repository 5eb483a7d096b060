using System.Text.Json;
using Communique.Campaigns;
using Communique.Data;
using Communique.DataSources;
using Communique.Sending;
using Microsoft.EntityFrameworkCore;

namespace Communique.Push;

// A push send's messages: one per subscription. With a data source, each record's user id (the send's address field)
// leads to that user's subscriptions, and a user without any gets one suppressed message, so the report counts them;
// the cursor is the record position, as for email. Without one, the audience is every subscription of the team or
// those of a segment, in the order of their ids, and the cursor is the number of messages made (the last message's
// subscription says where to go on).
public sealed class PushAudience(AppDb db) : ISendExpansion
{
    public const string NoSubscription = "no-subscription";
    private const int Batch = 1000;

    public sealed record Segment(Dictionary<string, string>? Attributes);

    public async Task ExpandAsync(
        CampaignSend send, IReadOnlyList<FieldSchema> schema, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(send);
        ArgumentNullException.ThrowIfNull(schema);
        if (send.DataSourceId is not null)
        {
            await FromRecordsAsync(send, schema, cancellationToken);
        }
        else
        {
            await FromSegmentAsync(send, cancellationToken);
        }
    }

    private async Task FromRecordsAsync(
        CampaignSend send, IReadOnlyList<FieldSchema> schema, CancellationToken cancellationToken)
    {
        var userIndex = schema.ToList().FindIndex(f => f.Name == send.AddressField);
        var messages = new List<OutboundMessage>(Batch);
        while (send.Expanded < send.RecordCount)
        {
            var records = await db.DataRecords.AsNoTracking()
                .Where(r => r.DataSourceId == send.DataSourceId && r.Generation == send.DataSourceGeneration
                    && r.Position >= send.Expanded)
                .OrderBy(r => r.Position).Take(Batch).Select(r => new { r.Position, r.Uuid, r.Values })
                .ToListAsync(cancellationToken);
            if (records.Count == 0)
            {
                send.RecordCount = send.Expanded;
                await db.SaveChangesAsync(cancellationToken);
                break;
            }

            var users = records.Select(r => UserIn(r.Values, userIndex)).ToList();
            var wanted = users.OfType<string>().Distinct().ToList();
            var subscriptions = (await db.PushSubscriptions.AsNoTracking().Where(s => wanted.Contains(s.UserId))
                    .Select(s => new { s.Id, s.UserId }).ToListAsync(cancellationToken))
                .ToLookup(s => s.UserId, s => s.Id, StringComparer.Ordinal);
            messages.Clear();
            var now = db.Now;
            for (var i = 0; i < records.Count; i++)
            {
                var (record, user) = (records[i], users[i]);
                var ids = user is null ? [] : subscriptions[user].ToList();
                if (ids.Count == 0)
                {
                    messages.Add(Suppressed(send, record.Position, record.Uuid, user, now));
                }

                foreach (var id in ids)
                {
                    messages.Add(To(send, record.Position, record.Uuid, user!, id, now));
                }
            }

            await SaveAsync(send, messages, records[^1].Position + 1, cancellationToken);
        }
    }

    private async Task FromSegmentAsync(CampaignSend send, CancellationToken cancellationToken)
    {
        var segment = JsonSerializer.Deserialize<Segment>(send.Audience ?? "{}", JsonSerializerOptions.Web)!;
        var conditions = segment.Attributes ?? new Dictionary<string, string>();
        var after = await db.OutboundMessages.AsNoTracking().Where(m => m.SendId == send.Id)
            .OrderByDescending(m => m.Position).Select(m => m.SubscriptionId).FirstOrDefaultAsync(cancellationToken);
        var messages = new List<OutboundMessage>(Batch);
        while (true)
        {
            var ids = await PushSegments.Members(db, conditions, after).Take(Batch).ToListAsync(cancellationToken);
            if (ids.Count == 0)
            {
                send.RecordCount = send.Expanded;
                await db.SaveChangesAsync(cancellationToken);
                return;
            }

            // By primary key alone, the team checked on the rows (with the team's condition SQLite would read the
            // team's index whole).
            var users = (await db.PushSubscriptions.IgnoreQueryFilters().AsNoTracking()
                    .Where(s => ids.Contains(s.Id)).Select(s => new { s.Id, s.TeamId, s.UserId })
                    .ToListAsync(cancellationToken))
                .Where(s => s.TeamId == send.TeamId).ToDictionary(s => s.Id, s => s.UserId);
            messages.Clear();
            var now = db.Now;
            foreach (var id in ids)
            {
                if (users.TryGetValue(id, out var user))
                {
                    messages.Add(To(send, send.Expanded + messages.Count, null, user, id, now));
                }
            }

            after = ids[^1];
            await SaveAsync(send, messages, send.Expanded + messages.Count, cancellationToken);
        }
    }

    private async Task SaveAsync(
        CampaignSend send, List<OutboundMessage> messages, long expanded, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await MessageStore.WriteAsync(db, messages, cancellationToken);
        send.Expanded = expanded;
        await db.SaveChangesAsync(cancellationToken);
        if (messages.Count(m => m.State == MessageState.Suppressed) is var missing and > 0)
        {
            await Stats.AddAsync(
                db, send.TeamId, send.Id, new StatsDelta { SuppressedInvalid = missing }, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public static OutboundMessage To(
        CampaignSend send, long position, Guid? record, string user, Guid subscription, DateTime now) => new()
    {
        TeamId = send.TeamId, SendId = send.Id, Channel = send.Channel, Kind = send.Kind, Position = position,
        RecordUuid = record, Address = user, SubscriptionId = subscription, State = MessageState.Queued,
        NextAttemptAt = now, CreatedAt = now,
    };

    // A user with no subscription (or a record without a user id) is counted, not sent to.
    public static OutboundMessage Suppressed(
        CampaignSend send, long position, Guid? record, string? user, DateTime now) => new()
    {
        TeamId = send.TeamId, SendId = send.Id, Channel = send.Channel, Kind = send.Kind, Position = position,
        RecordUuid = record, Address = user ?? "", State = MessageState.Suppressed,
        SuppressionReason = user is null ? "no-address" : NoSubscription, NextAttemptAt = now, CreatedAt = now,
    };

    private static string? UserIn(string values, int index)
    {
        if (index < 0)
        {
            return null;
        }

        using var parsed = JsonDocument.Parse(values);
        var array = parsed.RootElement;
        if (index >= array.GetArrayLength())
        {
            return null;
        }

        var value = array[index];
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
        return string.IsNullOrWhiteSpace(text) || text.Length > PushSubscription.MaxUserIdLength ? null : text.Trim();
    }
}
