using Communique.Campaigns;
using Communique.Communications;
using Communique.Data;

namespace Communique.Email.Compose;

// Parts made for each recipient's message from their record (a document rendered for each recipient), attached after
// the email's stored attachments: prepared once per send, with the database, then made per message without it.
public interface IRecipientAttachments
{
    // Null parts when this maker adds nothing to the send's messages; a failure fails the send.
    Task<(IRecipientParts? Parts, string? Failure)> PrepareAsync(
        AppDb db, CampaignSend send, EmailContent content, CancellationToken cancellationToken);
}
