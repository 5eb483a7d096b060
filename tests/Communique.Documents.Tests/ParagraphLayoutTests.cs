using Communique.Documents.Drawing;
using Communique.Documents.Text;

namespace Communique.Documents.Tests;

public sealed class ParagraphLayoutTests
{
    private const string Latin =
        "The quick brown fox jumps over the lazy dog, and then it runs far away into the woods behind the old house.";

    private static readonly TextStyle Sans = TextStyle.Default with { FontSize = 12 };

    [Fact]
    public void Latin_text_wraps_at_spaces_within_the_width()
    {
        var layout = Layout(Latin, 150);

        Assert.True(layout.Lines.Count > 3);
        Assert.All(layout.Lines, line => Assert.InRange(line.Width, 1, 150));
        // Liberation Sans advances, in 2048ths of the em: H 1479, e 1139, l 455, o 1139.
        Assert.Equal((1479 + 1139 + 455 + 455 + 1139) * 12 / 2048f, Layout("Hello", 150).Lines[0].Width, 0.01f);
        var lines = DrawnLines(layout);
        Assert.Equal(Latin, string.Join(" ", lines));
        Assert.All(lines, line => Assert.False(line.EndsWith(' ') || line.StartsWith(' ')));
        Assert.Equal(layout.Lines.Count * 12 * 1.2f, layout.Height, 0.01f);
    }

    [Fact]
    public void A_word_wider_than_the_width_is_broken_and_no_line_overflows()
    {
        var word = "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherung";

        var layout = Layout("A " + word + " ends", 60);

        Assert.True(layout.Lines.Count >= 4);
        Assert.All(layout.Lines, line => Assert.True(line.Width <= 60.001f, $"{line.Width} > 60"));
        Assert.Equal("A" + word + "ends", string.Concat(DrawnLines(layout)).Replace(" ", "", StringComparison.Ordinal));
    }

