using Communique.Documents.Markup;

namespace Communique.Documents.Tests.Markup;

public sealed class MarkupCheckTests
{
    // A statement template as saved: fields in text and attributes, a condition, loops over rows and items.
    private const string Statement = """
        <document title="Statement for {{ customer.name }}" lang="{{ customer.lang | default: 'en' }}">
          <page size="{% if customer.country == 'US' %}Letter{% else %}A4{% endif %}"/>
          {% if draft %}<watermark text="DRAFT"/>{% endif %}
          <footer align="center">Page <page-number/> of <page-count/></footer>
          <box x="20mm" y="45mm" width="85mm">
            <p>{{ customer.name }}<br/>{{ customer.street }}</p>
          </box>
          <body>
            {% comment %} <not-markup> & stray < signs are fine here {% endcomment %}
            <p font-size="{{ size }}pt">Dear {{ customer.name | capitalize }},</p>
            {% if total < 0 %}
            <p color="red">You are in credit by {{ total | abs }}.</p>
            {% else %}
            <p>Please pay {{ total }} by {{ due | date: "%d %B %Y" }}.</p>
            {% endif %}
            <list>
              {% for line in notes %}<item>{{ line }}</item>{% endfor %}
            </list>
            <table grid="0.5pt #999">
              <columns><column width="30mm"/><column width="*"/></columns>
              <header-row><cell>Date</cell><cell>Amount</cell></header-row>
              {% for r in rows %}
              <row background="{% cycle '#fff', '#eee' %}"><cell>{{ r.date }}</cell><cell>{{ r.amount }}</cell></row>
              {% endfor %}
            </table>
            <p><a href="{{ portal_url }}">Your account</a></p>
            <barcode type="qr" value="{{ customer.id }}"/>
          </body>
        </document>
        """;

    [Fact]
    public void A_template_with_liquid_in_text_attributes_and_between_elements_is_accepted()
    {
        Assert.Empty(DocumentMarkup.Check(Statement));
    }

    [Fact]
    public void An_unknown_element_inside_a_loop_is_still_reported()
    {
        var source = Statement.Replace(
            "<cell>{{ r.amount }}</cell>", "<cel>{{ r.amount }}</cel>", StringComparison.Ordinal);

        var error = Assert.Single(DocumentMarkup.Check(source));

        Assert.Equal((23, 77), (error.Line, error.Column));
        Assert.StartsWith("Unknown element <cel> in <row>; allowed here: cell.", error.Message);
    }

    [Fact]
    public void Values_without_liquid_are_still_checked()
    {
        var errors = DocumentMarkup.Check("""
            <document><body>
              <p font-size="{{ size }}" color="blue-ish">{{ x }}</p>
              <spacer height="12qq"/>
            </body></document>
            """);

        Assert.Equal([(2, 29), (3, 11)], errors.Select(e => (e.Line, e.Column)));
    }

    [Fact]
    public void Liquid_output_directly_in_the_body_is_text_and_not_allowed()
    {
        var error = Assert.Single(DocumentMarkup.Check("<document><body>\n  {{ greeting }}\n</body></document>"));

        Assert.Equal((2, 3), (error.Line, error.Column));
    }

    [Fact]
    public void Liquid_does_not_excuse_markup_that_is_not_well_formed()
    {
        var errors = DocumentMarkup.Check(
            "<document><body>\n{% for r in rows %}<p>{{ r }}{% endfor %}\n</body></document>");

        var error = Assert.Single(errors);
        Assert.Equal(3, error.Line);
        Assert.Contains("not well-formed", error.Message);
    }

    [Fact]
    public void Both_branches_of_a_condition_may_hold_the_same_part()
    {
        Assert.Empty(DocumentMarkup.Check("""
            <document>
              {% if a %}<header>A</header>{% else %}<header>B</header>{% endif %}
              <body><table><columns><column/></columns>
                <row>{% if b %}<cell>x</cell>{% else %}<cell>y</cell>{% endif %}</row>
              </table></body>
            </document>
            """));
    }

    [Fact]
    public void Errors_before_and_after_are_all_reported()
    {
        var errors = DocumentMarkup.Check("""
            <document><body>
              <p><foo/></p>
              <p><bar/></p>
              <p align="up">x</p>
            </body></document>
            """);

        Assert.Equal([2, 3, 4], errors.Select(e => e.Line));
    }

    [Fact]
    public void The_documented_letter_is_a_valid_template()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory!.FullName, "docs", "documents", "markup.md")))
        {
            directory = directory.Parent;
        }

        var page = File.ReadAllText(Path.Combine(directory.FullName, "docs", "documents", "markup.md"));
        var start = page.LastIndexOf("```xml\n", StringComparison.Ordinal) + "```xml\n".Length;
        var letter = page[start..page.IndexOf("```", start, StringComparison.Ordinal)];

        Assert.Contains("</document>", letter, StringComparison.Ordinal);
        Assert.Empty(DocumentMarkup.Check(letter));
    }
}
