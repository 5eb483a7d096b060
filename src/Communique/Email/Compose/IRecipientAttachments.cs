using Communique.Campaigns;

namespace Communique.Email.Compose;

// Parts made for one recipient's message from its record (a document rendered for each recipient), attached after
// the email's own stored attachments.
public interface IRecipientAttachments
{
    ValueTask<IReadOnlyList<MailAttachment>> ForAsync(
        CampaignSend send, IReadOnlyDictionary<string, object?> record, CancellationToken cancellationToken);
}
