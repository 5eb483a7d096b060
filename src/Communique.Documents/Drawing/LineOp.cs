namespace Communique.Documents.Drawing;

// A straight line (borders, underlines, crop marks).
public sealed record LineOp(float X1, float Y1, float X2, float Y2, Color Color, float Width) : DrawOp;