    [Fact]
    public void A_very_long_unbreakable_string_is_cut_in_linear_time()
    {
        var blob = string.Concat(Enumerable.Repeat("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo", 3000));

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var layout = Layout(blob, 200);
        watch.Stop();

        Assert.True(layout.Lines.Count > 500);
        Assert.All(layout.Lines, line => Assert.True(line.Width <= 200.001f));
        Assert.True(watch.ElapsedMilliseconds < 5000, $"{watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void Justified_lines_fill_the_width_except_the_last()
    {
        var layout = Layout(Latin + " " + Latin, 200, new ParagraphFormat(TextAlign.Justify));

        Assert.True(layout.Lines.Count > 3);
        for (var i = 0; i < layout.Lines.Count - 1; i++)
        {
            Assert.Equal(200, layout.Lines[i].Width, 0.01f);
            var ops = new List<DrawOp>();
            layout.Draw(ops, 10, 0, i, 1);
            var run = Assert.IsType<TextOp>(Assert.Single(ops));
            Assert.Equal(10, run.X, 0.01f);
            Assert.Equal(200, run.Run.Width, 0.01f);
        }

        Assert.True(layout.Lines[^1].Width < 200);
    }

    [Fact]
    public void Alignment_places_the_line_in_the_width()
    {
        var right = Runs(Layout("Hello", 200, new ParagraphFormat(TextAlign.Right)));
        var center = Runs(Layout("Hello", 200, new ParagraphFormat(TextAlign.Center)));
        var end = Runs(Layout("Hello", 200, new ParagraphFormat(TextAlign.End)));

        var width = right[0].Run.Width;
        Assert.Equal(200 - width, right[0].X, 0.01f);
        Assert.Equal((200 - width) / 2, center[0].X, 0.01f);
        Assert.Equal(200 - width, end[0].X, 0.01f);
    }

    [Fact]
    public void Arabic_is_shaped_into_joined_forms_right_to_left()
    {
        var phrase = Layout("مرحبا بالعالم", 300, new ParagraphFormat());
        var letters = "مرحبا";
        var isolated = letters.Select(c => Runs(Layout(c.ToString(), 300))[0].Run.Glyphs[0]).ToArray();

        var run = Assert.Single(Runs(phrase)).Run;
        Assert.Equal("Noto Sans Arabic", run.Face.Family);
        Assert.True(run.RightToLeft);
        // Visual order: the first word's glyphs are at the right end, its first letter last.
        Assert.Equal(0, run.Clusters[^1]);
        Assert.True(run.Clusters[0] > run.Clusters[^1]);
        var firstWord = Enumerable.Range(0, run.Glyphs.Length).Where(g => run.Clusters[g] < 5)
            .OrderBy(g => run.Clusters[g]).Select(g => run.Glyphs[g]).ToArray();
        Assert.Equal(5, firstWord.Length);
        Assert.NotEqual(isolated, firstWord);
        Assert.NotEqual(isolated[0], firstWord[0]);
        Assert.True(phrase.Lines[0].Width > 0);
    }

    [Fact]
    public void An_arabic_paragraph_takes_its_direction_and_aligns_right()
    {
        var layout = Layout("مرحبا بالعالم", 300, new ParagraphFormat());

        var run = Assert.Single(Runs(layout));
        Assert.Equal(300 - run.Run.Width, run.X, 0.01f);
    }

    [Fact]
    public void Hebrew_inside_latin_text_is_reordered()
    {
        var text = "Shalom is שלום עולם in Hebrew";

        var runs = Runs(Layout(text, 500, new ParagraphFormat(Direction: TextDirection.LeftToRight)));

        // Liberation Sans has Hebrew letters: the runs differ by direction only.
        Assert.Equal(3, runs.Count);
        Assert.False(runs[0].Run.RightToLeft);
        Assert.True(runs[1].Run.RightToLeft);
        Assert.False(runs[2].Run.RightToLeft);
        Assert.True(runs[0].X < runs[1].X && runs[1].X < runs[2].X);
        Assert.Equal("Shalom is ", runs[0].Run.Text);
        Assert.Equal("שלום עולם", runs[1].Run.Text);
        Assert.Equal(" in Hebrew", runs[2].Run.Text);
        var hebrew = runs[1].Run;
        // Left to right on the page: the last letter of עולם first, the first letter of שלום last.
        Assert.Equal('ם', hebrew.Text[hebrew.Clusters[0]]);
        Assert.Equal('ש', hebrew.Text[hebrew.Clusters[^1]]);
    }

    [Fact]
    public void Numbers_in_a_right_to_left_paragraph_keep_their_order()
    {
        var runs = Runs(Layout("السعر 120 دولار", 300));

        // Visual order, left to right: the last word, the number, the first word.
        Assert.Equal("دولار", runs[0].Run.Text.Trim());
        Assert.Contains(runs, run => run.Run.Text == "120" && !run.Run.RightToLeft);
        Assert.Equal("السعر", runs[^1].Run.Text.Trim());
        Assert.True(runs.Zip(runs.Skip(1)).All(pair => pair.First.X < pair.Second.X));
    }

    [Fact]
    public void Empty_text_has_no_lines_and_infinite_width_fits_the_longest_line()
    {
        var empty = Layout("", 100);
        var unbounded = Layout("Right aligned\nlonger second line", float.PositiveInfinity,
            new ParagraphFormat(TextAlign.Right));

        Assert.Empty(empty.Lines);
        Assert.Equal(0, empty.Height);
        Assert.Equal(2, unbounded.Lines.Count);
        var runs = Runs(unbounded);
        Assert.Equal(runs[1].X + runs[1].Run.Width, runs[0].X + runs[0].Run.Width, 0.01f);
        Assert.Equal(0, runs[1].X, 0.01f);
    }

    [Fact]
    public void Concurrent_layouts_give_the_same_result()
    {
        string[] texts = ["مرحبا بالعالم and hello", "東京都の天気は晴れです", Latin, "שלום עולם 42"];
        var expected = texts.Select(t => Signature(Layout(t, 120))).ToArray();

        var results = new string[400];
        Parallel.For(0, results.Length, i => results[i] = Signature(Layout(texts[i % 4], 120)));

        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal(expected[i % 4], results[i]);
        }
    }

    [Fact]
    public void Cjk_breaks_between_ideographs()
    {
        var text = "東京都の天気は晴れです";

        var layout = Layout(text, 40);

        Assert.True(layout.Lines.Count >= 3);
        Assert.All(layout.Lines, line => Assert.True(line.Width <= 40.001f));
        Assert.Equal(text, string.Concat(DrawnLines(layout)));
        Assert.All(Runs(layout), run => Assert.Equal("Droid Sans Fallback", run.Run.Face.Family));
    }

    [Fact]
    public void A_character_the_style_lacks_falls_back_alone()
    {
        var runs = Runs(Layout("Tokyo 東 is a city", 500));

        Assert.Equal(3, runs.Count);
        Assert.Equal("Liberation Sans", runs[0].Run.Face.Family);
        Assert.Equal("Droid Sans Fallback", runs[1].Run.Face.Family);
        Assert.Equal("東", runs[1].Run.Text);
        Assert.Equal("Liberation Sans", runs[2].Run.Face.Family);
    }

    [Fact]
    public void Bold_fallback_prefers_the_bold_face()
    {
        var runs = Runs(Layout("Salaam سلام", 500, style: Sans with { Bold = true }));

        Assert.Equal("Noto Sans Arabic", runs[^1].Run.Face.Family);
        Assert.True(runs[^1].Run.Face.Bold);
    }

    [Theory]
    [InlineData("Private \uE000 use", "U+E000")]
    [InlineData("Smile \U0001F600", "U+1F600")]
    public void A_character_no_font_has_is_an_error_naming_it(string text, string codepoint)
    {
        var error = Assert.Throws<DocumentException>(() => Layout(text, 300));

        Assert.Contains(codepoint, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invisible_format_characters_need_no_glyph()
    {
        var layout = Layout("soft\u00ADhyphen zero\u200Bwidth join\u200Der", 500);

        Assert.Single(layout.Lines);
    }

    [Fact]
    public void A_soft_hyphen_shows_only_where_the_line_breaks()
    {
        var text = "Versicherungs\u00ADgesellschaft und Versicherungs\u00ADnehmer";
        var wide = Layout(text, 1000);
        var narrow = Layout(text, 110);

        var hyphenGlyph = Runs(Layout("-", 100))[0].Run.Glyphs[0];
        Assert.Single(wide.Lines);
        Assert.DoesNotContain(hyphenGlyph, Runs(wide)[0].Run.Glyphs);
        Assert.True(narrow.Lines.Count > 2);
        var first = Runs(narrow)[0].Run;
        Assert.Equal("Versicherungs\u00AD", first.Text);
        Assert.Equal(hyphenGlyph, first.Glyphs[^1]);
        Assert.All(narrow.Lines, line => Assert.True(line.Width <= 110.001f));
    }

    [Fact]
    public void A_newline_forces_a_break()
    {
        var layout = Layout("First line\nSecond\n\nFourth\n", 500);

        Assert.Equal(4, layout.Lines.Count);
        Assert.Equal(["First line", "Second", "", "Fourth"], DrawnLines(layout));
    }

    [Fact]
    public void Content_widths_bound_the_words_and_the_whole()
    {
        var layout = Layout("a wonderful day\nand more", 500);
        var wonderful = Layout("wonderful", 500).Lines[0].Width;
        var first = Layout("a wonderful day", 500).Lines[0].Width;

        Assert.Equal(wonderful, layout.MinContentWidth, 0.01f);
        Assert.Equal(first, layout.MaxContentWidth, 0.01f);
        Assert.Equal(2, Layout("a wonderful day\nand more", layout.MaxContentWidth).Lines.Count);
        var narrow = Layout("a wonderful day\nand more", layout.MinContentWidth);
        Assert.Equal(["a", "wonderful", "day", "and more"], DrawnLines(narrow));
    }

    [Fact]
    public void First_line_indent_and_letter_spacing_take_room()
    {
        var plain = Layout("Indented", 500).Lines[0].Width;
        var indented = Runs(Layout("Indented", 500, new ParagraphFormat(FirstLineIndent: 20)));
        var spaced = Layout("Indented", 500, style: Sans with { LetterSpacing = 1 }).Lines[0].Width;

        Assert.Equal(20, indented[0].X, 0.01f);
        Assert.Equal(plain + 8, spaced, 0.01f);
    }

    [Fact]
    public void Underlines_and_links_are_drawn_per_line()
    {
        var link = Sans with { Underline = true, Link = "https://example.com/", Color = new Color(0, 0, 255) };
        var layout = ParagraphLayout.Create(
            [
                new StyledText("Read ", Sans), new StyledText("the terms of the agreement", link),
                new StyledText(".", Sans),
            ],
            new ParagraphFormat(), FontLibrary.Bundled, 100);
        var ops = new List<DrawOp>();

        layout.Draw(ops, 50, 100, 0, layout.Lines.Count);

        var links = ops.OfType<LinkOp>().ToList();
        var underlines = ops.OfType<LineOp>().ToList();
        Assert.Equal(layout.Lines.Count, links.Count);
        Assert.All(links, l => Assert.Equal("https://example.com/", l.Uri));
        Assert.Equal(100, links[0].Y, 0.01f);
        Assert.Equal(layout.Lines.Count, underlines.Count);
        Assert.All(underlines, u => Assert.Equal(new Color(0, 0, 255), u.Color));
        var text = ops.OfType<TextOp>().First(t => t.Color == new Color(0, 0, 255));
        Assert.InRange(underlines[0].Y1 - text.Baseline, 0.5f, 3f);
        Assert.InRange(underlines[0].Width, 0.3f, 1.5f);
    }

    [Fact]
    public void Drawing_a_later_line_puts_it_at_the_given_top()
    {
        var layout = Layout(Latin, 150);
        var ops = new List<DrawOp>();

        layout.Draw(ops, 0, 500, 2, 1);

        var text = Assert.IsType<TextOp>(Assert.Single(ops));
        Assert.Equal(500 + layout.Lines[2].Ascent, text.Baseline, 0.01f);
        Assert.InRange(layout.Lines[2].Ascent, 9, 14.4f);
    }

    private static ParagraphLayout Layout(string text, float width, ParagraphFormat? format = null,
        TextStyle? style = null) =>
        ParagraphLayout.Create([new StyledText(text, style ?? Sans)], format ?? new ParagraphFormat(),
            FontLibrary.Bundled, width);

    private static List<(float X, GlyphRun Run)> Runs(ParagraphLayout layout)
    {
        var ops = new List<DrawOp>();
        layout.Draw(ops, 0, 0, 0, layout.Lines.Count);
        return ops.OfType<TextOp>().Select(t => (t.X, t.Run)).ToList();
    }

    private static string Signature(ParagraphLayout layout) =>
        string.Join(";", Runs(layout).Select(r =>
            FormattableString.Invariant($"{r.X:F2}:{string.Join(",", r.Run.Glyphs)}:{r.Run.Width:F2}")));

    // The text of each line as drawn (runs joined left to right).
    private static List<string> DrawnLines(ParagraphLayout layout)
    {
        var lines = new List<string>();
        for (var i = 0; i < layout.Lines.Count; i++)
        {
            var ops = new List<DrawOp>();
            layout.Draw(ops, 0, 0, i, 1);
            lines.Add(string.Concat(ops.OfType<TextOp>().Select(t => t.Run.Text)));
        }

        return lines;
    }
}
