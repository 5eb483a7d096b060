using Communique.Documents.Drawing;
using Communique.Documents.Markup;
using Communique.Documents.Model;
using Communique.Documents.Text;

namespace Communique.Documents.Tests.Markup;

public sealed class MarkupParseTests
{
    private const float Mm = PageSpec.Millimetre;

    // A one-page letter as a record's markup reads after Liquid.
    public const string Letter = """
        <?xml version="1.0" encoding="utf-8"?>
        <document title="Your statement" author="Acme Energy" lang="en-GB"
                  font-family="Liberation Serif" font-size="10.5pt" color="#222">
          <page size="A4" margin="25mm 20mm 30mm 20mm" header-distance="10mm" footer-distance="12mm"/>
          <watermark text="COPY" color="#c00" opacity="0.1"/>
          <header first="true">
            <image src="logo.png" width="40mm" align="right"/>
          </header>
          <header font-size="8pt">Acme Energy · Statement</header>
          <footer font-size="8pt" align="center">Page <page-number/> of <page-count/></footer>
          <box x="20mm" y="45mm" width="85mm" height="40mm">
            <p>Ms Jane Doe<br/>1 High Street<br/>Bristol BS1 4DJ</p>
          </box>
          <body>
            <spacer height="50mm"/>
            <p align="right">6 December 2026</p>
            <h1 font-family="Liberation Sans">Your statement</h1>
            <p align="justify" space-after="6pt" first-line-indent="5mm">
              Dear   Ms Doe,
              thank you for being a customer of <b>Acme</b> since <span color="navy" font-weight="bold">2019</span>.
              Read <a href="https://acme.example/terms">our terms</a>.
            </p>
            <list type="number" start="3">
              <item>First</item>
              <item><p>Second</p><p>and more</p></item>
            </list>
            <table grid="0.5pt #999" cell-padding="2pt 4pt" keep-together="true">
              <columns><column width="30mm"/><column width="2*"/><column width="auto"/></columns>
              <header-row background="#eee" font-weight="bold">
                <cell>Date</cell><cell>Item</cell><cell align="right">Amount</cell>
              </header-row>
              <row><cell>1 Nov</cell><cell>Electricity</cell><cell align="right">£41.20</cell></row>
              <row background="#fafafa"><cell colspan="2" valign="middle">Total</cell><cell>£41.20</cell></row>
            </table>
            <barcode type="qr" value="ACME-12345" width="25mm" align="right"/>
            <block border="1pt red" padding="4pt" background="#ffe" keep-with-next="true">Note: <i>paid</i></block>
            <page-break/>
            <p>Second page</p>
          </body>
        </document>
        """;

