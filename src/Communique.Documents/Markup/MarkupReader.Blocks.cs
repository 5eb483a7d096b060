using Communique.Documents.Model;
using Communique.Documents.Text;
using A = Communique.Documents.Markup.MarkupAttribute;
using E = Communique.Documents.Markup.MarkupElement;

namespace Communique.Documents.Markup;

// The page, the running header and footer, boxes, the watermark, and the blocks and inlines of the flow.
internal sealed partial class MarkupReader
{
    private static readonly BlockStyle H1Style = new() { SpaceBefore = 12, SpaceAfter = 6, KeepWithNext = true };
    private static readonly BlockStyle H2Style = new() { SpaceBefore = 10, SpaceAfter = 5, KeepWithNext = true };
    private static readonly BlockStyle H3Style = new() { SpaceBefore = 8, SpaceAfter = 4, KeepWithNext = true };

    private PageSpec ReadPage(int line, int column)
    {
        ReadAttributes(E.Page, line, column);
        var (width, height) = (PageSpec.A4.Width, PageSpec.A4.Height);
        var size = String(A.Size);
        if (size is not null && !MarkupValues.TryPageSize(size, out width, out height))
        {
            Invalid(A.Size, size, $"one of {MarkupValues.PageSizeNames}, or a width x height such as 210mm x 99mm");
            (width, height) = (PageSpec.A4.Width, PageSpec.A4.Height);
        }

        if (Choice(A.Orientation, Orientations) is { } landscape)
        {
            (width, height) = landscape
                ? (Math.Max(width, height), Math.Min(width, height))
                : (Math.Min(width, height), Math.Max(width, height));
        }

        var margins = EdgesOf(A.Margin) ?? PageSpec.A4.Margins;
        margins = new Edges(
            Length(A.MarginTop, 0, 5000) ?? margins.Top,
            Length(A.MarginRight, 0, 5000) ?? margins.Right,
            Length(A.MarginBottom, 0, 5000) ?? margins.Bottom,
            Length(A.MarginLeft, 0, 5000) ?? margins.Left);
        var page = new PageSpec(
            width, height, margins,
            Length(A.HeaderDistance, 0, 5000) ?? PageSpec.A4.HeaderDistance,
            Length(A.FooterDistance, 0, 5000) ?? PageSpec.A4.FooterDistance);
        if (margins.Horizontal >= width - 36 || margins.Vertical >= height - 36)
        {
            Error(line, column, "The margins leave less than half an inch of the page for the body.");
        }

        ReadEmpty(E.Page);
        return page;
    }

    private (bool First, RunningBlock Block) ReadRunning(E kind, InheritedStyle parent, int line, int column)
    {
        ReadAttributes(kind, line, column);
        var first = Bool(A.First) ?? false;
        var style = Inherit(parent);
        var running = new RunningBlock();
        ReadFlow(kind, style, running.Content);
        return (first, running);
    }

    private List<Block> ReadBody(InheritedStyle parent, int line, int column)
    {
        ReadAttributes(E.Body, line, column);
        var style = Inherit(parent);
        var body = new List<Block>();
        var open = !_xml.IsEmptyElement;
        while (open && NextChild())
        {
            if (IsText)
            {
                TextNotAllowed(E.Body);
                continue;
            }

            var (childLine, childColumn) = ElementPlace();
            var child = Enter();
            if (Allowed(E.Body, child, childLine, childColumn))
            {
                ReadBlock(child, style, body, childLine, childColumn);
            }
        }

        return body;
    }

    private BoxBlock ReadBox(InheritedStyle parent, int line, int column)
    {
        ReadAttributes(E.Box, line, column);
        Require(A.X);
        Require(A.Y);
        Require(A.Width);
        var style = Inherit(parent);
        var box = new BoxBlock
        {
            X = Length(A.X, 0, 14_400) ?? 0,
            Y = Length(A.Y, 0, 14_400) ?? 0,
            Width = Length(A.Width, 1, 14_400) ?? 72,
            Height = Length(A.Height, 1, 14_400),
            On = Choice(A.On, BoxPageChoices) ?? BoxPages.First,
            Style = BlockStyleOf(BlockStyle.Default),
            Line = line,
            Column = column,
        };
        ReadFlow(E.Box, style, box.Content);
        return box;
    }

    private Watermark ReadWatermark(InheritedStyle parent, int line, int column)
    {
        ReadAttributes(E.Watermark, line, column);
        Require(A.Text);
        var watermark = new Watermark(
            Word(A.Text, 200) ?? "",
            Font(parent.Text with { FontSize = 72, Underline = false, LetterSpacing = 0 }),
            Number(A.Angle, -360, 360) ?? 45,
            Number(A.Opacity, 0, 1) ?? 0.15f);
        ReadEmpty(E.Watermark);
        return watermark;
    }

