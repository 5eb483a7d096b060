using Communique.Documents.Drawing;

namespace Communique.Documents.Text;

// A glyph run of a laid-out line, X from the paragraph's left edge.
internal readonly record struct PlacedRun(float X, GlyphRun Run, TextStyle Style);
