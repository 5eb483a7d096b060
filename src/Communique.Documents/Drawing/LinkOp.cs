namespace Communique.Documents.Drawing;

// A clickable area opening Uri (drawn nothing; a PDF link annotation).
public sealed record LinkOp(float X, float Y, float Width, float Height, string Uri) : DrawOp;
