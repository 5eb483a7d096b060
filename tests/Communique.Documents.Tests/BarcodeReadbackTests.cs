using Communique.Documents.Drawing;
using Communique.Documents.Layout;
using Communique.Documents.Model;
using Communique.Documents.Pdf;
using Communique.Documents.Print;
using Communique.Documents.Text;

namespace Communique.Documents.Tests;

// The barcodes we draw, read back by readers nobody here wrote (zbar for QR and Code 128, libdmtx for Data Matrix)
// from pages rendered by poppler.
public sealed class BarcodeReadbackTests
{
    private static readonly DocumentLayout Layout = new(FontLibrary.Bundled);

    [Theory]
    [InlineData(BarcodeKind.Qr, "https://example.com/r/42?name=Zoë&n=1")]
    [InlineData(BarcodeKind.Code128, "ORD-2026-000123")]
    public void Zbar_reads_the_value_back_from_the_rendered_page(BarcodeKind kind, string value)
    {
        var spec = new DocumentSpec { Page = PageSpec.A4 };
        spec.Body.Add(new BarcodeBlock
        {
            Kind = kind, Value = value, Width = kind == BarcodeKind.Qr ? 100 : 260,
            Height = kind == BarcodeKind.Qr ? 100 : 60, HumanReadable = kind == BarcodeKind.Code128,
        });

        var png = Rendered(Pdf(Layout.Lay(spec, _ => throw new DocumentException("no images")).Pages()), 200);

        // zbar prints what it read first; a desktop bus it may fail to reach is reported after it.
        var read = PdfTools.Run("zbarimg", "--raw", "-q", png).Split('\n')[0];
        Assert.Equal(value, read);
    }

    [Fact]
    public void Dmtxread_reads_a_data_matrix_and_the_print_batchs_page_codes()
    {
        var spec = new DocumentSpec { Page = PageSpec.A4 };
        spec.Body.Add(
            new BarcodeBlock { Kind = BarcodeKind.DataMatrix, Value = "R-1042|1|3", Width = 72, Height = 72 });
        var drawn = Rendered(Pdf(Layout.Lay(spec, _ => throw new DocumentException("no images")).Pages()), 150);

        Assert.Equal("R-1042|1|3", PdfTools.Run("dmtxread", "-N1", "-m", "20000", drawn).Trim());

        var letter = new DocumentSpec { Page = PageSpec.A4 };
        var paragraph = new ParagraphBlock();
        paragraph.Content.Add(new TextInline("A letter of one page.", TextStyle.Default));
        letter.Body.Add(paragraph);
        using var output = new MemoryStream();
        using (var batch = new PrintBatchWriter(output, new PdfSettings { Created = DateTimeOffset.UnixEpoch },
                   new PrintOptions(Duplex: true, PageCodes: true)))
        {
            batch.Add("rec-7", Layout.Lay(letter, _ => throw new DocumentException("no images")));
            batch.Finish();
        }

        var first = Rendered(output.ToArray(), 150, page: 1);
        Assert.Equal("rec-7|1|1", PdfTools.Run("dmtxread", "-N1", "-m", "20000", first).Trim());
    }

    private static byte[] Pdf(IEnumerable<Page> pages)
    {
        using var output = new MemoryStream();
        using (var pdf = new PdfWriter(output, new PdfSettings { Created = DateTimeOffset.UnixEpoch }))
        {
            foreach (var page in pages)
            {
                pdf.AddPage(page);
            }

            pdf.Finish();
        }

        return output.ToArray();
    }

    // The page as poppler renders it, a PNG file's path.
    private static string Rendered(byte[] pdf, int dpi, int page = 1)
    {
        var file = PdfTools.Save(pdf, "barcode");
        var prefix = Path.ChangeExtension(file, null);
        var number = page.ToString(System.Globalization.CultureInfo.InvariantCulture);
        PdfTools.Run("pdftoppm", "-r", dpi.ToString(System.Globalization.CultureInfo.InvariantCulture), "-png",
            "-singlefile", "-f", number, "-l", number, file, prefix);
        return prefix + ".png";
    }
}
