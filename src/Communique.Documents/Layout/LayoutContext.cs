using Communique.Documents.Drawing;
using Communique.Documents.Text;

namespace Communique.Documents.Layout;

// What laying out one document needs besides its model: the fonts, the images by the names the markup uses, the
// language, and the height of a page's body (the most any unsplittable slab may take).
internal sealed class LayoutContext(FontLibrary fonts, Func<string, ImageSource> images, string language)
{
    private readonly Dictionary<string, ImageSource> _images = new(StringComparer.Ordinal);

    public FontLibrary Fonts { get; } = fonts;

    public string Language { get; } = language;

    public float BodyHeight { get; set; } = float.MaxValue;

    public ImageSource Image(string source)
    {
        if (!_images.TryGetValue(source, out var image))
        {
            image = images(source);
            _images[source] = image;
        }

        return image;
    }
}
