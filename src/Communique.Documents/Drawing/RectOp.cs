namespace Communique.Documents.Drawing;

// A rectangle filled, stroked, or both; a stroke is centred on the rectangle's edge.
public sealed record RectOp(float X, float Y, float Width, float Height, Color? Fill, Color? Stroke = null,
    float StrokeWidth = 0) : DrawOp;
