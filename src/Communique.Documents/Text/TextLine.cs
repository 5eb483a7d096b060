namespace Communique.Documents.Text;

// One line of a laid-out paragraph. Top is from the paragraph's top; the baseline is at Top + Ascent; Height is the
// line's share of the paragraph (line height included); Width is the width its content takes.
public sealed record TextLine(float Top, float Height, float Ascent, float Width);
