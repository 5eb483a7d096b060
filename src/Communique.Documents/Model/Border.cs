using Communique.Documents.Drawing;

namespace Communique.Documents.Model;

// A solid border line; width in points.
public readonly record struct Border(float Width, Color Color);