    [Fact]
    public void A_letter_reads_into_the_model()
    {
        var document = DocumentMarkup.Parse(Letter);

        Assert.Equal(210 * Mm, document.Page.Width, 0.01f);
        Assert.Equal(297 * Mm, document.Page.Height, 0.01f);
        Assert.Equal(new Edges(25 * Mm, 20 * Mm, 30 * Mm, 20 * Mm), document.Page.Margins);
        Assert.Equal(12 * Mm, document.Page.FooterDistance, 0.01f);
        Assert.Equal(new DocumentInfo("Your statement", "Acme Energy", null, null, "en-GB"), document.Info);

        var watermark = document.Watermark!;
        Assert.Equal("COPY", watermark.Text);
        Assert.Equal(72, watermark.Style.FontSize);
        Assert.Equal(new Color(0xCC, 0, 0), watermark.Style.Color);
        Assert.Equal(0.1f, watermark.Opacity);

        var logo = Assert.IsType<ImageBlock>(Assert.Single(document.FirstHeader!.Content));
        Assert.Equal("logo.png", logo.Source);
        Assert.Equal(40 * Mm, logo.Width!.Value, 0.01f);
        Assert.Null(logo.Height);
        Assert.Equal(TextAlign.Right, logo.Align);

        var header = Assert.IsType<ParagraphBlock>(Assert.Single(document.Header!.Content));
        var headerText = Assert.IsType<TextInline>(Assert.Single(header.Content));
        Assert.Equal("Acme Energy · Statement", headerText.Text);
        Assert.Equal(8, headerText.Style.FontSize);
        Assert.Equal("Liberation Serif", headerText.Style.FontFamily);

        var footer = Assert.IsType<ParagraphBlock>(Assert.Single(document.Footer!.Content));
        Assert.Equal(TextAlign.Center, footer.Align);
        Assert.Collection(
            footer.Content,
            i => Assert.Equal("Page ", Assert.IsType<TextInline>(i).Text),
            i => Assert.False(Assert.IsType<PageNumberInline>(i).Total),
            i => Assert.Equal(" of ", Assert.IsType<TextInline>(i).Text),
            i => Assert.True(Assert.IsType<PageNumberInline>(i).Total));
        Assert.Equal(8, ((PageNumberInline)footer.Content[1]).Style.FontSize);
        Assert.Null(document.FirstFooter);

        var box = Assert.Single(document.Boxes);
        Assert.Equal((20 * Mm, 45 * Mm, 85 * Mm), (box.X, box.Y, box.Width));
        Assert.Equal(40 * Mm, box.Height!.Value, 0.01f);
        Assert.Equal(BoxPages.First, box.On);
        var address = Assert.IsType<ParagraphBlock>(Assert.Single(box.Content));
        Assert.Equal(
            ["Ms Jane Doe", "\n", "1 High Street", "\n", "Bristol BS1 4DJ"],
            address.Content.Select(i => i is TextInline t ? t.Text : "\n"));

        var body = document.Body;
        Assert.Equal(50 * Mm, Assert.IsType<SpacerBlock>(body[0]).Height, 0.01f);
        Assert.Equal(TextAlign.Right, Assert.IsType<ParagraphBlock>(body[1]).Align);

        var heading = Assert.IsType<ParagraphBlock>(body[2]);
        var headingText = Assert.IsType<TextInline>(Assert.Single(heading.Content)).Style;
        Assert.Equal(("Liberation Sans", 20f, true), (headingText.FontFamily, headingText.FontSize, headingText.Bold));
        Assert.True(heading.Style.KeepWithNext);

        var paragraph = Assert.IsType<ParagraphBlock>(body[3]);
        Assert.Equal(TextAlign.Justify, paragraph.Align);
        Assert.Equal(6, paragraph.Style.SpaceAfter);
        Assert.Equal(5 * Mm, paragraph.FirstLineIndent, 0.01f);
        var runs = paragraph.Content.Cast<TextInline>().ToList();
        Assert.Equal(
            ["Dear Ms Doe, thank you for being a customer of ", "Acme", " since ", "2019", ". Read ", "our terms", "."],
            runs.Select(r => r.Text));
        var plain = new TextStyle("Liberation Serif", 10.5f, Bold: false, Italic: false, new Color(0x22, 0x22, 0x22));
        Assert.Equal(plain, runs[0].Style);
        Assert.Equal(plain with { Bold = true }, runs[1].Style);
        Assert.Same(runs[0].Style, runs[2].Style);
        Assert.Equal(plain with { Bold = true, Color = new Color(0, 0, 128) }, runs[3].Style);
        Assert.Equal(plain with { Link = "https://acme.example/terms" }, runs[5].Style);

        var list = Assert.IsType<ListBlock>(body[4]);
        Assert.True(list.Ordered);
        Assert.Equal(3, list.Start);
        Assert.Equal(2, list.Items.Count);
        Assert.Equal("First", Assert.IsType<TextInline>(
            Assert.Single(Assert.IsType<ParagraphBlock>(Assert.Single(list.Items[0])).Content)).Text);
        Assert.Equal(2, list.Items[1].Count);

        var table = Assert.IsType<TableBlock>(body[5]);
        Assert.Equal(
            [new ColumnSpec(ColumnWidth.Fixed, 30 * Mm), new ColumnSpec(ColumnWidth.Relative, 2), ColumnSpec.Auto],
            table.Columns);
        Assert.Equal(new Border(0.5f, new Color(0x99, 0x99, 0x99)), table.Grid);
        Assert.Equal(new Edges(2, 4, 2, 4), table.CellPadding);
        Assert.True(table.Style.KeepTogether);
        var headerRow = Assert.Single(table.HeaderRows);
        Assert.Equal(new Color(0xEE, 0xEE, 0xEE), headerRow.Background);
        var amount = Assert.IsType<ParagraphBlock>(Assert.Single(headerRow.Cells[2].Content));
        Assert.Equal(TextAlign.Right, amount.Align);
        Assert.True(((TextInline)amount.Content[0]).Style.Bold);
        Assert.Equal(2, table.Rows.Count);
        Assert.Equal(2, table.Rows[1].Cells[0].ColumnSpan);
        Assert.Equal(VerticalAlign.Middle, table.Rows[1].Cells[0].VerticalAlign);
        Assert.Equal(2, table.Rows[1].Cells.Count);

        var barcode = Assert.IsType<BarcodeBlock>(body[6]);
        Assert.Equal((BarcodeKind.Qr, "ACME-12345", TextAlign.Right), (barcode.Kind, barcode.Value, barcode.Align));
        Assert.Equal(25 * Mm, barcode.Width, 0.01f);

        var group = Assert.IsType<GroupBlock>(body[7]);
        Assert.Equal(new Border(1, new Color(255, 0, 0)), group.Style.Border);
        Assert.Equal(Edges.All(4), group.Style.Padding);
        Assert.True(group.Style.KeepWithNext);
        var note = Assert.IsType<ParagraphBlock>(Assert.Single(group.Content));
        Assert.Equal(["Note: ", "paid"], note.Content.Cast<TextInline>().Select(t => t.Text));

        Assert.IsType<PageBreakBlock>(body[8]);
        Assert.IsType<ParagraphBlock>(body[9]);
        Assert.Equal(10, body.Count);
    }

