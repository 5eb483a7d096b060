using System.Text.RegularExpressions;
using Communique.Data;
using Microsoft.EntityFrameworkCore;

namespace Communique.Deliverability;

// Where bounce and complaint reports land, whichever way they came (a provider's signed webhook, the bounce mailbox):
// each report is matched to the message we sent by its Message-ID, recorded once as an event, and applied — a hard
// bounce unsubscribes the address from the team with reason hard-bounce (which the team's whitelist does not
// override), a complaint unsubscribes it with reason complaint, a soft bounce is only counted — with the send's
// statistics and the bounce-rate guard kept in step. Only the bounce mailbox's reports also join the global
// hard-bounce list: that mailbox is the platform's own, while a webhook's report is the word of one tenant, who must
// not be able to stop every other account's mail to an address. A report about a message we never sent is ignored
// (and logged); the same report twice counts once.
public static partial class ReportIntake
{
    // team: the team the report was addressed to (the webhook), or null when it is known only from the message
    // (the installation's bounce mailbox).
    public static async Task<ReportsApplied> ApplyAsync(
        AppDb db, Guid? team, IReadOnlyList<ProviderReport> reports, ILogger logger,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(reports);
        var (applied, duplicates, ignored) = (0, 0, 0);
        foreach (var report in reports)
        {
            var key = report.MessageId.Trim().Trim('<', '>');
            var recipient = report.Recipient is null ? null : Addresses.Normalize(report.Recipient);
            var candidates = await MessagesWith(db, team, key).AsNoTracking()
                .Select(m => new { m.Id, m.TeamId, m.SendId, m.Address }).ToListAsync(cancellationToken);
            var target = candidates.FirstOrDefault(m => recipient is null
                || Addresses.Normalize(m.Address) == recipient);
            if (target is null)
            {
                logger.LogInformation(
                    "A {Kind} report for message {MessageId} ({Recipient}) matches nothing {Team} sent; ignored",
                    report.Kind, key, report.Recipient, team?.ToString() ?? "anyone");
                ignored++;
                continue;
            }

            if (await db.MessageEvents.IgnoreQueryFilters()
                .AnyAsync(e => e.MessageId == target.Id && e.Kind == report.Kind, cancellationToken))
            {
                duplicates++;
                continue;
            }

            var detail = report.Detail.Length > 1000 ? report.Detail[..1000] : report.Detail;
            db.MessageEvents.Add(new MessageEvent
            {
                TeamId = target.TeamId, SendId = target.SendId, MessageId = target.Id, Kind = report.Kind,
                At = db.Now, Detail = detail,
            });
            switch (report.Kind)
            {
                case EventKind.HardBounce:
                    if (team is null)
                    {
                        await Suppression.RecordHardBouncesAsync(db, [(target.Address, SharedDetail(report))],
                            cancellationToken);
                    }

                    await UnsubscribeAsync(db, target.TeamId, target.Address, UnsubscribeReason.HardBounce,
                        target.SendId, target.Id, cancellationToken);
                    break;
                case EventKind.Complaint:
                    await UnsubscribeAsync(db, target.TeamId, target.Address, UnsubscribeReason.Complaint,
                        target.SendId, target.Id, cancellationToken);
                    break;
            }

            await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
            {
                await db.SaveChangesAcrossTeamsAsync(cancellationToken);
                var messages = db.OutboundMessages.IgnoreQueryFilters().Where(m => m.Id == target.Id);
                if (report.Kind == EventKind.Complaint)
                {
                    await messages.ExecuteUpdateAsync(u => u.SetProperty(m => m.ComplainedAt, db.Now),
                        cancellationToken);
                }
                else
                {
                    // A hard bounce outranks a soft one reported before it; a soft one never replaces a hard one.
                    var bounce = report.Kind == EventKind.HardBounce ? "hard" : "soft";
                    await messages.Where(m => m.Bounce == null || bounce == "hard").ExecuteUpdateAsync(u => u
                        .SetProperty(m => m.Bounce, bounce).SetProperty(m => m.BounceDetail, detail),
                            cancellationToken);
                }

                await Campaigns.Stats.AddAsync(db, target.TeamId, target.SendId, new Campaigns.StatsDelta
                {
                    HardBounces = report.Kind == EventKind.HardBounce ? 1 : 0,
                    SoftBounces = report.Kind == EventKind.SoftBounce ? 1 : 0,
                    Complaints = report.Kind == EventKind.Complaint ? 1 : 0,
                }, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            applied++;
            if (report.Kind == EventKind.HardBounce)
            {
                await BounceGuard.CountAsync(db, target.TeamId, 0, 1, cancellationToken);
                await BounceGuard.JudgeAsync(db, target.TeamId, cancellationToken);
            }
        }

        return new ReportsApplied(applied, duplicates, ignored);
    }

    // What the shared list says about a report from the bounce mailbox: its status code and where it came from. The
    // rest of a report (its diagnostic text) is written by whoever sent it, and anyone can mail the bounce mailbox,
    // so it stays with the team's own message; every other account sees only the code.
    private static string SharedDetail(ProviderReport report)
    {
        var code = StatusCode().Match(report.Status ?? "").Value;
        return (code.Length > 0 ? code + " " : "") + "reported in a delivery status notification to the bounce mailbox";
    }

    [GeneratedRegex(@"^5\.[0-9]{1,3}\.[0-9]{1,3}")]
    private static partial Regex StatusCode();

    // Our Message-IDs are "{message id:N}@{sender domain}", so a report reaching the installation's mailbox finds its
    // message by primary key; a team's webhook looks within the team.
    private static IQueryable<Campaigns.OutboundMessage> MessagesWith(AppDb db, Guid? team, string key)
    {
        var messages = db.OutboundMessages.IgnoreQueryFilters().Where(m => m.MessageIdHeader == key);
        if (team is { } id)
        {
            return messages.Where(m => m.TeamId == id);
        }

        var at = key.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && Guid.TryParseExact(key[..at], "N", out var message)
            ? messages.Where(m => m.Id == message)
            : messages.Where(_ => false);
    }

    // From every category of the team: a complaint (or a dead mailbox) is about the sender, not one kind of email.
    private static async Task UnsubscribeAsync(
        AppDb db, Guid team, string address, UnsubscribeReason reason, Guid sendId, Guid messageId,
        CancellationToken cancellationToken)
    {
        var communication = await db.CampaignSends.IgnoreQueryFilters().Where(s => s.Id == sendId)
            .Select(s => s.CommunicationId).FirstAsync(cancellationToken);
        await Suppression.UnsubscribeAsync(db, team, address, null, reason, communication, messageId,
            cancellationToken);
    }
}
