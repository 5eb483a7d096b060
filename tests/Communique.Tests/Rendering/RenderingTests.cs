using Communique.Rendering;
using static Communique.Tests.Rendering.Liquid;

namespace Communique.Tests.Rendering;

public sealed class RenderingTests
{
    private static readonly IReadOnlyList<IReadOnlyDictionary<string, object?>> ThreeItems =
    [
        Record(("sku", "A-1"), ("qty", 2), ("price", 9.5m)),
        Record(("sku", "B-2"), ("qty", 1), ("price", 20m)),
        Record(("sku", "C-3"), ("qty", 5), ("price", 0.99m)),
    ];

    [Fact]
    public async Task Fields_are_output_by_name()
    {
        var text = await RenderTextAsync(
            "Hello {{ first_name }} {{ last_name }}, you are {{ age }}{% if vip %} and a VIP{% endif %}.",
            Record(("first_name", "Ada"), ("last_name", "Lovelace"), ("age", 36), ("vip", true)));

        Assert.Equal("Hello Ada Lovelace, you are 36 and a VIP.", text);
    }

    [Fact]
    public async Task A_repeater_renders_once_per_row()
    {
        var text = await RenderTextAsync(
            "{% for item in items %}{{ forloop.index }}:{{ item.sku }}x{{ item.qty }};{% endfor %} {{ items.size }} " +
                "lines",
            Record(("items", ThreeItems)));

        Assert.Equal("1:A-1x2;2:B-2x1;3:C-3x5; 3 lines", text);
    }

    [Fact]
    public async Task Repeaters_nest()
    {
        var orders = new List<IReadOnlyDictionary<string, object?>>
        {
            Record(("id", "o1"), ("lines", ThreeItems)),
            Record(("id", "o2"), ("lines", new List<IReadOnlyDictionary<string, object?>>())),
        };

        var text = await RenderTextAsync(
            "{% for order in orders %}{{ order.id }}[{% for line in order.lines %}{{ line.sku }}{% unless " +
                "forloop.last %},{% endunless %}{% else %}empty{% endfor %}]{% endfor %}",
            Record(("orders", orders)));

        Assert.Equal("o1[A-1,B-2,C-3]o2[empty]", text);
    }

    [Fact]
    public async Task Numbers_compare_and_compute_as_numbers()
    {
        var text = await RenderTextAsync(
            "{% if total > 100 %}big{% else %}small{% endif %} {{ total | plus: 1 }} {{ items | map: 'qty' | sum }}",
            Record(("total", 150.5m), ("items", ThreeItems)));

        Assert.Equal("big 151.5 8", text);
    }

    [Fact]
    public async Task A_field_with_no_value_renders_empty_and_is_not_missing()
    {
        var text = await RenderTextAsync("[{{ middle_name }}]", Record(("middle_name", null)));

        Assert.Equal("[]", text);
    }