    [Fact]
    public void Every_block_knows_where_it_stands_in_the_markup()
    {
        var document = DocumentMarkup.Parse(
            "<document>\n<body>\n  <p>a</p>\n    <spacer height=\"1\"/></body></document>");

        Assert.Equal((3, 3), (document.Body[0].Line, document.Body[0].Column));
        Assert.Equal((4, 5), (document.Body[1].Line, document.Body[1].Column));
    }

    [Theory]
    [InlineData("A5", 148, 210)]
    [InlineData("a3", 297, 420)]
    [InlineData("DL", 110, 220)]
    [InlineData("C5", 162, 229)]
    [InlineData("Letter", 215.9, 279.4)]
    [InlineData("Legal", 215.9, 355.6)]
    [InlineData("100mm x 50mm", 100, 50)]
    [InlineData("283.46x141.73", 100, 50)]
    public void Page_sizes_are_named_or_given(string size, float widthMm, float heightMm)
    {
        var page = DocumentMarkup.Parse($"""<document><page size="{size}" margin="5mm"/><body/></document>""").Page;

        Assert.Equal(widthMm, page.Width / Mm, 0.05f);
        Assert.Equal(heightMm, page.Height / Mm, 0.05f);
    }

    [Fact]
    public void Landscape_turns_the_page_and_margins_take_units()
    {
        var page = DocumentMarkup.Parse("""
            <document><page size="A4" orientation="landscape" margin="1in 2cm" margin-left="48px"/><body/></document>
            """).Page;

        Assert.Equal(297 * Mm, page.Width, 0.01f);
        Assert.Equal(new Edges(72, 20 * Mm, 72, 36), page.Margins);
    }

    [Fact]
    public void White_space_collapses_across_elements_and_around_line_breaks()
    {
        var document = DocumentMarkup.Parse(
            "<document><body><p>\n  one \t <b> two </b>  three <br/>  four\n</p><p>  </p></body></document>");

        var paragraph = (ParagraphBlock)document.Body[0];
        Assert.Equal(
            ["one ", "two ", "three", "\n", "four"],
            paragraph.Content.Select(i => i is TextInline t ? t.Text : "\n"));
        Assert.Empty(((ParagraphBlock)document.Body[1]).Content);
    }

