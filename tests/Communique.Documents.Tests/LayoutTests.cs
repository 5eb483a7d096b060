using Communique.Documents.Drawing;
using Communique.Documents.Layout;
using Communique.Documents.Model;
using Communique.Documents.Text;

namespace Communique.Documents.Tests;

public sealed class LayoutTests
{
    private static readonly DocumentLayout Layout = new(FontLibrary.Bundled);

    private static readonly TextStyle Body = TextStyle.Default with { FontSize = 10 };

    [Fact]
    public void A_long_body_flows_onto_as_many_pages_as_it_needs_within_the_margins()
    {
        var spec = Spec();
        for (var i = 0; i < 120; i++)
        {
            spec.Body.Add(Paragraph($"Paragraph {i}: the quick brown fox jumps over the lazy dog, twice over."));
        }

        var document = Layout.Lay(spec, NoImages);

        Assert.InRange(document.PageCount, 3, 6);
        foreach (var page in document.Pages())
        {
            var texts = page.Ops.OfType<TextOp>().ToList();
            Assert.NotEmpty(texts);
            var bottom = page.Height - spec.Page.Margins.Bottom;
            Assert.All(texts, t => Assert.InRange(t.Baseline, spec.Page.Margins.Top, bottom));
        }

        var all = string.Concat(document.Pages().SelectMany(p => p.Ops.OfType<TextOp>()).Select(t => t.Run.Text));
        Assert.Contains("Paragraph 119", all, StringComparison.Ordinal);
    }

    [Fact]
    public void Header_and_footer_show_each_page_number_and_the_page_count()
    {
        var spec = Spec(footer: PageFooter("Page ", " of "));
        for (var i = 0; i < 3; i++)
        {
            spec.Body.Add(Paragraph($"Page {i + 1} body"));
            spec.Body.Add(new PageBreakBlock());
        }

        var document = Layout.Lay(spec, NoImages);

        Assert.Equal(3, document.PageCount);
        var footers = document.Pages()
            .Select(p => string.Concat(p.Ops.OfType<TextOp>()
                .Where(t => t.Baseline > p.Height - spec.Page.Margins.Bottom).Select(t => t.Run.Text)))
            .ToList();
        Assert.Equal(["Page 1 of 3", "Page 2 of 3", "Page 3 of 3"], footers);
    }

    [Fact]
    public void A_table_continuing_on_the_next_page_repeats_its_header_rows()
    {
        var spec = Spec();
        var table = new TableBlock { Grid = new Border(0.5f, Color.Black) };
        table.Columns.Add(new ColumnSpec(ColumnWidth.Fixed, 100));
        table.Columns.Add(new ColumnSpec(ColumnWidth.Relative, 1));
        table.HeaderRows.Add(Row("Date", "Description"));
        for (var i = 0; i < 200; i++)
        {
            table.Rows.Add(Row($"2026-01-{i % 28 + 1:00}", $"Item {i}"));
        }

        spec.Body.Add(table);

        var document = Layout.Lay(spec, NoImages);

        Assert.True(document.PageCount >= 3);
        foreach (var page in document.Pages())
        {
            var first = page.Ops.OfType<TextOp>().OrderBy(t => t.Baseline).ThenBy(t => t.X).First();
            Assert.Equal("Date", first.Run.Text);
        }

        var items = document.Pages().SelectMany(p => p.Ops.OfType<TextOp>())
            .Count(t => t.Run.Text.StartsWith("Item", StringComparison.Ordinal));
        Assert.Equal(200, items);
    }

    [Fact]
    public void A_long_document_is_laid_out_again_page_by_page_with_the_same_pages()
    {
        var spec = Spec(footer: PageFooter("", "/"));
        var table = new TableBlock();
        table.HeaderRows.Add(Row("Date", "Description"));
        for (var i = 0; i < 4000; i++)
        {
            table.Rows.Add(Row($"Row {i}", $"Item {i}"));
        }

        spec.Body.Add(table);

        var document = Layout.Lay(spec, NoImages);
        var pages = document.Pages().ToList();

        Assert.True(document.PageCount > 40);
        Assert.Equal(document.PageCount, pages.Count);
        var rows = pages.SelectMany(p => p.Ops.OfType<TextOp>()).Select(t => t.Run.Text)
            .Where(t => t.StartsWith("Row ", StringComparison.Ordinal)).ToList();
        Assert.Equal(Enumerable.Range(0, 4000).Select(i => $"Row {i}"), rows);
        Assert.All(pages, p => Assert.Equal("Date",
            p.Ops.OfType<TextOp>().OrderBy(t => t.Baseline).ThenBy(t => t.X).First().Run.Text));
        var last = document.Draw(document.PageCount - 1).Ops.OfType<TextOp>().Select(t => t.Run.Text).ToList();
        Assert.Contains($"{document.PageCount}/{document.PageCount}", string.Concat(last), StringComparison.Ordinal);
        Assert.Equal(pages[17].Ops.Count, document.Draw(17).Ops.Count);
    }

