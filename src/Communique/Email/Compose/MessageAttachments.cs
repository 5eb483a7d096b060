using Communique.Assets.Storage;
using Communique.Campaigns;
using Communique.Communications;
using Communique.Data;
using Communique.Rendering;
using System.Globalization;

namespace Communique.Email.Compose;

// Where a message's attachments come from: the email's stored assets, read once per send, and the parts made for
// each recipient by the registered makers (none for an email that asks for none: then a message costs nothing more).
public sealed class MessageAttachments(IBlobStore blobs, IEnumerable<IRecipientAttachments> makers)
{
    private readonly IRecipientAttachments[] _makers = [.. makers];

    // The send's stored attachments and its makers of per-recipient parts; null stored attachments when one of the
    // assets is gone, or a maker's reason why the send cannot be made.
    public async Task<(IReadOnlyList<MailAttachment>? Stored, IReadOnlyList<IRecipientParts> Parts, string? Failure)>
        OfSendAsync(AppDb db, CampaignSend send, EmailContent content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var stored = await MailAttachments.LoadAsync(db, blobs, content.Attachments, cancellationToken);
        var parts = new List<IRecipientParts>();
        foreach (var maker in _makers)
        {
            var (made, failure) = await maker.PrepareAsync(db, send, content, cancellationToken);
            if (failure is not null)
            {
                return (stored, parts, failure);
            }

            if (made is not null)
            {
                parts.Add(made);
            }
        }

        return (stored, parts, null);
    }

    public static async ValueTask<(IReadOnlyList<MailAttachment> Attachments, string? Failure)> OfMessageAsync(
        IReadOnlyList<MailAttachment> ofSend, IReadOnlyList<IRecipientParts> makers,
        IReadOnlyDictionary<string, object?> record, CultureInfo culture,
        IReadOnlyDictionary<string, FieldFormat> formats, bool ignoreMissingFields, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(makers);
        if (makers.Count == 0)
        {
            return (ofSend, null);
        }

        var all = new List<MailAttachment>(ofSend);
        foreach (var maker in makers)
        {
            var (parts, failure) = await maker.ForAsync(record, culture, formats, ignoreMissingFields,
                cancellationToken);
            if (failure is not null)
            {
                return (all, failure);
            }

            all.AddRange(parts);
        }

        return (all, null);
    }
}
