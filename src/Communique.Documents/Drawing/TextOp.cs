namespace Communique.Documents.Drawing;

// A glyph run whose pen starts at (X, Baseline). Rotation is in degrees, anticlockwise around that point (watermarks);
// Opacity below 1 makes the text translucent.
public sealed record TextOp(float X, float Baseline, GlyphRun Run, Color Color, float Rotation = 0, float Opacity = 1)
    : DrawOp;
