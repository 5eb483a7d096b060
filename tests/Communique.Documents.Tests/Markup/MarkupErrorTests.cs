using Communique.Documents.Markup;

namespace Communique.Documents.Tests.Markup;

public sealed class MarkupErrorTests
{
    private static MarkupError Single(string xml)
    {
        var errors = Assert.Throws<MarkupException>(() => DocumentMarkup.Parse(xml)).Errors;
        return Assert.Single(errors);
    }

    [Fact]
    public void An_unknown_element_is_named_with_what_is_allowed()
    {
        var error = Single("<document>\n<body>\n  <p>Hi <blink>there</blink></p>\n</body></document>");

        Assert.Equal((3, 9), (error.Line, error.Column));
        Assert.StartsWith("Unknown element <blink> in <p>; allowed here: span, b, i, u, a, br", error.Message);
    }

    [Fact]
    public void An_unknown_attribute_is_named_with_what_the_element_takes()
    {
        var error = Single("<document><body>\n<p colour=\"red\">x</p></body></document>");

        Assert.Equal((2, 4), (error.Line, error.Column));
        Assert.Contains("Unknown attribute 'colour' on <p>; it takes: font-family, font-size", error.Message);
    }

    [Fact]
    public void An_unclosed_tag_is_reported_at_the_end_tag_that_does_not_match_it()
    {
        var error = Single("<document><body>\n<p>one\n  <b>two</b> <i>three</body></document>");

        Assert.Equal((3, 24), (error.Line, error.Column));
        Assert.Contains("not well-formed", error.Message);
        Assert.Contains("The 'i' start tag on line 3 position 15 does not match the end tag of 'body'", error.Message);
    }

    [Fact]
    public void An_element_left_open_at_the_end_is_reported_where_it_opens()
    {
        var error = Single("<document><body>\n  <p>one\n  ");

        Assert.Equal((2, 3), (error.Line, error.Column));
        Assert.Equal("<p> is not closed before the end of the markup.", error.Message);
    }

    [Fact]
    public void A_mismatched_end_tag_is_reported_where_it_stands()
    {
        var error = Single("<document><body><p>\n  <b>one</i></p></body></document>");

        Assert.Equal((2, 11), (error.Line, error.Column));
        Assert.Contains("'b'", error.Message);
    }

