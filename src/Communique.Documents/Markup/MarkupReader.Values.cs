using System.Globalization;
using Communique.Documents.Drawing;
using Communique.Documents.Model;
using Communique.Documents.Text;
using A = Communique.Documents.Markup.MarkupAttribute;
using E = Communique.Documents.Markup.MarkupElement;

namespace Communique.Documents.Markup;

// Attributes: taking an element's attributes, reading them as typed values (null when absent, holding Liquid in a
// template, or not valid, which is reported), and the styles they make.
internal sealed partial class MarkupReader
{
    private static readonly (string, TextAlign)[] Aligns =
    [
        ("start", TextAlign.Start), ("end", TextAlign.End), ("left", TextAlign.Left), ("right", TextAlign.Right),
        ("center", TextAlign.Center), ("justify", TextAlign.Justify),
    ];

    private static readonly (string, TextAlign)[] BlockAligns =
    [
        ("start", TextAlign.Start), ("end", TextAlign.End), ("left", TextAlign.Left), ("right", TextAlign.Right),
        ("center", TextAlign.Center),
    ];

    private static readonly (string, TextDirection)[] Directions =
        [("auto", TextDirection.Auto), ("ltr", TextDirection.LeftToRight), ("rtl", TextDirection.RightToLeft)];

    private static readonly (string, bool)[] Weights = [("normal", false), ("bold", true)];

    private static readonly (string, bool)[] FontStyles = [("normal", false), ("italic", true)];

    private static readonly (string, bool)[] Orientations = [("portrait", false), ("landscape", true)];

    private static readonly (string, bool)[] ListTypes = [("bullet", false), ("number", true)];

    private static readonly (string, VerticalAlign)[] VerticalAligns =
        [("top", VerticalAlign.Top), ("middle", VerticalAlign.Middle), ("bottom", VerticalAlign.Bottom)];

    private static readonly (string, BarcodeKind)[] BarcodeKinds =
        [("qr", BarcodeKind.Qr), ("code128", BarcodeKind.Code128), ("datamatrix", BarcodeKind.DataMatrix)];

    private static readonly (string, BoxPages)[] BoxPageChoices =
    [
        ("first", BoxPages.First), ("all", BoxPages.All), ("all-but-first", BoxPages.AllButFirst),
        ("last", BoxPages.Last),
    ];

    private static readonly (string Generic, string Family)[] GenericFamilies =
        [("sans-serif", "Liberation Sans"), ("serif", "Liberation Serif"), ("monospace", "Liberation Mono")];

    private void ReadAttributes(E element, int line, int column)
    {
        _element = element;
        (_elementLine, _elementColumn) = (line, column);
        _attributes.Clear();
        if (!_xml.MoveToFirstAttribute())
        {
            return;
        }

        var allowed = MarkupNames.Attributes(element);
        do
        {
            var name = _xml.Name;
            if (_xml.NamespaceURI.Length == 0 && MarkupNames.TryAttribute(name, out var attribute)
                && (allowed & MarkupNames.Bit(attribute)) != 0)
            {
                var value = _xml.Value;
                _attributes.Set(
                    attribute, value, _place.LineNumber, _place.LinePosition,
                    _template && MarkupValues.HasLiquid(value));
            }
            else
            {
                var elementName = MarkupNames.Name(element);
                Error(_place.LineNumber, _place.LinePosition, allowed == 0
                    ? $"<{elementName}> takes no attributes; '{name}' is not allowed."
                    : $"Unknown attribute '{name}' on <{elementName}>; "
                        + $"it takes: {MarkupNames.AttributeList(allowed)}.");
            }
        }
        while (_xml.MoveToNextAttribute());
        _xml.MoveToElement();
    }

    private InheritedStyle Inherit(InheritedStyle parent)
    {
        if (!_attributes.HasAny(MarkupNames.Text))
        {
            return parent;
        }

        return new InheritedStyle(
            Font(parent.Text),
            Choice(A.Align, Aligns) ?? parent.Align,
            Choice(A.Dir, Directions) ?? parent.Direction,
            Number(A.LineHeight, 0.5f, 10) ?? parent.LineHeight);
    }

    private TextStyle Font(TextStyle parent)
    {
        if (!_attributes.HasAny(MarkupNames.Font))
        {
            return parent;
        }

        return parent with
        {
            FontFamily = FontFamily() ?? parent.FontFamily,
            FontSize = Length(A.FontSize, 1, 1000) ?? parent.FontSize,
            Bold = Choice(A.FontWeight, Weights) ?? parent.Bold,
            Italic = Choice(A.FontStyle, FontStyles) ?? parent.Italic,
            Color = ColorOf(A.Color) ?? parent.Color,
            LetterSpacing = Length(A.LetterSpacing, -100, 100) ?? parent.LetterSpacing,
            Underline = Bool(A.Underline) ?? parent.Underline,
        };
    }

    private BlockStyle BlockStyleOf(BlockStyle defaults)
    {
        if (!_attributes.HasAny(MarkupNames.BlockBox))
        {
            return defaults;
        }

        return defaults with
        {
            SpaceBefore = Length(A.SpaceBefore, -1000, 1000) ?? defaults.SpaceBefore,
            SpaceAfter = Length(A.SpaceAfter, -1000, 1000) ?? defaults.SpaceAfter,
            Padding = EdgesOf(A.Padding) ?? defaults.Padding,
            Border = BorderOf(A.Border) ?? defaults.Border,
            Background = ColorOf(A.Background) ?? defaults.Background,
            KeepTogether = Bool(A.KeepTogether) ?? defaults.KeepTogether,
            KeepWithNext = Bool(A.KeepWithNext) ?? defaults.KeepWithNext,
            PageBreakBefore = Bool(A.PageBreakBefore) ?? defaults.PageBreakBefore,
        };
    }

