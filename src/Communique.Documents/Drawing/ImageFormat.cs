namespace Communique.Documents.Drawing;

public enum ImageFormat
{
    Png,
    Jpeg,
    Svg,
}
