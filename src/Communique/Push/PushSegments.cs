using Communique.Data;

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

    public static IQueryable<PushSubscription> Select(
        AppDb db, IQueryable<PushSubscription> query, IReadOnlyDictionary<string, string> conditions)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(conditions);
        foreach (var (name, value) in conditions)
        {
            var tagged = db.PushTags.Where(t => t.Name == name && t.Value == value).Select(t => t.SubscriptionId);
            query = query.Where(s => tagged.Contains(s.Id));
        }

        return query;
    }
}
