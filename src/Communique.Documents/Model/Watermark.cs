using Communique.Documents.Text;

namespace Communique.Documents.Model;

// Text across the middle of every page, under the content: Angle in degrees anticlockwise, Opacity 0..1.
public sealed record Watermark(string Text, TextStyle Style, float Angle = 45, float Opacity = 0.15f);
