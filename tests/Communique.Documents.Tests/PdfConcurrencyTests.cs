using Communique.Documents.Drawing;
using Communique.Documents.Text;

namespace Communique.Documents.Tests;

public sealed class PdfConcurrencyTests
{
    [Fact]
    public void Documents_written_concurrently_are_identical_to_the_same_written_one_after_another()
    {
        var pages = Enumerable.Range(0, 8).Select(Page).ToArray();
        var sequential = pages.Select(page => PdfSamples.Write(PdfSamples.Settings(), page)).ToArray();

        var concurrent = new byte[pages.Length][];
        Parallel.For(0, pages.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            i => concurrent[i] = PdfSamples.Write(PdfSamples.Settings(), pages[i]));

        for (var i = 0; i < pages.Length; i++)
        {
            Assert.Equal(sequential[i], concurrent[i]);
        }

        Assert.Equal(8, sequential.Select(Convert.ToBase64String).Distinct().Count());
    }

    [Fact]
    public void The_same_page_and_date_give_the_same_file_and_another_date_another_id()
    {
        var page = PdfSamples.Letter(paragraphs: 1);

        var first = PdfSamples.Write(PdfSamples.Settings(), page);
        var again = PdfSamples.Write(PdfSamples.Settings(), page);
        var later = PdfSamples.Write(PdfSamples.Settings() with { Created = PdfSamples.Created.AddDays(1) }, page);

        Assert.Equal(first, again);
        Assert.NotEqual(Id(first), Id(later));
    }

    // Each document uses its own glyphs (a different name), so that their font subsets differ.
    private static Page Page(int index)
    {
        var page = PdfSamples.Letter(paragraphs: 1);
        string[] names =
        [
            "Zoë Quill", "Xavier Jukes", "Yvonne Kim", "Walter Vance", "Ümit Çelik", "Þóra Jónsdóttir",
            "Ægir Ørsted", "Łucja Źdźbło",
        ];
        page.Ops.Add(PdfSamples.Text(64, 120, names[index], "LiberationSans-Bold.ttf", 12));
        page.Ops.Add(new LinkOp(64, 108, 100, 14, $"https://example.com/{index}"));
        return page;
    }

    private static string Id(byte[] pdf)
    {
        var text = System.Text.Encoding.Latin1.GetString(pdf);
        var at = text.LastIndexOf("/ID[", StringComparison.Ordinal);
        return text.Substring(at, 70);
    }
}
