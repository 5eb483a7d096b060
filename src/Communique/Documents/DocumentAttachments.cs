using System.Globalization;
using System.Text.Json;
using Communique.Campaigns;
using Communique.Communications;
using Communique.Data;
using Communique.DataSources;
using Communique.Email.Compose;
using Communique.Rendering;
using Microsoft.EntityFrameworkCore;

namespace Communique.Documents;

// The documents an email attaches for each recipient: each document communication it names, made from the
// recipient's record into a PDF named by the document's file-name template. The documents' content, images and
// fonts are read once per send (an image must be in the document's asset folder); a record whose document cannot be
// made fails its own message only.
public sealed class DocumentAttachments(DocumentMaker maker, DocumentAssets assets) : IRecipientAttachments
{
    public async Task<(IRecipientParts? Parts, string? Failure)> PrepareAsync(
        AppDb db, CampaignSend send, EmailContent content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(content);
        if (content.Documents is not { Count: > 0 } ids)
        {
            return (null, null);
        }

        var found = await db.Communications.AsNoTracking().Where(c => ids.Contains(c.Id))
            .ToDictionaryAsync(c => c.Id, cancellationToken);
        var documents = new List<Prepared>(ids.Count);
        foreach (var id in ids)
        {
            if (!found.TryGetValue(id, out var communication) || communication.Channel != Channel.Document)
            {
                return (null, $"The email attaches the document {id}, which is not a document communication of the "
                    + "team (deleted, or of another channel).");
            }

            var document = JsonSerializer.Deserialize<DocumentContent>(
                communication.Content, JsonSerializerOptions.Web)!;
            if (string.IsNullOrWhiteSpace(document.Markup))
            {
                return (null, $"The email attaches the document '{communication.Name}', which has no markup yet.");
            }

            var resources = await assets.LoadFolderAsync(db, communication.AssetFolderId, cancellationToken);
            documents.Add(new Prepared(communication.Name, document, resources));
        }

        return (new Parts(maker, documents), null);
    }

    private sealed record Prepared(string Name, DocumentContent Content, DocumentResources Resources);

    private sealed class Parts(DocumentMaker maker, List<Prepared> documents) : IRecipientParts
    {
        public async ValueTask<(IReadOnlyList<MailAttachment> Parts, string? Failure)> ForAsync(
            IReadOnlyDictionary<string, object?> record, CultureInfo culture,
            IReadOnlyDictionary<string, FieldFormat> formats, bool ignoreMissingFields,
            CancellationToken cancellationToken)
        {
            var parts = new List<MailAttachment>(documents.Count);
            var looked = new LookedUpRecord(record, formats, culture.Name);
            foreach (var document in documents)
            {
                var outcome = await maker.LayAsync(document.Content, looked, culture, ignoreMissingFields,
                    (spec, _) => Task.FromResult(Resources(document, spec)), cancellationToken);
                if (outcome.Failure is { } failure)
                {
                    return (parts, $"the document '{document.Name}' could not be made ({outcome.Part}): "
                        + failure.Message);
                }

                var (pdf, unmade) = maker.Pdf(outcome.Document!, document.Content.Archival);
                if (pdf is null)
                {
                    return (parts, $"the document '{document.Name}' could not be made: {unmade}");
                }

                parts.Add(MailAttachments.Encode(outcome.FileName!, "application/pdf", pdf, pdf.Length));
            }

            return (parts, null);
        }

        private static DocumentResources Resources(Prepared document, Model.DocumentSpec spec)
        {
            foreach (var name in Layout.ImageNames.Of(spec))
            {
                if (!document.Resources.Images.ContainsKey(name))
                {
                    throw new DocumentException(
                        $"The image '{name}' is not an image of the document's asset folder.");
                }
            }

            return document.Resources;
        }
    }
}
