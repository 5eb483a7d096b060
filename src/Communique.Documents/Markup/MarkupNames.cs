using System.Collections.Frozen;
using System.Text;
using E = Communique.Documents.Markup.MarkupElement;
using A = Communique.Documents.Markup.MarkupAttribute;

namespace Communique.Documents.Markup;

// The markup's vocabulary: element and attribute names (the enum members in kebab case), which elements each element
// may contain and which attributes it takes. Sets are bit masks so that a check is one AND.
internal static class MarkupNames
{
    public static readonly ulong Font = Mask(
        A.FontFamily, A.FontSize, A.FontWeight, A.FontStyle, A.Color, A.LetterSpacing, A.Underline);

    public static readonly ulong Text = Font | Mask(A.LineHeight, A.Align, A.Dir);

    public static readonly ulong BlockBox = Mask(
        A.SpaceBefore, A.SpaceAfter, A.Padding, A.Border, A.Background, A.KeepTogether, A.KeepWithNext,
        A.PageBreakBefore);

    public static readonly ulong Inlines = Mask(E.Span, E.B, E.I, E.U, E.A, E.Br, E.PageNumber, E.PageCount);

    public static readonly ulong Blocks = Mask(
        E.P, E.H1, E.H2, E.H3, E.List, E.Table, E.Image, E.Barcode, E.Spacer, E.Block);

    // Containers whose inline content is wrapped in implicit paragraphs.
    public static readonly ulong Flow = Blocks | Inlines;

    private static readonly string[] ElementNames = KebabNames<E>();
    private static readonly string[] AttributeNames = KebabNames<A>();

    private static readonly FrozenDictionary<string, E> ElementsByName = Enum.GetValues<E>()
        .Where(e => e != E.Unknown).ToFrozenDictionary(e => ElementNames[(int)e], StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, A> AttributesByName = Enum.GetValues<A>()
        .ToFrozenDictionary(a => AttributeNames[(int)a], StringComparer.Ordinal);

    private static readonly ulong[] ChildrenOf = Table(new Dictionary<E, ulong>
    {
        [E.Document] = Mask(E.Page, E.Header, E.Footer, E.Body, E.Box, E.Watermark),
        [E.Header] = Flow,
        [E.Footer] = Flow,
        [E.Body] = Blocks | Mask(E.PageBreak),
        [E.Box] = Flow,
        [E.P] = Inlines,
        [E.H1] = Inlines,
        [E.H2] = Inlines,
        [E.H3] = Inlines,
        [E.List] = Mask(E.Item),
        [E.Item] = Flow,
        [E.Table] = Mask(E.Columns, E.HeaderRow, E.Row),
        [E.Columns] = Mask(E.Column),
        [E.HeaderRow] = Mask(E.Cell),
        [E.Row] = Mask(E.Cell),
        [E.Cell] = Flow,
        [E.Block] = Flow,
        [E.Span] = Inlines,
        [E.B] = Inlines,
        [E.I] = Inlines,
        [E.U] = Inlines,
        [E.A] = Inlines,
    });

    private static readonly ulong[] AttributesOf = Table(new Dictionary<E, ulong>
    {
        [E.Document] = Text | Mask(A.Title, A.Author, A.Subject, A.Keywords, A.Lang),
        [E.Page] = Mask(
            A.Size, A.Orientation, A.Margin, A.MarginTop, A.MarginRight, A.MarginBottom, A.MarginLeft,
            A.HeaderDistance, A.FooterDistance),
        [E.Header] = Text | Mask(A.First),
        [E.Footer] = Text | Mask(A.First),
        [E.Body] = Text,
        [E.Box] = Text | BlockBox | Mask(A.X, A.Y, A.Width, A.Height, A.On),
        [E.Watermark] = Mask(
            A.Text, A.FontFamily, A.FontSize, A.FontWeight, A.FontStyle, A.Color, A.Angle, A.Opacity),
        [E.P] = Text | BlockBox | Mask(A.FirstLineIndent),
        [E.H1] = Text | BlockBox | Mask(A.FirstLineIndent),
        [E.H2] = Text | BlockBox | Mask(A.FirstLineIndent),
        [E.H3] = Text | BlockBox | Mask(A.FirstLineIndent),
        [E.List] = Text | BlockBox | Mask(A.Type, A.Start, A.Indent, A.Bullet),
        [E.Item] = Text,
        [E.Table] = Text | BlockBox | Mask(A.Grid, A.CellPadding),
        [E.Column] = Mask(A.Width),
        [E.HeaderRow] = Text | Mask(A.Background),
        [E.Row] = Text | Mask(A.Background),
        [E.Cell] = Text | Mask(A.Colspan, A.Background, A.Padding, A.Valign),
        [E.Image] = BlockBox | Mask(A.Src, A.Width, A.Height, A.Align),
        [E.Barcode] = BlockBox | Mask(A.Type, A.Value, A.Width, A.Height, A.HumanReadable, A.Align, A.Color),
        [E.Spacer] = Mask(A.Height),
        [E.Block] = Text | BlockBox,
        [E.Span] = Font,
        [E.A] = Font | Mask(A.Href),
    });

    public static string Name(E element) => ElementNames[(int)element];

    public static string Name(A attribute) => AttributeNames[(int)attribute];

    public static E Element(string name) => ElementsByName.GetValueOrDefault(name, E.Unknown);

    public static bool TryAttribute(string name, out A attribute) => AttributesByName.TryGetValue(name, out attribute);

    public static ulong Children(E element) => ChildrenOf[(int)element];

    public static ulong Attributes(E element) => AttributesOf[(int)element];

    public static ulong Bit(E element) => 1UL << (int)element;

    public static ulong Bit(A attribute) => 1UL << (int)attribute;

    // "span, b, i" for the elements in the mask, for error messages.
    public static string ElementList(ulong mask) => List(mask, ElementNames);

    public static string AttributeList(ulong mask) => List(mask, AttributeNames);

    private static string List(ulong mask, string[] names)
    {
        if (mask == 0)
        {
            return "none";
        }

        var list = new StringBuilder();
        for (var i = 0; i < names.Length; i++)
        {
            if ((mask & (1UL << i)) != 0)
            {
                list.Append(list.Length == 0 ? "" : ", ").Append(names[i]);
            }
        }

        return list.ToString();
    }

    private static ulong Mask(params ReadOnlySpan<E> elements)
    {
        var mask = 0UL;
        foreach (var element in elements)
        {
            mask |= Bit(element);
        }

        return mask;
    }

    private static ulong Mask(params ReadOnlySpan<A> attributes)
    {
        var mask = 0UL;
        foreach (var attribute in attributes)
        {
            mask |= Bit(attribute);
        }

        return mask;
    }

    private static ulong[] Table(Dictionary<E, ulong> entries)
    {
        var table = new ulong[Enum.GetValues<E>().Length];
        foreach (var (element, mask) in entries)
        {
            table[(int)element] = mask;
        }

        return table;
    }

    private static string[] KebabNames<T>()
        where T : struct, Enum
    {
        var values = Enum.GetValues<T>();
        var names = new string[values.Length];
        foreach (var value in values)
        {
            var pascal = value.ToString();
            var kebab = new StringBuilder(pascal.Length + 4);
            for (var i = 0; i < pascal.Length; i++)
            {
                if (char.IsUpper(pascal[i]) && i > 0)
                {
                    kebab.Append('-');
                }

                kebab.Append(char.ToLowerInvariant(pascal[i]));
            }

            names[Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)] = kebab.ToString();
        }

        return names;
    }
}
