using Communique.Documents.Text;

namespace Communique.Documents.Markup;

// What an element passes down to its content: the text style, and the paragraph settings that implicit and explicit
// paragraphs inside it start from.
internal readonly record struct InheritedStyle(
    TextStyle Text, TextAlign Align, TextDirection Direction, float LineHeight)
{
    public static InheritedStyle Default => new(TextStyle.Default, TextAlign.Start, TextDirection.Auto, 1.2f);
}
