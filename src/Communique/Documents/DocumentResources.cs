using Communique.Documents.Drawing;
using Communique.Documents.Text;

namespace Communique.Documents;

// What a document is drawn with besides its markup: its images by the names the markup uses, and its fonts.
public sealed record DocumentResources(IReadOnlyDictionary<string, ImageSource> Images, FontLibrary Fonts);