    // The content of a header, footer, box, block, list item or cell: blocks, and inline content, which is wrapped
    // in an implicit paragraph running up to the next block.
    private void ReadFlow(E container, InheritedStyle style, List<Block> into)
    {
        ParagraphBlock? paragraph = null;
        var open = !_xml.IsEmptyElement;
        while (open && NextChild())
        {
            if (IsText)
            {
                var text = _xml.Value;
                if (paragraph is null)
                {
                    if (IsBlank(text) || (_template && LiquidMask.IsOnlyTags(text)))
                    {
                        continue;
                    }

                    var (line, column) = FirstInk(text);
                    paragraph = BeginParagraph(style, line, column);
                }

                _inlines.Append(text, style.Text);
                continue;
            }

            var (childLine, childColumn) = ElementPlace();
            var child = Enter();
            if (!Allowed(container, child, childLine, childColumn))
            {
                continue;
            }

            if ((MarkupNames.Inlines & MarkupNames.Bit(child)) != 0)
            {
                paragraph ??= BeginParagraph(style, childLine, childColumn);
                ReadInline(child, style.Text);
            }
            else
            {
                EndParagraph(paragraph, into);
                paragraph = null;
                ReadBlock(child, style, into, childLine, childColumn);
            }
        }

        EndParagraph(paragraph, into);
    }

    private ParagraphBlock BeginParagraph(InheritedStyle style, int line, int column)
    {
        var paragraph = new ParagraphBlock
        {
            Align = style.Align,
            Direction = style.Direction,
            LineHeight = style.LineHeight,
            Line = line,
            Column = column,
        };
        _inlines.Begin(paragraph.Content);
        return paragraph;
    }

    private void EndParagraph(ParagraphBlock? paragraph, List<Block> into)
    {
        if (paragraph is null)
        {
            return;
        }

        _inlines.End();
        if (paragraph.Content.Count > 0)
        {
            into.Add(paragraph);
        }
    }

    private void ReadBlock(E kind, InheritedStyle parent, List<Block> into, int line, int column)
    {
        Block? block = kind switch
        {
            E.P or E.H1 or E.H2 or E.H3 => ReadParagraph(kind, parent, line, column),
            E.List => ReadList(parent, line, column),
            E.Table => ReadTable(parent, line, column),
            E.Image => ReadImage(parent, line, column),
            E.Barcode => ReadBarcode(parent, line, column),
            E.Spacer => ReadSpacer(line, column),
            E.Block => ReadGroup(parent, line, column),
            E.PageBreak => ReadPageBreak(line, column),
            _ => null,
        };
        if (block is not null)
        {
            into.Add(block);
        }
    }

    private ParagraphBlock ReadParagraph(E kind, InheritedStyle parent, int line, int column)
    {
        ReadAttributes(kind, line, column);
        var (size, defaults) = kind switch
        {
            E.H1 => (20f, H1Style),
            E.H2 => (16f, H2Style),
            E.H3 => (13f, H3Style),
            _ => (0f, BlockStyle.Default),
        };
        if (size > 0)
        {
            parent = parent with { Text = parent.Text with { FontSize = size, Bold = true } };
        }

        var style = Inherit(parent);
        var paragraph = new ParagraphBlock
        {
            Align = style.Align,
            Direction = style.Direction,
            LineHeight = style.LineHeight,
            FirstLineIndent = Length(A.FirstLineIndent, -1000, 1000) ?? 0,
            Style = BlockStyleOf(defaults),
            Line = line,
            Column = column,
        };
        _inlines.Begin(paragraph.Content);
        ReadInlines(kind, style.Text);
        _inlines.End();
        return paragraph;
    }

    private void ReadInlines(E container, TextStyle style)
    {
        var open = !_xml.IsEmptyElement;
        while (open && NextChild())
        {
            if (IsText)
            {
                _inlines.Append(_xml.Value, style);
                continue;
            }

            var (line, column) = ElementPlace();
            var child = Enter();
            if (Allowed(container, child, line, column))
            {
                ReadInline(child, style);
            }
        }
    }

