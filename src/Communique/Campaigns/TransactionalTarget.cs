using Communique.Communications;
using Communique.Data;
using Microsoft.EntityFrameworkCore;

namespace Communique.Campaigns;

// What a transactional call checks and stores against, read in one statement: the project, its communication (null
// when it has none of that name), the campaign (null when the call creates it), whether the sender is a verified
// address of the team and whether the team's sending is suspended. The team's query filters scope every part of it,
// as separate queries would be.
public sealed record TransactionalTarget(
    Guid ProjectId,
    Guid? CommunicationId,
    Channel? Channel,
    int? CommunicationVersion,
    string? Content,
    Guid? CampaignId,
    bool SenderVerified,
    bool Suspended)
{
    // Null when the team has no project of that name.
    public static Task<TransactionalTarget?> FindAsync(
        AppDb db, string project, string communication, string campaign, string sender,
        CancellationToken cancellationToken) =>
        Compiled.Get(db, static () => EF.CompileAsyncQuery((AppDb db, string project, string communication,
                string campaign, string sender, CancellationToken _) =>
            (from p in db.Projects
                where p.Name == project
                from c in db.Communications.Where(c => c.ProjectId == p.Id && c.Name == communication)
                    .DefaultIfEmpty()
                select new TransactionalTarget(
                    p.Id,
                    (Guid?)c!.Id,
                    (Channel?)c.Channel,
                    (int?)c.Version,
                    c.Content,
                    db.Campaigns.Where(k => k.ProjectId == p.Id && k.Name == campaign).Select(k => (Guid?)k.Id)
                        .FirstOrDefault(),
                    db.Senders.Any(s => s.Address == sender && s.VerifiedAt != null),
                    db.TeamSendings.Any(s => s.State == SendingState.Suspended)))
            .FirstOrDefault()))(db, project, communication, campaign, sender, cancellationToken);
}
