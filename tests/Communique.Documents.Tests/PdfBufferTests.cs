using System.Text;
using Communique.Documents.Pdf;

namespace Communique.Documents.Tests;

public sealed class PdfBufferTests
{
    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(12.0, "12")]
    [InlineData(-3.25, "-3.25")]
    [InlineData(595.2756, "595.276")]
    [InlineData(0.1, "0.1")]
    [InlineData(-0.0004, "0")]
    [InlineData(1.005, "1.005")]
    [InlineData(double.NaN, "0")]
    [InlineData(double.PositiveInfinity, "0")]
    public void Writes_numbers_with_at_most_three_decimals_and_no_exponent(double value, string written)
    {
        using var buffer = new PdfBuffer(16);

        buffer.Num(value);

        Assert.Equal(written, Encoding.ASCII.GetString(buffer.Span));
    }

    [Fact]
    public void Writes_text_strings_as_ASCII_literals_or_UTF_16_with_a_byte_order_mark()
    {
        using var buffer = new PdfBuffer(4);

        buffer.Text("a (b) \\c").Space().Text("Ø").Space().Name("Liberation Sans#1");

        Assert.Equal("(a \\(b\\) \\\\c) <FEFF00D8> /Liberation#20Sans#231", Encoding.ASCII.GetString(buffer.Span));
    }
}
