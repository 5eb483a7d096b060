namespace Communique.Documents.Drawing;

// An image scaled into the rectangle.
public sealed record ImageOp(float X, float Y, float Width, float Height, ImageSource Image) : DrawOp;