    [Fact]
    public async Task A_missing_field_is_an_error_naming_it()
    {
        var outcome = await RenderAsync("Hello {{ frist_name }}", Record(("first_name", "Ada")));

        Assert.False(outcome.Succeeded);
        Assert.Equal(RenderFailureKind.MissingField, outcome.Failure.Kind);
        Assert.Equal("frist_name", outcome.Failure.Field);
        Assert.Contains("frist_name", outcome.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_field_inside_a_repeater_is_an_error_naming_its_path()
    {
        var outcome = await RenderAsync(
            "{% for item in items %}{{ item.sku }}{{ item.colour }}{% endfor %}", Record(("items", ThreeItems)));

        Assert.Equal(RenderFailureKind.MissingField, outcome.Failure?.Kind);
        Assert.Equal("items.colour", outcome.Failure?.Field);
    }

    [Fact]
    public async Task A_missing_field_in_a_condition_or_filter_argument_is_an_error()
    {
        var inCondition = await RenderAsync("{% if coupon %}x{% endif %}", Record());
        var inArgument = await RenderAsync("{{ 'a' | append: suffix }}", Record());
        var inLoopSource = await RenderAsync("{% for i in lines %}{% endfor %}", Record());

        Assert.Equal("coupon", inCondition.Failure?.Field);
        Assert.Equal("suffix", inArgument.Failure?.Field);
        Assert.Equal("lines", inLoopSource.Failure?.Field);
    }

    [Fact]
    public async Task Ignoring_missing_fields_renders_them_empty_including_inside_loops()
    {
        var options = Text() with { IgnoreMissingFields = true };

        var text = await RenderTextAsync(
            "[{{ nickname }}]{% for item in items %}({{ item.sku }}{{ item.colour }}){% endfor %}{% if coupon %}x{% " +
                "endif %}{% for x in nothing %}y{% endfor %}",
            Record(("items", ThreeItems)), options);

        Assert.Equal("[](A-1)(B-2)(C-3)", text);
    }

    [Fact]
    public async Task Loop_variables_and_assigned_variables_are_not_fields()
    {
        var text = await RenderTextAsync(
            "{% assign greeting = 'Hi' %}{% capture who %}{{ name | upcase }}{% endcapture %}{{ greeting }} {{ who " +
                "}}{% for n in (1..3) %}{{ n }}{% endfor %}",
            Record(("name", "ada")));

        Assert.Equal("Hi ADA123", text);
    }

    [Fact]
    public async Task A_field_named_size_is_the_field_not_the_count()
    {
        var text = await RenderTextAsync(
            "{% for item in items %}{{ item.size }}{% endfor %}",
            Record(("items", new List<IReadOnlyDictionary<string, object?>> { Record(("size", "XL")) })));

        Assert.Equal("XL", text);
    }

    [Fact]
    public async Task Html_contexts_encode_field_values()
    {
        var record = Record(("name", "Tom & \"Jerry\" <script>"), ("city", "Zürich"));

        var text = await RenderTextAsync("<p>{{ name }} from {{ city }}</p>", record, Html());

        Assert.Equal("<p>Tom &amp; &quot;Jerry&quot; &lt;script&gt; from Zürich</p>", text);
    }

    [Fact]
    public async Task Plain_text_contexts_do_not_encode_field_values()
    {
        var record = Record(("name", "Tom & \"Jerry\" <script>"));

        var text = await RenderTextAsync("Subject: {{ name }}", record, Text());

        Assert.Equal("Subject: Tom & \"Jerry\" <script>", text);
    }

    [Fact]
    public async Task Html_encoding_applies_inside_repeaters_and_to_filter_results()
    {
        var items = new List<IReadOnlyDictionary<string, object?>> { Record(("sku", "<b>")) };

        var text = await RenderTextAsync(
            "{% for item in items %}{{ item.sku }}{{ item.sku | append: '&' }}{% endfor %}", Record(("items", items)),
            Html());

        Assert.Equal("&lt;b&gt;&lt;b&gt;&amp;", text);
    }

    [Fact]
    public async Task A_value_of_a_type_templates_cannot_use_is_a_failure_naming_the_field()
    {
        var outcome = await RenderAsync("{{ odd }}", Record(("odd", new Uri("https://example.com"))));

        Assert.Equal(RenderFailureKind.TemplateError, outcome.Failure?.Kind);
        Assert.Equal("odd", outcome.Failure?.Field);
    }

    [Fact]
    public async Task A_filter_error_is_a_failure_not_an_exception()
    {
        var outcome = await RenderAsync("{{ total | divided_by: 0 }}", Record(("total", 5)));

        Assert.Equal(RenderFailureKind.TemplateError, outcome.Failure?.Kind);
    }

    [Fact]
    public async Task Templates_cannot_reach_members_of_dotnet_objects()
    {
        var text = await RenderTextAsync(
            "[{{ when.Year }}{{ when.Ticks }}{{ name.Length }}]",
            Record(("when", new DateTime(2024, 3, 5)), ("name", "Ada")));

        Assert.Equal("[]", text);
    }
}
