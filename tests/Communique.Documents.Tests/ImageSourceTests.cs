using System.Text;
using Communique.Documents.Drawing;

namespace Communique.Documents.Tests;

public sealed class ImageSourceTests
{
    private const string Logo = """
        <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="120pt" height="60pt"
             viewBox="0 0 200 100">
          <defs><linearGradient id="g"><stop offset="0" stop-color="#1e3c5a"/><stop offset="1" stop-color="#5ab"/>
          </linearGradient></defs>
          <rect x="0" y="0" width="200" height="100" rx="12" fill="url(#g)"/>
          <circle cx="50" cy="50" r="30" fill="#fff"/>
          <use xlink:href="#g"/>
        </svg>
        """;

    [Fact]
    public void Reads_the_kind_and_size_of_PNG_JPEG_and_SVG_images()
    {
        var png = ImageSource.Load(PdfSamples.PngWithAlpha(40, 30));
        var jpeg = ImageSource.Load(PdfSamples.Jpeg(64, 48));
        var svg = ImageSource.Load(Encoding.UTF8.GetBytes(Logo));

        Assert.Equal((ImageFormat.Png, 40, 30), (png.Format, png.PixelWidth, png.PixelHeight));
        Assert.Equal((ImageFormat.Jpeg, 64, 48), (jpeg.Format, jpeg.PixelWidth, jpeg.PixelHeight));
        Assert.Equal((ImageFormat.Svg, 160, 80), (svg.Format, svg.PixelWidth, svg.PixelHeight));
    }

    [Fact]
    public void Takes_an_SVG_size_from_its_view_box_when_it_has_no_width_and_height()
    {
        var svg = ImageSource.Load("<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 50 20'/>"u8.ToArray());

        Assert.Equal((50, 20), (svg.PixelWidth, svg.PixelHeight));
    }

    [Theory]
    [InlineData("<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "<script>")]
    [InlineData("<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'><rect width='5' height='5'/></svg>",
        "onload")]
    [InlineData("<svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink'>"
        + "<image xlink:href='https://tracker.example/pixel.png' width='5' height='5'/></svg>", "outside resource")]
    [InlineData("<svg xmlns='http://www.w3.org/2000/svg'><image href='file:///etc/passwd' width='5' height='5'/>"
        + "</svg>", "outside resource")]
    [InlineData("<svg xmlns='http://www.w3.org/2000/svg'><style>@import url(https://x.example/a.css);</style></svg>",
        "imports")]
    [InlineData("<svg xmlns='http://www.w3.org/2000/svg'><rect style='fill:url(https://x.example/p)' /></svg>",
        "outside resource")]
    [InlineData("<svg xmlns='http://www.w3.org/2000/svg'><foreignObject><div>hi</div></foreignObject></svg>",
        "foreignObject")]
    [InlineData("<?xml version='1.0'?><!DOCTYPE svg [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
        + "<svg xmlns='http://www.w3.org/2000/svg'><text>&x;</text></svg>", "DTD")]
    [InlineData("<svg xmlns='http://www.w3.org/2000/svg'><rect></svg>", "well-formed")]
    [InlineData("<svg xmlns='http://www.w3.org/2000/svg'><g id='a'><rect width='1' height='1'/></g>"
        + "<g id='b'><use href='#a'/><use href='#a'/></g><use href='#b'/><use href='#b'/></svg>", "nested <use>")]
    [InlineData("<svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink'>"
        + "<use xlink:href='#c'/><g id='c'><use xlink:href='#c'/></g></svg>", "nested <use>")]
    public void Refuses_an_SVG_that_could_act_or_reach_outside_the_file(string svg, string reason)
    {
        var error = Assert.Throws<DocumentException>(() => ImageSource.Load(Encoding.UTF8.GetBytes(svg)));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain text, not an image")]
    [InlineData("\u0089PNG\r\n\u001a\n but then nothing")]
    [InlineData("<html><body>not svg</body></html>")]
    public void Refuses_bytes_that_are_not_an_image(string text)
    {
        Assert.Throws<DocumentException>(() => ImageSource.Load(Encoding.Latin1.GetBytes(text)));
    }

    [Fact]
    public void Refuses_a_truncated_JPEG()
    {
        var jpeg = PdfSamples.Jpeg();

        Assert.Throws<DocumentException>(() => ImageSource.Load(jpeg[..12]));
    }
}
