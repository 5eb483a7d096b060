using Communique.Documents.Drawing;
using Communique.Documents.Markup;
using Communique.Documents.Model;

namespace Communique.Documents.Tests.Markup;

public sealed class MarkupValuesTests
{
    [Theory]
    [InlineData("12", 12)]
    [InlineData(" 12pt ", 12)]
    [InlineData("-1.5pt", -1.5)]
    [InlineData("25.4mm", 72)]
    [InlineData("2.54cm", 72)]
    [InlineData("0.5in", 36)]
    [InlineData("16px", 12)]
    [InlineData(".5", 0.5)]
    public void Lengths_take_units(string text, float points)
    {
        Assert.True(MarkupValues.TryLength(text, out var value));
        Assert.Equal(points, value, 0.001f);
    }

    [Theory]
    [InlineData("")]
    [InlineData("pt")]
    [InlineData("12qq")]
    [InlineData("12 pt")]
    [InlineData("1e5")]
    [InlineData("Infinity")]
    [InlineData("NaN")]
    [InlineData("1,5")]
    [InlineData("12em")]
    public void Other_lengths_are_refused(string text)
    {
        Assert.False(MarkupValues.TryLength(text, out _));
    }

    [Theory]
    [InlineData("#abc", 0xAA, 0xBB, 0xCC)]
    [InlineData("#0A0b0C", 10, 11, 12)]
    [InlineData("Navy", 0, 0, 128)]
    [InlineData("grey", 128, 128, 128)]
    public void Colours_are_hex_or_named(string text, byte r, byte g, byte b)
    {
        Assert.True(MarkupValues.TryColor(text, out var color));
        Assert.Equal(new Color(r, g, b), color);
    }

    [Theory]
    [InlineData("#ggg")]
    [InlineData("# ff")]
    [InlineData("#abcd")]
    [InlineData("blue-ish")]
    [InlineData("rgb(0,0,0)")]
    public void Other_colours_are_refused(string text)
    {
        Assert.False(MarkupValues.TryColor(text, out _));
    }

    [Fact]
    public void Borders_edges_and_columns_read_as_in_css()
    {
        Assert.True(MarkupValues.TryBorder("#999 0.5pt", out var border));
        Assert.Equal(new Border(0.5f, new Color(0x99, 0x99, 0x99)), border);
        Assert.True(MarkupValues.TryBorder("none", out border));
        Assert.Null(border);
        Assert.False(MarkupValues.TryBorder("#999", out _));
        Assert.True(MarkupValues.TryEdges("1 2 3", 0, 100, out var edges));
        Assert.Equal(new Edges(1, 2, 3, 2), edges);
        Assert.False(MarkupValues.TryEdges("-1", 0, 100, out _));
        Assert.True(MarkupValues.TryColumnWidth("*", out var column));
        Assert.Equal(new ColumnSpec(ColumnWidth.Relative, 1), column);
        Assert.True(MarkupValues.TryColumnWidth("1.5*", out column));
        Assert.Equal(new ColumnSpec(ColumnWidth.Relative, 1.5f), column);
        Assert.False(MarkupValues.TryColumnWidth("0*", out _));
        Assert.True(MarkupValues.TryPageSize("100px x 200px", out var width, out var height));
        Assert.Equal((75f, 150f), (width, height));
    }
}
