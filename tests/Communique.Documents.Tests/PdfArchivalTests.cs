using Communique.Documents.Drawing;

namespace Communique.Documents.Tests;

public sealed class PdfArchivalTests
{
    private const string Check = """
        import sys, pikepdf
        pdf = pikepdf.open(sys.argv[1])
        root = pdf.Root
        intent = root.OutputIntents[0]
        print('intent', intent.S, intent.DestOutputProfile.N, len(intent.DestOutputProfile.read_bytes()))
        profile = intent.DestOutputProfile.read_bytes()
        print('icc', profile[36:40].decode(), profile[12:16].decode(), profile[16:20].decode())
        meta = pdf.open_metadata()
        print('part', meta['pdfaid:part'], 'conformance', meta['pdfaid:conformance'])
        print('title', meta['dc:title'], 'producer', meta['pdf:Producer'])
        print('encrypted', pdf.is_encrypted, '/Encrypt' in pdf.trailer)
        print('id', len(pdf.trailer.ID) == 2)
        for page in pdf.pages:
            for annot in page.get('/Annots', []):
                print('annot', annot.Subtype, annot.F, annot.A.URI)
        for key, font in pdf.pages[0].Resources.Font.items():
            d = font.DescendantFonts[0].FontDescriptor
            print('embedded', font.BaseFont, '/FontFile2' in d or '/FontFile3' in d)
        """;

    [Fact]
    public void An_archival_pdf_carries_the_PDF_A_2b_identification_and_an_sRGB_output_intent()
    {
        var page = PdfSamples.Letter(paragraphs: 1);
        page.Ops.Add(new LinkOp(64, 40, 200, 20, "https://example.com/policy?id=42&ü=1"));
        // An SVG logo of outlines, one of them half transparent: a form XObject with its own graphics state.
        page.Ops.Add(new ImageOp(400, 700, 60, 30, ImageSource.Load(System.Text.Encoding.UTF8.GetBytes(
            "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 20 10'><rect width='20' height='5' fill='#1e3c5a'/>"
            + "<circle cx='10' cy='7' r='3' fill='orange' fill-opacity='0.5'/></svg>"))));
        var path = PdfTools.Save(PdfSamples.Write(PdfSamples.Settings(archival: true), page), "archival");

        var report = PdfTools.Python(Check, path);

        Assert.Matches(@"intent /GTS_PDFA1 3 \d{4}", report);
        Assert.Contains("icc acsp mntr RGB ", report, StringComparison.Ordinal);
        Assert.Contains("part 2 conformance B", report, StringComparison.Ordinal);
        Assert.Contains("title Letter to Ms Øster producer Communique", report, StringComparison.Ordinal);
        Assert.Contains("encrypted False False", report, StringComparison.Ordinal);
        Assert.Contains("id True", report, StringComparison.Ordinal);
        Assert.Contains("annot /Link 4 https://example.com/policy?id=42&%C3%BC=1", report, StringComparison.Ordinal);
        Assert.DoesNotContain("False\n", report.Replace("encrypted False False", "", StringComparison.Ordinal),
            StringComparison.Ordinal);
        Assert.DoesNotContain("WARNING", PdfTools.Run("qpdf", "--check", path), StringComparison.OrdinalIgnoreCase);
    }

    // LittleCMS (through Pillow, which pikepdf depends on) reads the embedded profile, and converting from it to
    // its own built-in sRGB leaves colours as they are.
    private const string ProfileCheck = """
        import sys, io, pikepdf
        from PIL import ImageCms, Image
        pdf = pikepdf.open(sys.argv[1])
        data = pdf.Root.OutputIntents[0].DestOutputProfile.read_bytes()
        profile = ImageCms.ImageCmsProfile(io.BytesIO(data))
        print(ImageCms.getProfileDescription(profile).strip())
        image = Image.new('RGB', (5, 1))
        image.putdata([(255, 0, 0), (0, 255, 0), (0, 0, 255), (128, 128, 128), (30, 60, 90)])
        to_srgb = ImageCms.buildTransform(profile, ImageCms.createProfile('sRGB'), 'RGB', 'RGB', renderingIntent=1)
        print(list(ImageCms.applyTransform(image, to_srgb).getdata()))
        """;

    [Fact]
    public void LittleCMS_reads_the_output_intent_profile_as_sRGB_in_a_file_with_an_empty_page()
    {
        var settings = PdfSamples.Settings(archival: true) with { Title = "Control\u0001 characters\ttoo" };
        var path = PdfTools.Save(PdfSamples.Write(settings, new Page(100, 100)), "icc");

        var report = PdfTools.Python(ProfileCheck, path);
        var check = PdfTools.Run("qpdf", "--check", path);
        var draw = PdfTools.Run("mutool", "draw", "-q", "-o", Path.ChangeExtension(path, ".png"), path);

        Assert.Equal(
            "sRGB IEC61966-2.1\n[(255, 0, 0), (0, 255, 0), (0, 0, 255), (128, 128, 128), (30, 60, 90)]\n", report);
        Assert.DoesNotContain("WARNING", check, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("flate", draw, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_sRGB_profile_maps_white_to_D50_and_has_the_published_primaries()
    {
        var profile = Pdf.SrgbProfile.Bytes;

        Assert.Equal(profile.Length, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(profile));
        var tags = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(profile.AsSpan(128));
        var columns = new Dictionary<string, double[]>();
        for (var i = 0; i < tags; i++)
        {
            var entry = profile.AsSpan(132 + i * 12);
            var signature = System.Text.Encoding.ASCII.GetString(entry[..4]);
            var offset = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(entry[4..]);
            if (signature is "rXYZ" or "gXYZ" or "bXYZ")
            {
                columns[signature] = Enumerable.Range(0, 3).Select(k =>
                    System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(profile.AsSpan(offset + 8 + k * 4))
                    / 65536.0).ToArray();
            }
        }

        // The values of the ICC's own sRGB profile (which rounds the white point a little differently).
        double[][] published = [[0.4361, 0.2225, 0.0139], [0.3851, 0.7169, 0.0971], [0.1431, 0.0606, 0.7141]];
        string[] names = ["rXYZ", "gXYZ", "bXYZ"];
        for (var i = 0; i < 3; i++)
        {
            for (var k = 0; k < 3; k++)
            {
                Assert.Equal(published[i][k], columns[names[i]][k], 0.0003);
            }
        }

        Assert.Equal(0.9642, columns.Values.Sum(c => c[0]), 3);
        Assert.Equal(1.0, columns.Values.Sum(c => c[1]), 3);
        Assert.Equal(0.8249, columns.Values.Sum(c => c[2]), 3);
    }
}
