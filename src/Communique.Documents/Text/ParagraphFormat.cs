namespace Communique.Documents.Text;

// How a paragraph's lines are made: LineHeight multiplies each line's largest font size; Language (BCP 47) selects
// the line-breaking rules' tailoring.
public sealed record ParagraphFormat(
    TextAlign Align = TextAlign.Start, TextDirection Direction = TextDirection.Auto, float LineHeight = 1.2f,
    float FirstLineIndent = 0, string Language = "en");