    [Fact]
    public void A_long_document_is_written_in_one_pass_with_its_page_numbers_and_the_same_pages()
    {
        var spec = Spec(footer: PageFooter("Page ", " of "));
        var box = new BoxBlock { X = 300, Y = 20, Width = 200, On = BoxPages.Last };
        box.Content.Add(Paragraph("The last page"));
        spec.Boxes.Add(box);
        for (var i = 0; i < 2000; i++)
        {
            spec.Body.Add(Paragraph($"Line {i} of the statement"));
        }

        using var output = new MemoryStream();
        using (var pdf = new Pdf.PdfWriter(output, new Pdf.PdfSettings { Created = DateTimeOffset.UnixEpoch }))
        {
            Layout.Lay(spec, NoImages).WriteTo(pdf);
            pdf.Finish();
        }

        var expected = Layout.Lay(spec, NoImages).PageCount;
        Assert.True(expected > 40);
        var file = PdfTools.Save(output.ToArray(), "long");
        Assert.Contains("No syntax or stream encoding errors", PdfTools.Run("qpdf", "--check", file),
            StringComparison.Ordinal);
        Assert.Matches($@"Pages:\s+{expected}\n", PdfTools.Run("pdfinfo", file));
        var last = PdfTools.Run("pdftotext", "-f", $"{expected}", "-l", $"{expected}", file, "-");
        Assert.Contains($"Page {expected} of {expected}", last, StringComparison.Ordinal);
        Assert.Contains("Line 1999 of the statement", last, StringComparison.Ordinal);
        Assert.Contains("The last page", last, StringComparison.Ordinal);
        var second = PdfTools.Run("pdftotext", "-f", "2", "-l", "2", file, "-");
        Assert.DoesNotContain("The last page", second, StringComparison.Ordinal);
    }