    private void ReadInline(E kind, TextStyle parent)
    {
        var (line, column) = ElementPlace();
        ReadAttributes(kind, line, column);
        switch (kind)
        {
            case E.Span:
                ReadInlines(kind, Font(parent));
                break;
            case E.B:
                ReadInlines(kind, parent.Bold ? parent : parent with { Bold = true });
                break;
            case E.I:
                ReadInlines(kind, parent.Italic ? parent : parent with { Italic = true });
                break;
            case E.U:
                ReadInlines(kind, parent.Underline ? parent : parent with { Underline = true });
                break;
            case E.A:
                Require(A.Href);
                var link = Link();
                var style = Font(parent);
                ReadInlines(kind, link is null ? style : style with { Link = link });
                break;
            case E.Br:
                ReadEmpty(kind);
                _inlines.Break();
                break;
            case E.PageNumber or E.PageCount:
                ReadEmpty(kind);
                _inlines.Add(new PageNumberInline(parent, Total: kind == E.PageCount));
                break;
        }
    }

    private ListBlock ReadList(InheritedStyle parent, int line, int column)
    {
        ReadAttributes(E.List, line, column);
        var style = Inherit(parent);
        var list = new ListBlock
        {
            Ordered = Choice(A.Type, ListTypes) ?? false,
            Bullet = Word(A.Bullet, 8) ?? "\u2022",
            Start = Integer(A.Start, 0, 1_000_000) ?? 1,
            Indent = Length(A.Indent, 0, 1000) ?? 18,
            MarkerStyle = style.Text,
            Style = BlockStyleOf(BlockStyle.Default),
            Line = line,
            Column = column,
        };
        var open = !_xml.IsEmptyElement;
        while (open && NextChild())
        {
            if (IsText)
            {
                TextNotAllowed(E.List);
                continue;
            }

            var (itemLine, itemColumn) = ElementPlace();
            var child = Enter();
            if (Allowed(E.List, child, itemLine, itemColumn))
            {
                ReadAttributes(E.Item, itemLine, itemColumn);
                var item = new List<Block>();
                ReadFlow(E.Item, Inherit(style), item);
                list.Items.Add(item);
            }
        }

        return list;
    }

    private ImageBlock ReadImage(InheritedStyle parent, int line, int column)
    {
        ReadAttributes(E.Image, line, column);
        Require(A.Src);
        var image = new ImageBlock
        {
            Source = Word(A.Src, 1000) ?? "",
            Width = Length(A.Width, 1, 14_400),
            Height = Length(A.Height, 1, 14_400),
            Align = Choice(A.Align, BlockAligns) ?? BlockAlign(parent),
            Style = BlockStyleOf(BlockStyle.Default),
            Line = line,
            Column = column,
        };
        ReadEmpty(E.Image);
        return image;
    }

    private BarcodeBlock ReadBarcode(InheritedStyle parent, int line, int column)
    {
        ReadAttributes(E.Barcode, line, column);
        Require(A.Type);
        Require(A.Value);
        var kind = Choice(A.Type, BarcodeKinds) ?? BarcodeKind.Qr;
        var linear = kind == BarcodeKind.Code128;
        var barcode = new BarcodeBlock
        {
            Kind = kind,
            Value = Word(A.Value, 2000) ?? "",
            Width = Length(A.Width, 9, 14_400) ?? (linear ? 144 : 72),
            Height = Length(A.Height, 9, 14_400) ?? (linear ? 48 : 72),
            Color = ColorOf(A.Color) ?? Drawing.Color.Black,
            HumanReadable = Bool(A.HumanReadable) ?? false,
            Align = Choice(A.Align, BlockAligns) ?? BlockAlign(parent),
            Style = BlockStyleOf(BlockStyle.Default),
            Line = line,
            Column = column,
        };
        ReadEmpty(E.Barcode);
        return barcode;
    }

    // An image or barcode stands where the text around it is aligned.
    private static TextAlign BlockAlign(InheritedStyle parent) =>
        parent.Align == TextAlign.Justify ? TextAlign.Start : parent.Align;

    private SpacerBlock ReadSpacer(int line, int column)
    {
        ReadAttributes(E.Spacer, line, column);
        Require(A.Height);
        var spacer = new SpacerBlock { Height = Length(A.Height, 0, 14_400) ?? 0, Line = line, Column = column };
        ReadEmpty(E.Spacer);
        return spacer;
    }

    private PageBreakBlock ReadPageBreak(int line, int column)
    {
        ReadAttributes(E.PageBreak, line, column);
        ReadEmpty(E.PageBreak);
        return new PageBreakBlock { Line = line, Column = column };
    }

    private GroupBlock ReadGroup(InheritedStyle parent, int line, int column)
    {
        ReadAttributes(E.Block, line, column);
        var style = Inherit(parent);
        var group = new GroupBlock { Style = BlockStyleOf(BlockStyle.Default), Line = line, Column = column };
        ReadFlow(E.Block, style, group.Content);
        return group;
    }
}
