using System.Text;
using Communique.Documents.Model;
using Communique.Documents.Text;

namespace Communique.Documents.Markup;

// Builds one paragraph's inlines with white space as in HTML's normal flow: runs of spaces, tabs and line ends are
// one space, also across elements; none at the paragraph's start or end, nor around a line break. Text of one style
// gathers in one buffer and becomes one TextInline, so a paragraph costs one string per style change.
internal sealed class InlineBuilder
{
    private static readonly LineBreakInline LineBreak = new();

    private readonly StringBuilder _pending = new();
    private List<Inline>? _target;
    private TextStyle? _pendingStyle;
    private bool _afterSpace;

    public void Begin(List<Inline> target)
    {
        _target = target;
        _pending.Clear();
        _pendingStyle = null;
        _afterSpace = true;
    }

    public void Append(string text, TextStyle style)
    {
        foreach (var c in text)
        {
            // Characters XML 1.0 forbids, which only a record's field values can bring: no font draws them.
            if (c is < ' ' and not ('\t' or '\n' or '\r') or '\uFFFE' or '\uFFFF')
            {
                continue;
            }

            var space = c is ' ' or '\t' or '\n' or '\r';
            if (space && _afterSpace)
            {
                continue;
            }

            if (!ReferenceEquals(style, _pendingStyle))
            {
                if (_pending.Length > 0 && style != _pendingStyle)
                {
                    Flush();
                }

                _pendingStyle = style;
            }

            _pending.Append(space ? ' ' : c);
            _afterSpace = space;
        }
    }

    // A page number or count: text-like, so a space before it is kept.
    public void Add(Inline inline)
    {
        Flush();
        _target!.Add(inline);
        _afterSpace = false;
    }

    public void Break()
    {
        TrimEnd();
        Flush();
        _target!.Add(LineBreak);
        _afterSpace = true;
    }

    public void End()
    {
        TrimEnd();
        Flush();
        // Most paragraphs hold one or two inlines; a table of many rows holds many paragraphs.
        if (_target!.Count < _target.Capacity)
        {
            _target.Capacity = _target.Count;
        }

        _target = null;
    }

    private void TrimEnd()
    {
        if (_pending.Length > 0 && _pending[^1] == ' ')
        {
            _pending.Length--;
        }
    }

    private void Flush()
    {
        if (_pending.Length > 0)
        {
            _target!.Add(new TextInline(_pending.ToString(), _pendingStyle!));
            _pending.Clear();
        }
    }
}
