using System.Globalization;
using AngleSharp.Html.Parser;
using Communique.Communications;
using Communique.Email.Compose;
using Communique.Rendering;

namespace Communique.Tests.Email;

public sealed class TemplateInlinerTests : IDisposable
{
    private readonly LiquidTemplates _liquid = new(TimeProvider.System);

    public void Dispose() => _liquid.Dispose();

    private const string Template = """
        <html><head><title>{{ first_name }}'s statement</title>
        <style>p { color: #c00 } .vip { font-weight: bold } td.amount { text-align: right } @media (max-width: 600px) { p { font-size: 14px } }</style></head>
        <body>
        {% if vip %}<p class="vip">Dear {{ first_name }},</p>{% else %}<p>Hello {{ first_name }},</p>{% endif %}
        <table>
          {% for line in lines %}<tr><td>{{ line.label }}</td><td class="amount" width="80">{{ line.amount }}</td></tr>{% endfor %}
        </table>
        <!-- for {{ first_name }} -->
        <p><a href="https://shop.example/offer?who={{ first_name | url_encode }}&amp;x=1">Offer</a> {% raw %}{{ not liquid }}{% endraw %}</p>
        </body></html>
        """;

    private static Dictionary<string, object?> Record(bool vip) => new()
    {
        ["first_name"] = "Ann <A&B>",
        ["vip"] = vip,
        ["lines"] = new List<IReadOnlyDictionary<string, object?>>
        {
            new Dictionary<string, object?> { ["label"] = "Rent", ["amount"] = 500m },
            new Dictionary<string, object?> { ["label"] = "Power", ["amount"] = 42.5m },
        },
    };

    private async Task<string> RenderAsync(string source, Dictionary<string, object?> record, bool html = true)
    {
        Assert.True(_liquid.TryCompile(source, out var template, out var error), error?.Message);
        var outcome = await _liquid.RenderAsync(template, record, new RenderOptions
        {
            Culture = CultureInfo.InvariantCulture, FieldFormats = new Dictionary<string, FieldFormat>(),
            HtmlEncode = html,
        }, CancellationToken.None);
        Assert.True(outcome.Succeeded, outcome.Failure?.Message);
        return outcome.Text!;
    }

    [Fact]
    public void The_css_goes_into_the_template_itself_and_everything_else_stays_as_written()
    {
        var inlined = TemplateInliner.TryInline(Template);

        Assert.NotNull(inlined);
        Assert.Contains(
            """{% if vip %}<p class="vip" style="color: #c00;font-weight: bold">Dear {{ first_name }},</p>"""
                + """{% else %}<p style="color: #c00">Hello""",
            inlined, StringComparison.Ordinal);
        Assert.Contains(
            """{% for line in lines %}<tr><td>{{ line.label }}</td>"""
                + """<td class="amount" width="80" style="text-align: right">{{ line.amount }}</td></tr>{% endfor %}""",
            inlined, StringComparison.Ordinal);
        Assert.Contains("<title>{{ first_name }}'s statement</title>", inlined, StringComparison.Ordinal);
        Assert.Contains("<!-- for {{ first_name }} -->", inlined, StringComparison.Ordinal);
        Assert.Contains("""<a href="https://shop.example/offer?who={{ first_name | url_encode }}&amp;x=1">""", inlined,
            StringComparison.Ordinal);
        Assert.Contains("{% raw %}{{ not liquid }}{% endraw %}", inlined, StringComparison.Ordinal);
        Assert.Contains("<style>@media (max-width: 600px)", inlined, StringComparison.Ordinal);
        Assert.DoesNotContain(".vip {", inlined, StringComparison.Ordinal);
        Assert.DoesNotContain("tbody", inlined, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_message_from_the_inlined_template_has_the_styles_of_one_inlined_after_rendering(bool vip)
    {
        var once = await RenderAsync(TemplateInliner.TryInline(Template)!, Record(vip));
        var perMessage = PreMailer.Net.PreMailer.MoveCssInline(await RenderAsync(Template, Record(vip)),
            removeStyleElements: true, preserveMediaQueries: true).Html;

        var parser = new HtmlParser();
        var styles = (string html) => parser.ParseDocument(html).Body!.QuerySelectorAll("*")
            .Select(e => $"{e.LocalName} {e.GetAttribute("style")} {e.TextContent.Trim()}").ToList();
        Assert.Equal(styles(perMessage), styles(once));
        Assert.Contains("Ann &lt;A&amp;B&gt;", once, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<style>p { color: {{ colour }} }</style><p>x</p>")]
    [InlineData("""<style>p { color: red }</style><p class="{{ kind }}">x</p>""")]
    [InlineData("""<style>p { color: red }</style><p style="margin: {{ gap }}">x</p>""")]
    [InlineData("""<style>p { color: red }</style><p {% if a %}hidden{% endif %}>x</p>""")]
    [InlineData("""<style>p { color: red }</style><p title={{ t }}>x</p>""")]
    [InlineData("<style>body { color: red }</style><p>no body tag</p>")]
    [InlineData("<style>p { color: red }</style><p>{{ unclosed </p>")]
    public void Liquid_that_could_change_what_the_css_applies_to_leaves_the_inlining_to_each_message(string template) =>
        Assert.Null(TemplateInliner.TryInline(template));

    [Fact]
    public void A_template_without_css_comes_back_unchanged_apart_from_line_ends() =>
        Assert.Equal("<p>Hello {{ name }}</p>\n<p>{% if a < b %}less{% endif %}</p>",
            TemplateInliner.TryInline("<p>Hello {{ name }}</p>\r\n<p>{% if a < b %}less{% endif %}</p>"));

    [Fact]
    public async Task The_derived_text_template_renders_what_the_text_of_each_rendered_message_would_be()
    {
        var text = TemplateInliner.TryDeriveText(Template);

        Assert.NotNull(text);
        foreach (var vip in new[] { true, false })
        {
            var expected = EmailRenderer.TextOf(await RenderAsync(Template, Record(vip)));
            Assert.Equal(expected, EmailRenderer.Tidy(await RenderAsync(text, Record(vip), html: false)));
        }
    }

    [Fact]
    public void A_liquid_tag_in_the_head_keeps_the_text_derived_per_message() =>
        Assert.Null(TemplateInliner.TryDeriveText(
            "<html><head><style>p { color: {% if a %}red{% endif %} }</style></head><body><p>Hi</p></body></html>"));
}
