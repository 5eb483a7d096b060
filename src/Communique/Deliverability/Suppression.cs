using Communique.Data;
using Microsoft.EntityFrameworkCore;

namespace Communique.Deliverability;

// The rules every recipient passes before its message is made ("Who is not sent to" in docs/deliverability.md), in
// this order: the global hard-bounce list and the team's own hard bounces (its unsubscribe entries with reason
// hard-bounce, from its provider's reports);
// then, unless the team whitelisted the address, the team's unsubscribes (from the email's category or from
// everything) and its blacklisted domains. Invalid addresses never get this far (they are suppressed when the message
// rows are written). Asked once per batch of messages: four indexed reads, whatever the batch's size.
public static class Suppression
{
    public const string HardBounced = "hard-bounce";
    public const string Unsubscribed = "unsubscribed";
    public const string DomainBlacklisted = "blacklisted-domain";

    // The reason for each address (as given) that must not be sent to; addresses that may be sent to are absent.
    public static async Task<Dictionary<string, string>> ReasonsAsync(
        AppDb db, Guid teamId, string category, IReadOnlyCollection<string> addresses,
        CancellationToken cancellationToken)
    {
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        if (addresses.Count == 0)
        {
            return reasons;
        }

        var normal = addresses.Distinct().ToDictionary(a => a, Addresses.Normalize);
        var keys = normal.Values.Distinct().ToList();
        var bounced = (await db.HardBounces.AsNoTracking().Where(h => keys.Contains(h.Address)).Select(h => h.Address)
            .ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var rest = keys.Where(k => !bounced.Contains(k)).ToList();
        var entries = rest.Count == 0 ? [] : await db.Unsubscribes.IgnoreQueryFilters().AsNoTracking()
            .Where(u => u.TeamId == teamId && rest.Contains(u.Address)
                        && (u.Category == null || u.Category == category))
            .Select(u => new { u.Address, u.Reason }).ToListAsync(cancellationToken);
        bounced.UnionWith(entries.Where(e => e.Reason == UnsubscribeReason.HardBounce).Select(e => e.Address));
        var unsubscribed = entries.Select(e => e.Address).ToHashSet(StringComparer.Ordinal);
        var whitelisted = (await db.WhitelistedEmails.IgnoreQueryFilters().AsNoTracking()
            .Where(w => w.TeamId == teamId && rest.Contains(w.Address)).Select(w => w.Address)
            .ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var domains = rest.Where(k => !whitelisted.Contains(k)).Select(Addresses.DomainOf).Distinct().ToList();
        var blacklisted = domains.Count == 0 ? [] : (await db.BlacklistedDomains.IgnoreQueryFilters().AsNoTracking()
            .Where(b => b.TeamId == teamId && domains.Contains(b.Domain)).Select(b => b.Domain)
            .ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);

        foreach (var (address, key) in normal)
        {
            if (bounced.Contains(key))
            {
                reasons[address] = HardBounced;
            }
            else if (whitelisted.Contains(key))
            {
                continue;
            }
            else if (unsubscribed.Contains(key))
            {
                reasons[address] = Unsubscribed;
            }
            else if (blacklisted.Contains(Addresses.DomainOf(key)))
            {
                reasons[address] = DomainBlacklisted;
            }
        }

        return reasons;
    }

    // A permanent failure the platform itself saw (the relay's 5xx answer to our own SMTP session, a DSN in the
    // installation's bounce mailbox): the address joins the global hard-bounce list (or its entry is refreshed).
    // Saved with the caller's next SaveChanges.
    public static async Task RecordHardBouncesAsync(
        AppDb db, IReadOnlyCollection<(string Address, string Detail)> bounces, CancellationToken cancellationToken)
    {
        if (bounces.Count == 0)
        {
            return;
        }

        var byAddress = bounces.GroupBy(b => Addresses.Normalize(b.Address))
            .ToDictionary(g => g.Key, g => g.Last().Detail);
        var keys = byAddress.Keys.ToList();
        var known = await db.HardBounces.Where(h => keys.Contains(h.Address))
            .ToDictionaryAsync(h => h.Address, cancellationToken);
        foreach (var (address, detail) in byAddress)
        {
            var clipped = detail.Length > 1000 ? detail[..1000] : detail;
            if (known.TryGetValue(address, out var entry))
            {
                entry.Detail = clipped;
                entry.LastBouncedAt = db.Now;
                entry.Count++;
            }
            else
            {
                db.HardBounces.Add(new HardBounce
                {
                    Address = address, Detail = clipped, CreatedAt = db.Now, LastBouncedAt = db.Now, Count = 1,
                });
            }
        }
    }

    // Unsubscribes an address from a category of the team (null: every category), keeping one entry per (team,
    // address, category): an existing entry keeps its reason unless the new one outranks it — a complaint outranks a
    // manual or recipient entry, and a hard bounce outranks them all, since it is the one reason that the team's
    // whitelist does not override. Saved with the caller's next SaveChanges.
    public static async Task UnsubscribeAsync(
        AppDb db, Guid team, string address, string? category, UnsubscribeReason reason, Guid communicationId,
        Guid messageId, CancellationToken cancellationToken)
    {
        var key = Addresses.Normalize(address);
        var existing = await db.Unsubscribes.IgnoreQueryFilters()
            .FirstOrDefaultAsync(u => u.TeamId == team && u.Address == key && u.Category == category,
                cancellationToken);
        if (existing is null)
        {
            db.Unsubscribes.Add(new Unsubscribe
            {
                TeamId = team, Address = key, Category = category, Reason = reason,
                LastCommunicationId = communicationId, MessageId = messageId,
                CreatedAt = db.Now, UpdatedAt = db.Now,
            });
            return;
        }

        existing.Reason = Rank(reason) > Rank(existing.Reason) ? reason : existing.Reason;
        existing.LastCommunicationId = communicationId;
        existing.MessageId = messageId;
        existing.UpdatedAt = db.Now;
    }

    private static int Rank(UnsubscribeReason reason) => reason switch
    {
        UnsubscribeReason.HardBounce => 2,
        UnsubscribeReason.Complaint => 1,
        _ => 0,
    };
}
