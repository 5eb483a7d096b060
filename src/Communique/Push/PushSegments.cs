using Communique.Data;
using Microsoft.EntityFrameworkCore;

namespace Communique.Push;

// A segment of subscriptions: those that have every attribute named with the value given. Read from the tags'
// index (name, value, subscription) — the subscriptions are found from the tags, never the tags per subscription.
public static class PushSegments
{
    public const int MaxConditions = 10;

    // "name:value" pairs, as a query string gives them.
    public static bool TryParse(
        IReadOnlyList<string> pairs, out Dictionary<string, string> conditions, out string? error)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        conditions = new Dictionary<string, string>(StringComparer.Ordinal);
        error = null;
        foreach (var pair in pairs)
        {
            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                error = $"'{pair}' is not name:value.";
                return false;
            }

            conditions[pair[..colon]] = pair[(colon + 1)..];
        }

        return Check(conditions, out error);
    }

    public static bool Check(IReadOnlyDictionary<string, string> conditions, out string? error)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        error = conditions.Count > MaxConditions ? $"At most {MaxConditions} attributes."
            : conditions.Any(c => c.Key.Length > PushTag.MaxNameLength || c.Value.Length > PushTag.MaxValueLength)
                ? $"Attribute names have at most {PushTag.MaxNameLength} characters, values "
                    + $"{PushTag.MaxValueLength}."
                : null;
        return error is null;
    }

    // The ids of the segment's subscriptions after the given one, in order: from the tags' index when the segment has
    // conditions (the first one's tags are already in subscription order; each other one is a lookup of the tags'
    // primary key), from the team's subscriptions by id otherwise.
    public static IQueryable<Guid> Members(AppDb db, IReadOnlyDictionary<string, string> conditions, Guid? after)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(conditions);
        if (conditions.Count == 0)
        {
            var all = db.PushSubscriptions.AsNoTracking();
            return (after is { } last ? all.Where(s => s.Id.CompareTo(last) > 0) : all).OrderBy(s => s.Id)
                .Select(s => s.Id);
        }

        var (name, value) = conditions.First();
        var tags = db.PushTags.AsNoTracking().Where(t => t.Name == name && t.Value == value);
        foreach (var (otherName, otherValue) in conditions.Skip(1))
        {
            tags = tags.Where(t => db.PushTags.Any(o =>
                o.SubscriptionId == t.SubscriptionId && o.Name == otherName && o.Value == otherValue));
        }

        return (after is { } from ? tags.Where(t => t.SubscriptionId.CompareTo(from) > 0) : tags)
            .OrderBy(t => t.SubscriptionId).Select(t => t.SubscriptionId);
    }

    // The subscriptions of the query that are in the segment.
    public static IQueryable<PushSubscription> Select(
        AppDb db, IQueryable<PushSubscription> query, IReadOnlyDictionary<string, string> conditions)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        if (conditions.Count == 0)
        {
            return query;
        }

        var members = Members(db, conditions, null);
        return query.Where(s => members.Contains(s.Id));
    }
}