    [Fact]
    public void A_block_that_fits_no_page_late_in_a_long_document_fails_its_writing()
    {
        var spec = Spec();
        for (var i = 0; i < 3000; i++)
        {
            spec.Body.Add(Paragraph($"Line {i}"));
        }

        spec.Body.Add(new ImageBlock { Source = "dot.png", Width = 100, Height = 2000, Line = 3001, Column = 5 });
        var document = Layout.Lay(spec, _ => ImageSource.Load(Dot));

        using var pdf = new Pdf.PdfWriter(Stream.Null, new Pdf.PdfSettings { Created = DateTimeOffset.UnixEpoch });
        var error = Assert.Throws<DocumentException>(() => document.WriteTo(pdf));
        Assert.Contains("line 3001, column 5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_row_taller_than_a_page_is_split_between_its_lines()
    {
        var spec = Spec();
        var table = new TableBlock();
        table.Columns.Add(new ColumnSpec(ColumnWidth.Relative, 1));
        var text = string.Join(" ", Enumerable.Range(0, 1500).Select(i => $"word{i}"));
        table.Rows.Add(Row(text));
        spec.Body.Add(table);

        var document = Layout.Lay(spec, NoImages);

        Assert.True(document.PageCount >= 2);
        var words = document.Pages().SelectMany(p => p.Ops.OfType<TextOp>())
            .Sum(t => t.Run.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(1500, words);
    }

    [Fact]
    public void A_keep_together_block_taller_than_a_page_is_an_error_naming_it()
    {
        var spec = Spec();
        var group = new GroupBlock { Style = new BlockStyle { KeepTogether = true }, Line = 7, Column = 3 };
        for (var i = 0; i < 200; i++)
        {
            group.Content.Add(Paragraph($"Line {i}"));
        }

        spec.Body.Add(group);

        var error = Assert.Throws<DocumentException>(() => Layout.Lay(spec, NoImages));
        Assert.Contains("line 7, column 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_keep_together_block_that_does_not_fit_the_rest_of_a_page_starts_the_next()
    {
        var spec = Spec();
        for (var i = 0; i < 45; i++)
        {
            spec.Body.Add(Paragraph($"Filler {i}"));
        }

        var group = new GroupBlock { Style = new BlockStyle { KeepTogether = true } };
        for (var i = 0; i < 10; i++)
        {
            group.Content.Add(Paragraph($"Kept {i}"));
        }

        spec.Body.Add(group);

        var document = Layout.Lay(spec, NoImages);

        var pagesWithKept = document.Pages()
            .Select((p, i) => (Index: i, Kept: p.Ops.OfType<TextOp>()
                .Any(t => t.Run.Text.StartsWith("Kept", StringComparison.Ordinal))))
            .Where(x => x.Kept).Select(x => x.Index).ToList();
        Assert.Single(pagesWithKept);
    }

    [Fact]
    public void An_unknown_image_and_an_image_taller_than_the_page_are_errors()
    {
        var spec = Spec();
        spec.Body.Add(new ImageBlock { Source = "missing.png", Line = 4, Column = 9 });
        var missing = Assert.Throws<DocumentException>(() => Layout.Lay(spec, NoImages));
        Assert.Contains("missing.png", missing.Message, StringComparison.Ordinal);

        var tall = Spec();
        tall.Body.Add(new ImageBlock { Source = "dot.png", Width = 100, Height = 2000, Line = 5, Column = 1 });
        var error = Assert.Throws<DocumentException>(() => Layout.Lay(tall, _ => ImageSource.Load(Dot)));
        Assert.Contains("line 5, column 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_box_is_drawn_at_its_place_on_the_first_page_only()
    {
        var spec = Spec();
        var box = new BoxBlock { X = 300, Y = 150, Width = 200, On = BoxPages.First };
        box.Content.Add(Paragraph("Ms Jane Doe"));
        spec.Boxes.Add(box);
        spec.Body.Add(Paragraph("First page"));
        spec.Body.Add(new PageBreakBlock());
        spec.Body.Add(Paragraph("Second page"));

        var document = Layout.Lay(spec, NoImages);

        var first = document.Draw(0).Ops.OfType<TextOp>()
            .Single(t => t.Run.Text.Contains("Jane", StringComparison.Ordinal));
        Assert.InRange(first.X, 300, 301);
        Assert.InRange(first.Baseline, 150, 170);
        Assert.DoesNotContain(
            document.Draw(1).Ops.OfType<TextOp>(), t => t.Run.Text.Contains("Jane", StringComparison.Ordinal));
    }

    [Fact]
    public void The_watermark_is_drawn_first_turned_and_translucent()
    {
        var spec = Spec(watermark: new Watermark("COPY", Body with { FontSize = 60 }, 45, 0.2f));
        spec.Body.Add(Paragraph("Body"));

        var page = Layout.Lay(spec, NoImages).Draw(0);

        var mark = Assert.IsType<TextOp>(page.Ops[0]);
        Assert.Equal("COPY", mark.Run.Text);
        Assert.Equal(45, mark.Rotation);
        Assert.Equal(0.2f, mark.Opacity);
    }

    [Fact]
    public void A_list_draws_its_numbers_in_the_indent_on_each_items_first_line()
    {
        var spec = Spec();
        var list = new ListBlock { Ordered = true, Indent = 20 };
        for (var i = 0; i < 3; i++)
        {
            list.Items.Add([Paragraph($"Item {i}")]);
        }

        spec.Body.Add(list);

        var texts = Layout.Lay(spec, NoImages).Draw(0).Ops.OfType<TextOp>().ToList();

        foreach (var (number, item) in new[] { ("1.", "Item 0"), ("2.", "Item 1"), ("3.", "Item 2") })
        {
            var marker = texts.Single(t => t.Run.Text == number);
            var content = texts.Single(t => t.Run.Text == item);
            Assert.Equal(content.Baseline, marker.Baseline, 0.01f);
            Assert.True(marker.X < content.X);
        }
    }

    [Fact]
    public void A_qr_code_is_drawn_as_dark_modules_inside_its_square()
    {
        var spec = Spec();
        spec.Body.Add(new BarcodeBlock
        {
            Kind = BarcodeKind.Qr, Value = "https://example.com/r/42", Width = 80, Height = 80,
        });

        var rects = Layout.Lay(spec, NoImages).Draw(0).Ops.OfType<RectOp>().ToList();

        Assert.True(rects.Count > 20);
        Assert.All(rects, r => Assert.InRange(r.X + r.Width, spec.Page.Margins.Left, spec.Page.Margins.Left + 80.01f));
    }

    [Fact]
    public void A_value_code_128_cannot_encode_is_an_error_naming_the_barcode()
    {
        var spec = Spec();
        spec.Body.Add(new BarcodeBlock
        {
            Kind = BarcodeKind.Code128, Value = "caf\u00e9 \u6771", Line = 3, Column = 2,
        });

        var error = Assert.Throws<DocumentException>(() => Layout.Lay(spec, NoImages));

        Assert.Contains("line 3, column 2", error.Message, StringComparison.Ordinal);
    }

    internal static byte[] Dot { get; } = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    private static ImageSource NoImages(string name) => throw new DocumentException($"There is no image '{name}'.");

    private static DocumentSpec Spec(RunningBlock? footer = null, Watermark? watermark = null) =>
        new() { Page = PageSpec.A4, Footer = footer, Watermark = watermark };

    // A footer reading `before` N `between` COUNT.
    private static RunningBlock PageFooter(string before, string between)
    {
        var footer = new ParagraphBlock();
        if (before.Length > 0)
        {
            footer.Content.Add(new TextInline(before, Body));
        }

        footer.Content.Add(new PageNumberInline(Body));
        footer.Content.Add(new TextInline(between, Body));
        footer.Content.Add(new PageNumberInline(Body, Total: true));
        var running = new RunningBlock();
        running.Content.Add(footer);
        return running;
    }

    private static ParagraphBlock Paragraph(string text)
    {
        var paragraph = new ParagraphBlock { Style = new BlockStyle { SpaceAfter = 4 } };
        paragraph.Content.Add(new TextInline(text, Body));
        return paragraph;
    }

    private static TableRow Row(params string[] cells)
    {
        var row = new TableRow();
        foreach (var text in cells)
        {
            var cell = new TableCell();
            cell.Content.Add(Paragraph(text));
            row.Cells.Add(cell);
        }

        return row;
    }
}