    // A required attribute's presence (a value holding Liquid counts); reported when missing.
    private bool Require(A attribute)
    {
        if (_attributes.Has(attribute))
        {
            return true;
        }

        Error(_elementLine, _elementColumn,
            $"<{MarkupNames.Name(_element)}> needs the attribute '{MarkupNames.Name(attribute)}'.");
        return false;
    }

    private string? String(A attribute) => _attributes.Value(attribute);

    // A value that must not be empty or only white space; returned trimmed.
    private string? Word(A attribute, int maxLength)
    {
        var text = _attributes.Value(attribute);
        if (text is null)
        {
            return null;
        }

        var trimmed = text.Trim();
        if (trimmed.Length > 0 && trimmed.Length <= maxLength)
        {
            return trimmed;
        }

        Invalid(attribute, text, trimmed.Length == 0 ? "a value that is not empty" : $"at most {maxLength} characters");
        return null;
    }

    private string? FontFamily()
    {
        var family = Word(A.FontFamily, 100);
        foreach (var (generic, bundled) in GenericFamilies)
        {
            if (family == generic)
            {
                return bundled;
            }
        }

        return family;
    }

    private string? Language()
    {
        var text = _attributes.Value(A.Lang);
        if (text is null)
        {
            return null;
        }

        var valid = text.Length is >= 2 and <= 35 && char.IsAsciiLetter(text[0]) && text[^1] != '-'
            && !text.Contains("--", StringComparison.Ordinal);
        foreach (var c in text)
        {
            valid &= char.IsAsciiLetterOrDigit(c) || c == '-';
        }

        if (!valid)
        {
            Invalid(A.Lang, text, "a language tag such as en, fr-CA or de-CH");
            return null;
        }

        return text;
    }

    private string? Link()
    {
        var text = _attributes.Value(A.Href);
        if (text is null)
        {
            return null;
        }

        var trimmed = text.Trim();
        if (Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "mailto")
        {
            return trimmed;
        }

        Invalid(A.Href, text, "an http:, https: or mailto: link");
        return null;
    }

    private float? Length(A attribute, float min, float max)
    {
        var text = _attributes.Value(attribute);
        if (text is null)
        {
            return null;
        }

        if (MarkupValues.TryLength(text, out var points) && points >= min && points <= max)
        {
            return points;
        }

        Invalid(attribute, text, MarkupValues.TryLength(text, out _)
            ? string.Create(CultureInfo.InvariantCulture, $"a length from {min:0.##}pt to {max:0.##}pt")
            : MarkupValues.LengthHelp);
        return null;
    }

    private float? Number(A attribute, float min, float max)
    {
        var text = _attributes.Value(attribute);
        if (text is null)
        {
            return null;
        }

        if (MarkupValues.TryNumber(text, out var number) && number >= min && number <= max)
        {
            return number;
        }

        Invalid(attribute, text,
            string.Create(CultureInfo.InvariantCulture, $"a number from {min:0.##} to {max:0.##}"));
        return null;
    }

    private int? Integer(A attribute, int min, int max)
    {
        var text = _attributes.Value(attribute);
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text.AsSpan().Trim(), NumberStyles.None,
                CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
        {
            return number;
        }

        Invalid(attribute, text, string.Create(CultureInfo.InvariantCulture, $"a whole number from {min} to {max}"));
        return null;
    }

    private bool? Bool(A attribute)
    {
        var text = _attributes.Value(attribute);
        if (text is null)
        {
            return null;
        }

        if (MarkupValues.TryBool(text, out var value))
        {
            return value;
        }

        Invalid(attribute, text, "true or false");
        return null;
    }

    private Color? ColorOf(A attribute)
    {
        var text = _attributes.Value(attribute);
        if (text is null)
        {
            return null;
        }

        if (MarkupValues.TryColor(text, out var color))
        {
            return color;
        }

        Invalid(attribute, text, MarkupValues.ColorHelp);
        return null;
    }

    private Edges? EdgesOf(A attribute)
    {
        var text = _attributes.Value(attribute);
        if (text is null)
        {
            return null;
        }

        if (MarkupValues.TryEdges(text, 0, 5000, out var edges))
        {
            return edges;
        }

        Invalid(attribute, text, "one to four lengths (top right bottom left, as in CSS), each from 0pt to 5000pt");
        return null;
    }

    private Border? BorderOf(A attribute)
    {
        var text = _attributes.Value(attribute);
        if (text is null)
        {
            return null;
        }

        if (MarkupValues.TryBorder(text, out var border))
        {
            return border;
        }

        Invalid(attribute, text, "none, or a width up to 72pt and a colour: 0.5pt #999");
        return null;
    }

    private T? Choice<T>(A attribute, (string Name, T Value)[] choices)
        where T : struct
    {
        var text = _attributes.Value(attribute);
        if (text is null)
        {
            return null;
        }

        var trimmed = text.AsSpan().Trim();
        foreach (var (name, value) in choices)
        {
            if (trimmed.SequenceEqual(name))
            {
                return value;
            }
        }

        Invalid(attribute, text, $"one of {string.Join(", ", choices.Select(c => c.Name))}");
        return null;
    }

    private void Invalid(A attribute, string value, string expected)
    {
        var (line, column) = _attributes.Place(attribute);
        var shown = value.Length > 40 ? $"{value[..40]}…" : value;
        Error(line, column,
            $"{MarkupNames.Name(attribute)}=\"{shown}\" on <{MarkupNames.Name(_element)}> is not valid; "
            + $"expected {expected}.");
    }
}
