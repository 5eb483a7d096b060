using Communique.Documents.Layout;
using Communique.Rendering;

namespace Communique.Documents;

// A document laid out for one record with its file name, or why it could not be: Part names what failed ("markup",
// "fileName", "document" for the layout).
public sealed record DocumentOutcome(LaidOutDocument? Document, string? FileName, RenderFailure? Failure, string? Part)
{
    public static DocumentOutcome Made(LaidOutDocument document, string fileName) =>
        new(document, fileName, null, null);

    public static DocumentOutcome Failed(RenderFailure failure, string part) => new(null, null, failure, part);
}
