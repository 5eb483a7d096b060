using System.Collections.Frozen;

namespace Communique.Rendering;

// A lexical pass over Liquid source, run before Fluid parses it. Fluid's parser and renderer
// recurse once per nested block, filter and operator, and a stack overflow cannot be caught:
// a 10,000-deep `{% if %}` would take the whole host down at save time. The scan reads tags
// the way Fluid does (strings with backslash escapes, raw and comment bodies unparsed) so
// that its nesting count is never lower than the parser's.
internal static class TemplateScanner
{
    public const int MaxNesting = 32;
    public const int MaxExpressionParts = 256;
    public const int MaxBracketDepth = 16;

    private static readonly FrozenSet<string> Blocks =
        new[] { "if", "unless", "for", "case", "capture", "tablerow", "ifchanged" }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> WordOperators =
        new[] { "and", "or", "contains", "startswith", "endswith" }.ToFrozenSet(StringComparer.Ordinal);

    // Name is null for an output ({{ }}), "#" for an inline comment, otherwise the tag name.
    public readonly record struct Tag(int Start, int BodyStart, int BodyEnd, string? Name);

    public static LiquidError? CheckShape(string source)
    {
        var open = new List<(string Name, int Start)>();
        foreach (var tag in Tags(source))
        {
            var (parts, depth) = tag.Name == "#" ? (0, 0) : Measure(source, tag);
            if (parts > MaxExpressionParts)
            {
                return ErrorAt(
                    source, tag.Start, $"This tag has more than {MaxExpressionParts} filters and operators.");
            }
            if (depth > MaxBracketDepth)
            {
                return ErrorAt(
                    source, tag.Start, $"Brackets and parentheses are nested more than {MaxBracketDepth} deep.");
            }
            Track(open, tag);
            if (open.Count > MaxNesting)
            {
                return ErrorAt(source, tag.Start, $"Blocks are nested more than {MaxNesting} deep.");
            }
        }
        return null;
    }

    // The innermost block `name` still open at `before`: where an unclosed tag began.
    public static int? FindUnclosed(string source, string name, int before)
    {
        var open = new List<(string Name, int Start)>();
        foreach (var tag in Tags(source))
        {
            if (tag.Start >= before)
            {
                break;
            }
            Track(open, tag);
        }
        for (var i = open.Count - 1; i >= 0; i--)
        {
            if (open[i].Name == name)
            {
                return open[i].Start;
            }
        }
        return null;
    }

    public static int? FindFilter(string source, string filter)
    {
        foreach (var tag in Tags(source))
        {
            if (tag.Name == "#")
            {
                continue;
            }
            for (var i = tag.BodyStart; i < tag.BodyEnd; i++)
            {
                var c = source[i];
                if (c is '"' or '\'')
                {
                    i = EndOfString(source, i, tag.BodyEnd);
                }
                else if (c == '|')
                {
                    var start = i + 1;
                    while (start < tag.BodyEnd && char.IsWhiteSpace(source[start]))
                    {
                        start++;
                    }
                    if (ReadWord(source, start) == filter)
                    {
                        return start;
                    }
                }
            }
        }
        return null;
    }

    public static IEnumerable<Tag> Tags(string source)
    {
        var i = 0;
        while (i < source.Length - 1)
        {
            var open = source.IndexOf('{', i);
            if (open < 0 || open == source.Length - 1)
            {
                yield break;
            }
            var kind = source[open + 1];
            if (kind is not ('{' or '%'))
            {
                i = open + 1;
                continue;
            }
            var bodyStart = open + 2;
            if (bodyStart < source.Length && source[bodyStart] == '-')
            {
                bodyStart++;
            }
            var name = kind == '%' ? TagName(source, bodyStart) : null;
            // An inline comment ends at the first %}, quotes or not, as Fluid reads it.
            var close = name == "#"
                ? source.IndexOf("%}", bodyStart, StringComparison.Ordinal)
                : FindClose(source, bodyStart, kind == '{' ? '}' : '%');
            var bodyEnd = close < 0 ? source.Length : close;
            yield return new Tag(open, bodyStart, bodyEnd, name);
            i = close < 0 ? source.Length : close + 2;
            if (name is "raw" or "comment")
            {
                i = AfterEndTag(source, i, "end" + name);
            }
        }
    }