    // A record's field value with a control character, as Liquid encodes it (a character reference): read, and left
    // out of the text. A template holding one is refused when saved.
    [Fact]
    public void Characters_xml_forbids_in_a_records_values_are_dropped_from_the_text()
    {
        var document = DocumentMarkup.Parse(
            "<document><body><p>Ann&#x1;e&#x2; &#xB;Smith&#xFFFF;</p></body></document>");

        var text = Assert.IsType<TextInline>(Assert.Single(((ParagraphBlock)document.Body[0]).Content));
        Assert.Equal("Anne Smith", text.Text);
        Assert.NotEmpty(DocumentMarkup.Check("<document><body><p>Ann&#x1;e</p></body></document>"));
    }

    [Fact]
    public void Text_beside_blocks_in_a_cell_becomes_paragraphs_of_its_own()
    {
        var document = DocumentMarkup.Parse(
            "<document><body><table><row><cell> before <p>inside</p> after </cell><cell/></row></table>"
            + "</body></document>");

        var table = (TableBlock)document.Body[0];
        Assert.Equal(2, table.Columns.Count);
        Assert.All(table.Columns, c => Assert.Equal(new ColumnSpec(ColumnWidth.Relative, 1), c));
        var cell = table.Rows[0].Cells[0];
        Assert.Equal(
            ["before", "inside", "after"],
            cell.Content.Select(b => ((TextInline)((ParagraphBlock)b).Content[0]).Text));
        Assert.Empty(table.Rows[0].Cells[1].Content);
    }

    [Fact]
    public void Short_rows_are_completed_with_empty_cells()
    {
        var document = DocumentMarkup.Parse("""
            <document><body><table><columns><column/><column/><column/></columns>
            <row><cell>a</cell></row></table></body></document>
            """);

        Assert.Equal(3, ((TableBlock)document.Body[0]).Rows[0].Cells.Count);
    }

    [Fact]
    public void Images_and_barcodes_follow_the_alignment_around_them()
    {
        var document = DocumentMarkup.Parse("""
            <document align="justify"><body><image src="a"/><block align="center"><barcode type="code128"
            value="12345" human-readable="true"/></block></body></document>
            """);

        Assert.Equal(TextAlign.Start, ((ImageBlock)document.Body[0]).Align);
        var barcode = (BarcodeBlock)((GroupBlock)document.Body[1]).Content[0];
        Assert.Equal(
            (TextAlign.Center, 144f, 48f, true), (barcode.Align, barcode.Width, barcode.Height, barcode.HumanReadable));
    }

    [Fact]
    public void Lists_direction_and_generic_families_read_as_documented()
    {
        var document = DocumentMarkup.Parse("""
            <document font-family="monospace"><body>
              <list bullet="–" indent="10mm" font-size="9"><item dir="rtl" line-height="1.5">שלום</item></list>
              <h2>Heading</h2>
            </body>
            <box x="0" y="0" width="100" on="all-but-first">x</box></document>
            """);

        var list = (ListBlock)document.Body[0];
        Assert.False(list.Ordered);
        Assert.Equal(("–", 10 * Mm, 9f), (list.Bullet, list.Indent, list.MarkerStyle.FontSize));
        var item = (ParagraphBlock)list.Items[0][0];
        Assert.Equal((TextDirection.RightToLeft, 1.5f), (item.Direction, item.LineHeight));
        Assert.Equal("Liberation Mono", ((TextInline)item.Content[0]).Style.FontFamily);
        var heading = (ParagraphBlock)document.Body[1];
        Assert.Equal((16f, 10f, 5f), (((TextInline)heading.Content[0]).Style.FontSize, heading.Style.SpaceBefore,
            heading.Style.SpaceAfter));
        Assert.Equal(BoxPages.AllButFirst, document.Boxes[0].On);
    }
}