    [Theory]
    [InlineData("<span font-size=\"12qq\">x</span>", "font-size=\"12qq\" on <span> is not valid; expected a length")]
    [InlineData("<span font-size=\"0\">x</span>", "expected a length from 1pt to 1000pt")]
    [InlineData("<span color=\"blue-ish\">x</span>", "expected a colour: #rgb, #rrggbb or one of black")]
    [InlineData("<span color=\"#12345\">x</span>", "expected a colour")]
    [InlineData("<span font-weight=\"heavy\">x</span>", "expected one of normal, bold")]
    [InlineData("<span underline=\"yes\">x</span>", "expected true or false")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>", "expected an http:, https: or mailto: link")]
    public void A_bad_value_is_reported_at_its_attribute(string inline, string message)
    {
        var error = Single($"<document><body>\n  <p>{inline}</p></body></document>");

        Assert.Equal((2, 7 + inline.IndexOf(' ', StringComparison.Ordinal)), (error.Line, error.Column));
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("<page size=\"B7\"/>", "size=\"B7\" on <page> is not valid; expected one of A3, A4")]
    [InlineData("<page margin=\"1 2 3 4 5\"/>", "expected one to four lengths")]
    [InlineData("<body><p align=\"middle\">x</p></body>", "expected one of start, end, left, right, center, justify")]
    [InlineData("<body><table grid=\"thick\"/></body>", "expected none, or a width")]
    [InlineData("<body><table><columns><column width=\"wide\"/></columns></table></body>", "auto")]
    [InlineData("<body><barcode type=\"ean\" value=\"1\"/></body>", "expected one of qr, code128, datamatrix")]
    [InlineData("<body><table><row><cell colspan=\"0\"/></row></table></body>", "a whole number from 1 to 1000")]
    public void Every_value_type_is_checked(string content, string message)
    {
        var errors = Assert.Throws<MarkupException>(() => DocumentMarkup.Parse($"<document>{content}</document>"));

        Assert.Contains(errors.Errors, e => e.Message.Contains(message, StringComparison.Ordinal) && e.Line == 1);
    }

    [Fact]
    public void Text_directly_in_the_body_is_reported_at_its_first_letter()
    {
        var error = Single("<document><body>\n  <p>a</p>\n   Hello\n</body></document>");

        Assert.Equal((3, 4), (error.Line, error.Column));
        Assert.Equal("Text is not allowed directly in <body>; put it in a <p>.", error.Message);
    }

    [Fact]
    public void A_block_in_a_span_is_out_of_place()
    {
        var error = Single("<document><body><p><span>\n <table/></span></p></body></document>");

        Assert.Equal((2, 2), (error.Line, error.Column));
        Assert.StartsWith("<table> is not allowed in <span>; allowed here: span", error.Message);
    }

    [Fact]
    public void A_box_belongs_to_the_document_not_the_body()
    {
        var error = Single("<document><body><box x=\"0\" y=\"0\" width=\"10\"/></body></document>");

        Assert.StartsWith("<box> is not allowed in <body>", error.Message);
    }

    [Fact]
    public void Missing_attributes_and_body_are_named()
    {
        var errors = Assert.Throws<MarkupException>(() => DocumentMarkup.Parse(
            "<document>\n<box y=\"0\" width=\"10\"/><watermark/></document>")).Errors;

        Assert.Equal(
            [
                "2:1 <box> needs the attribute 'x'.",
                "2:24 <watermark> needs the attribute 'text'.",
                "1:1 <document> has no <body>.",
            ],
            errors.Select(e => $"{e.Line}:{e.Column} {e.Message}"));
    }

    [Fact]
    public void A_doctype_is_refused()
    {
        var error = Single("""
            <?xml version="1.0"?>
            <!DOCTYPE document [<!ENTITY lol "lol">]>
            <document><body><p>&lol;</p></body></document>
            """);

        Assert.Equal((2, 1), (error.Line, error.Column));
        Assert.Equal("A DOCTYPE declaration is not allowed in document markup.", error.Message);
    }

    [Fact]
    public void An_undeclared_entity_is_refused_with_what_to_write_instead()
    {
        var error = Single("<document><body><p>a&nbsp;b</p></body></document>");

        Assert.Equal((1, 22), (error.Line, error.Column));
        Assert.Contains("&#160;", error.Message);
    }

    [Fact]
    public void Nesting_past_the_limit_stops_the_read()
    {
        var depth = DocumentMarkup.MaxDepth + 10;
        var xml = "<document><body><p>" + string.Concat(Enumerable.Repeat("<b>", depth)) + "x"
            + string.Concat(Enumerable.Repeat("</b>", depth)) + "</p></body></document>";

        var error = Single(xml);

        Assert.Equal("Elements are nested more than 64 deep.", error.Message);
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void Markup_longer_than_the_limit_is_refused_before_it_is_read()
    {
        var error = Single(new string(' ', DocumentMarkup.MaxDocumentChars + 1));

        Assert.Equal((1, 1), (error.Line, error.Column));
        Assert.Contains("characters long", error.Message);

        var template = Assert.Single(DocumentMarkup.Check(new string(' ', DocumentMarkup.MaxTemplateChars + 1)));
        Assert.Contains("at most 1,048,576", template.Message);
    }

    [Fact]
    public void All_errors_are_reported_up_to_the_cap()
    {
        var xml = "<document><body>" + string.Concat(Enumerable.Repeat("<q/>\n", 80)) + "</body></document>";

        var errors = Assert.Throws<MarkupException>(() => DocumentMarkup.Parse(xml)).Errors;

        Assert.Equal(DocumentMarkup.MaxErrors, errors.Count);
        Assert.Equal([1, 2, 3], errors.Take(3).Select(e => e.Line));
    }

    [Fact]
    public void The_root_must_be_a_document()
    {
        var error = Single("<html><body/></html>");

        Assert.Equal("The root element is <html>; document markup starts with <document>.", error.Message);
    }

    [Fact]
    public void The_exception_message_names_the_first_error()
    {
        var exception = Assert.Throws<MarkupException>(
            () => DocumentMarkup.Parse("<document><body><x/><y/></body></document>"));

        Assert.StartsWith(
            "The document markup is not valid: line 1, column 17: Unknown element <x>", exception.Message);
        Assert.EndsWith("(and 1 more)", exception.Message);
    }
}