    public static (int Line, int Column) Position(string source, int offset)
    {
        offset = Math.Clamp(offset, 0, source.Length);
        var line = 1;
        var lineStart = 0;
        for (var i = source.IndexOf('\n'); i >= 0 && i < offset; i = source.IndexOf('\n', i + 1))
        {
            line++;
            lineStart = i + 1;
        }
        return (line, offset - lineStart + 1);
    }

    public static int Offset(string source, int line, int column)
    {
        var lineStart = 0;
        for (var l = 1; l < line; l++)
        {
            var next = source.IndexOf('\n', lineStart);
            if (next < 0)
            {
                break;
            }
            lineStart = next + 1;
        }
        return Math.Clamp(lineStart + column - 1, 0, source.Length);
    }

    public static LiquidError ErrorAt(string source, int offset, string message)
    {
        var (line, column) = Position(source, offset);
        return new LiquidError(message, line, column);
    }

    private static void Track(List<(string Name, int Start)> open, Tag tag)
    {
        if (tag.Name is null)
        {
            return;
        }
        if (Blocks.Contains(tag.Name))
        {
            open.Add((tag.Name, tag.Start));
        }
        // Only a matching end tag closes: a stray one must not hide real nesting.
        else if (open.Count > 0 && tag.Name.StartsWith("end", StringComparison.Ordinal)
            && tag.Name.AsSpan(3).SequenceEqual(open[^1].Name))
        {
            open.RemoveAt(open.Count - 1);
        }
    }

    // Filters and operators chain (the renderer recurses once per link); brackets and
    // parentheses nest (the parser recurses several frames per level).
    private static (int Parts, int Depth) Measure(string source, Tag tag)
    {
        var parts = 0;
        var depth = 0;
        var maxDepth = 0;
        for (var i = tag.BodyStart; i < tag.BodyEnd; i++)
        {
            var c = source[i];
            if (c is '"' or '\'')
            {
                i = EndOfString(source, i, tag.BodyEnd);
                continue;
            }
            if (c is '(' or '[')
            {
                maxDepth = Math.Max(maxDepth, ++depth);
            }
            else if (c is ')' or ']')
            {
                depth = Math.Max(0, depth - 1);
            }
            if (c is '|' or '[' or '<' or '>' or '=' or '!')
            {
                parts++;
            }
            else if (char.IsLetter(c) && !IsWordChar(source[i - 1]))
            {
                var word = ReadWord(source, i);
                if (WordOperators.Contains(word))
                {
                    parts++;
                }
                i += Math.Max(0, word.Length - 1);
            }
        }
        return (parts, maxDepth);
    }

    private static string TagName(string source, int from)
    {
        while (from < source.Length && char.IsWhiteSpace(source[from]))
        {
            from++;
        }
        return from < source.Length && source[from] == '#' ? "#" : ReadWord(source, from);
    }

    private static string ReadWord(string source, int from)
    {
        var end = from;
        while (end < source.Length && IsWordChar(source[end]))
        {
            end++;
        }
        return source[from..end];
    }

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    // Index of the closing quote, or `limit` when the string never closes.
    private static int EndOfString(string source, int quote, int limit)
    {
        var q = source[quote];
        for (var i = quote + 1; i < limit; i++)
        {
            if (source[i] == '\\')
            {
                i++;
            }
            else if (source[i] == q)
            {
                return i;
            }
        }
        return limit;
    }

    private static int FindClose(string source, int from, char first)
    {
        for (var i = from; i < source.Length - 1; i++)
        {
            var c = source[i];
            if (c is '"' or '\'')
            {
                i = EndOfString(source, i, source.Length);
            }
            else if (c == first && source[i + 1] == '}')
            {
                return i;
            }
        }
        return -1;
    }

    private static int AfterEndTag(string source, int from, string endName)
    {
        for (var open = source.IndexOf("{%", from, StringComparison.Ordinal); open >= 0;
             open = source.IndexOf("{%", open + 2, StringComparison.Ordinal))
        {
            var bodyStart = open + 2 < source.Length && source[open + 2] == '-' ? open + 3 : open + 2;
            if (TagName(source, bodyStart) == endName)
            {
                var close = source.IndexOf("%}", bodyStart, StringComparison.Ordinal);
                return close < 0 ? source.Length : close + 2;
            }
        }
        return source.Length;
    }
}
