using System.Globalization;
using Communique.Data;
using Communique.DataSources;
using Communique.Documents.Layout;
using Communique.Documents.Markup;
using Communique.Documents.Model;
using Communique.Documents.Pdf;
using Communique.Rendering;

namespace Communique.Documents;

// The renderer of record for documents: the markup's Liquid for the record (values XML-encoded), the markup read,
// its images and fonts loaded, the pages laid out; then a PDF of them. Single documents, batches and email
// attachments are all made here.
public sealed class DocumentMaker(LiquidTemplates liquid, DocumentAssets assets, TimeProvider time)
{
    // A long statement's markup (tens of thousands of rows) is megabytes once its loops have run.
    private const int MaxMarkupChars = 32 * 1024 * 1024;
    private const int MaxSteps = 20_000_000;
    private static readonly TimeSpan LiquidTimeout = TimeSpan.FromSeconds(2);

    // With the images and fonts read from the team's asset library as the markup names them.
    public Task<DocumentOutcome> LayAsync(
        AppDb db, DocumentContent content, Guid? assetFolderId, LookedUpRecord record, CultureInfo culture,
        bool ignoreMissingFields, CancellationToken cancellationToken) =>
        LayAsync(content, record, culture, ignoreMissingFields,
            (spec, ct) => assets.LoadAsync(db, assetFolderId, ImageNames.Of(spec), ct), cancellationToken);

    // With the images and fonts `resources` gives for the markup made for the record (DocumentException for an image
    // it does not have).
    public async Task<DocumentOutcome> LayAsync(
        DocumentContent content, LookedUpRecord record, CultureInfo culture, bool ignoreMissingFields,
        Func<DocumentSpec, CancellationToken, Task<DocumentResources>> resources, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(record);
        var options = new RenderOptions
        {
            Culture = culture, FieldFormats = record.Formats, IgnoreMissingFields = ignoreMissingFields,
            HtmlEncode = true, MaxOutputChars = MaxMarkupChars, MaxSteps = MaxSteps, Timeout = LiquidTimeout,
        };
        var markup = await RenderAsync(content.Markup ?? "", record, options, cancellationToken);
        if (!markup.Succeeded)
        {
            return DocumentOutcome.Failed(markup.Failure, "markup");
        }

        var name = await RenderAsync(content.FileName ?? DocumentContent.DefaultFileName, record,
            options with { HtmlEncode = false, MaxOutputChars = 1000 }, cancellationToken);
        if (!name.Succeeded)
        {
            return DocumentOutcome.Failed(name.Failure, "fileName");
        }

        try
        {
            var spec = DocumentMarkup.Parse(markup.Text);
            var (images, fonts) = await resources(spec, cancellationToken);
            var document = new DocumentLayout(fonts).Lay(spec, n => images.TryGetValue(n, out var image)
                ? image
                : throw new DocumentException($"The image '{n}' is not an asset of the document."));
            return DocumentOutcome.Made(document, FileName(name.Text));
        }
        catch (MarkupException e)
        {
            var first = e.Errors[0];
            return DocumentOutcome.Failed(new RenderFailure(RenderFailureKind.TemplateError, string.Create(
                CultureInfo.InvariantCulture,
                $"The markup made for this record is not valid at line {first.Line}, column {first.Column}: " +
                $"{first.Message}")), "markup");
        }
        catch (DocumentException e)
        {
            return DocumentOutcome.Failed(new RenderFailure(RenderFailureKind.TemplateError, e.Message), "document");
        }
    }

    // The document as a PDF (PDF/A-2b when the content asks for it), or why it cannot be made: a long document's
    // later pages are laid out only here, and one of them may not fit.
    public (byte[]? Pdf, string? Failure) Pdf(LaidOutDocument document, bool archival)
    {
        ArgumentNullException.ThrowIfNull(document);
        using var output = new MemoryStream();
        try
        {
            using var pdf = new PdfWriter(output, Settings(document, archival));
            document.WriteTo(pdf);
            pdf.Finish();
        }
        catch (DocumentException e)
        {
            return (null, e.Message);
        }

        return (output.ToArray(), null);
    }

    public PdfSettings Settings(LaidOutDocument document, bool archival)
    {
        ArgumentNullException.ThrowIfNull(document);
        var info = document.Info;
        return new PdfSettings
        {
            Title = info.Title, Author = info.Author, Subject = info.Subject, Keywords = info.Keywords,
            Language = info.Language, Created = time.GetUtcNow(), Archival = archival,
        };
    }

    private async Task<RenderOutcome> RenderAsync(
        string source, LookedUpRecord record, RenderOptions options, CancellationToken cancellationToken)
    {
        if (!liquid.TryCompile(source, out var template, out var error))
        {
            return RenderOutcome.Failed(new RenderFailure(RenderFailureKind.TemplateError,
                $"Line {error.Line}, column {error.Column}: {error.Message}"));
        }

        return await liquid.RenderAsync(template, record.Values, options, cancellationToken);
    }

    // A file name as a person would save it: no path, no control characters, ending in .pdf.
    private static string FileName(string rendered)
    {
        var name = new string([.. rendered.Trim().Select(c => c is '/' or '\\' || char.IsControl(c) ? '-' : c)]);
        if (name.Length == 0)
        {
            name = DocumentContent.DefaultFileName;
        }

        return name.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase) ? name : name + ".pdf";
    }
}
