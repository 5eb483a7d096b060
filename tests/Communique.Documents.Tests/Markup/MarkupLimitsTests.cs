using System.Text;
using Communique.Documents.Markup;
using Communique.Documents.Model;

namespace Communique.Documents.Tests.Markup;

public sealed class MarkupLimitsTests
{
    [Fact]
    public void A_thirty_thousand_row_statement_parses_in_bounded_memory()
    {
        var xml = new StringBuilder("<document><body><table><columns><column width=\"25mm\"/><column/>")
            .Append("<column width=\"auto\"/></columns><header-row><cell>Date</cell><cell>Item</cell>")
            .Append("<cell>Amount</cell></header-row>\n");
        for (var i = 0; i < 30_000; i++)
        {
            xml.Append("<row><cell>2026-11-").Append(i % 28 + 1).Append("</cell><cell>Payment <b>")
                .Append(i).Append("</b></cell><cell align=\"right\">12.00</cell></row>\n");
        }

        var markup = xml.Append("</table></body></document>").ToString();

        var before = GC.GetAllocatedBytesForCurrentThread();
        var document = DocumentMarkup.Parse(markup);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var table = Assert.IsType<TableBlock>(Assert.Single(document.Body));
        Assert.Equal(30_000, table.Rows.Count);
        Assert.Equal(2, ((ParagraphBlock)table.Rows[29_999].Cells[1].Content[0]).Content.Count);
        Assert.True(allocated < 30_000 * 4096L, $"{allocated:N0} bytes allocated for 30,000 rows");
    }

    [Fact]
    public void More_elements_than_the_limit_stop_the_read()
    {
        var xml = "<document><body><p>" + string.Concat(Enumerable.Repeat("<br/>", DocumentMarkup.MaxElements))
            + "</p></body></document>";

        var error = Assert.Single(Assert.Throws<MarkupException>(() => DocumentMarkup.Parse(xml)).Errors);

        Assert.Equal("The markup has more than 500,000 elements.", error.Message);
    }

    [Fact]
    public void Deep_nesting_of_unknown_elements_is_bounded_too()
    {
        var xml = "<document><body>" + string.Concat(Enumerable.Repeat("<x>", 100_000))
            + string.Concat(Enumerable.Repeat("</x>", 100_000)) + "</body></document>";

        var errors = Assert.Throws<MarkupException>(() => DocumentMarkup.Parse(xml)).Errors;

        Assert.Equal(2, errors.Count);
        Assert.Equal("Elements are nested more than 64 deep.", errors[1].Message);
    }

    [Fact]
    public void Cut_or_mangled_markup_gives_errors_never_a_crash()
    {
        var letter = MarkupParseTests.Letter;
        for (var length = 0; length < letter.Length; length += 7)
        {
            var cut = letter[..length];
            var mangled = letter.Remove(length, 1).Insert(length, length % 2 == 0 ? "<" : "\"");
            foreach (var markup in new[] { cut, mangled })
            {
                try
                {
                    DocumentMarkup.Parse(markup);
                }
                catch (MarkupException e)
                {
                    Assert.All(e.Errors, error => Assert.True(error.Line >= 1 && error.Column >= 1));
                }

                DocumentMarkup.Check(markup);
            }
        }
    }

    [Fact]
    public void Documents_parse_the_same_on_many_threads_at_once()
    {
        var expected = Describe(DocumentMarkup.Parse(MarkupParseTests.Letter));

        var results = new string[64];
        Parallel.For(0, results.Length, i => results[i] = Describe(DocumentMarkup.Parse(MarkupParseTests.Letter)));

        Assert.All(results, r => Assert.Equal(expected, r));
    }

    private static string Describe(DocumentSpec document) => string.Join(
        "|", document.Body.Select(b => b is ParagraphBlock p
            ? string.Concat(p.Content.Select(i => i is TextInline t ? $"{t.Text}{t.Style}" : i.ToString()))
            : $"{b.GetType().Name}@{b.Line}:{b.Column}"));
}
