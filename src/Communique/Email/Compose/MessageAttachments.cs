using Communique.Assets.Storage;
using Communique.Campaigns;
using Communique.Data;

namespace Communique.Email.Compose;

// Where a message's attachments come from: the email's stored assets, read once per send, and the parts made for
// each recipient by the registered makers (none by default: then a message costs nothing more).
public sealed class MessageAttachments(IBlobStore blobs, IEnumerable<IRecipientAttachments> makers)
{
    private readonly IRecipientAttachments[] _makers = [.. makers];

    // Null when one of the stored assets is gone.
    public Task<IReadOnlyList<MailAttachment>?> OfSendAsync(
        AppDb db, IReadOnlyList<Guid>? assets, CancellationToken cancellationToken) =>
        MailAttachments.LoadAsync(db, blobs, assets, cancellationToken);

    public async ValueTask<IReadOnlyList<MailAttachment>> OfMessageAsync(
        CampaignSend send, IReadOnlyList<MailAttachment> ofSend, IReadOnlyDictionary<string, object?> record,
        CancellationToken cancellationToken)
    {
        if (_makers.Length == 0)
        {
            return ofSend;
        }

        var all = new List<MailAttachment>(ofSend);
        foreach (var maker in _makers)
        {
            all.AddRange(await maker.ForAsync(send, record, cancellationToken));
        }

        return all;
    }
}
