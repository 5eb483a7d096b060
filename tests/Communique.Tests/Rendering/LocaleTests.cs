using System.Globalization;
using Communique.Rendering;
using static Communique.Tests.Rendering.Liquid;

namespace Communique.Tests.Rendering;

public sealed class LocaleTests
{
    private static readonly Dictionary<string, object?> Order = Record(
        ("total", 1234567.891m), ("count", 1200), ("ratio", 0.256m),
        ("ordered", new DateOnly(2024, 3, 5)), ("shipped", new DateTime(2024, 3, 5, 14, 30, 0)),
        ("opens", new TimeOnly(9, 15)));

    [Fact]
    public async Task Plain_numbers_follow_the_culture_decimal_separator()
    {
        Assert.Equal("1234567.891 1200", await RenderTextAsync("{{ total }} {{ count }}", Order, Text(EnUs)));
        Assert.Equal("1234567,891 1200", await RenderTextAsync("{{ total }} {{ count }}", Order, Text(DeDe)));
    }

    [Fact]
    public async Task The_number_filter_groups_thousands_in_the_culture()
    {
        const string source = "{{ total | number }}|{{ total | number: 2 }}|{{ count | number }}";

        Assert.Equal("1,234,567.891|1,234,567.89|1,200", await RenderTextAsync(source, Order, Text(EnUs)));
        Assert.Equal("1.234.567,891|1.234.567,89|1.200", await RenderTextAsync(source, Order, Text(DeDe)));
    }

    [Fact]
    public async Task The_currency_filter_uses_the_culture_pattern_and_the_currency_symbol()
    {
        const string source = "{{ total | currency: 'EUR' }}|{{ total | currency: 'USD' }}|"
            + "{{ total | currency: 'JPY' }}|{{ total | currency }}";

        Assert.Equal(
            "€1,234,567.89|$1,234,567.89|¥1,234,568|$1,234,567.89",
            await RenderTextAsync(source, Order, Text(EnUs)));
        Assert.Equal(
            "1.234.567,89 €|1.234.567,89 $|1.234.568 ¥|1.234.567,89 €",
            await RenderTextAsync(source, Order, Text(DeDe)));
    }

    [Fact]
    public async Task The_currency_filter_takes_decimals_and_tolerates_unknown_codes()
    {
        Assert.Equal("€1,234,568|XYZ1,234,567.89", await RenderTextAsync(
            "{{ total | currency: 'eur', 0 }}|{{ total | currency: 'XYZ' }}", Order, Text(EnUs)));
    }

    [Fact]
    public async Task The_percent_filter_follows_the_culture()
    {
        Assert.Equal(
            "25.6%|26%", await RenderTextAsync("{{ ratio | percent }}|{{ ratio | percent: 0 }}", Order, Text(EnUs)));
        Assert.Equal(
            "25,6 %|26 %", await RenderTextAsync("{{ ratio | percent }}|{{ ratio | percent: 0 }}", Order, Text(DeDe)));
    }

    [Fact]
    public async Task Dates_print_in_the_culture_short_format()
    {
        const string source = "{{ ordered }}|{{ shipped }}|{{ opens }}";

        // ICU puts a narrow no-break space before AM/PM.
        var american = (await RenderTextAsync(source, Order, Text(EnUs))).Replace('\u202F', ' ');

        Assert.Equal("3/5/2024|3/5/2024 2:30 PM|9:15 AM", american);
        Assert.Equal("05.03.2024|05.03.2024 14:30|09:15", await RenderTextAsync(source, Order, Text(DeDe)));
    }

    [Fact]
    public async Task The_date_filter_keeps_liquid_formats_with_the_culture_names()
    {
        const string source = "{{ ordered | date: '%A %-d %B %Y' }}|{{ shipped | date: '%d.%m.%Y %H:%M' }}|"
            + "{{ shipped | date: '%b' }}";

        Assert.Equal("Tuesday 5 March 2024|05.03.2024 14:30|Mar", await RenderTextAsync(source, Order, Text(EnUs)));
        Assert.Equal("Dienstag 5 März 2024|05.03.2024 14:30|Mär", await RenderTextAsync(source, Order, Text(DeDe)));
    }

    [Fact]
    public async Task Culture_comes_from_the_options_not_the_thread()
    {
        var before = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("fr-FR");
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("fr-FR");

            Assert.Equal("1,234,567.89|Tuesday", await RenderTextAsync(
                "{{ total | number: 2 }}|{{ ordered | date: '%A' }}", Order, Text(EnUs)));
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
            CultureInfo.CurrentUICulture = before;
        }
    }

    [Fact]
    public async Task Schema_field_formats_apply_when_a_field_is_output_without_a_filter()
    {
        var options = Text(DeDe) with
        {
            FieldFormats = new Dictionary<string, FieldFormat>
            {
                ["total"] = new(DecimalPlaces: 2, DecimalSeparator: ",", ThousandsSeparator: "'"),
                ["count"] = new(ThousandsSeparator: "."),
                ["ordered"] = new(DateFormat: "dd MMM yyyy"),
            },
        };

        var text = await RenderTextAsync(
            "{{ total }}|{{ count }}|{{ ordered }}|{{ total | number: 1 }}", Order, options);

        Assert.Equal("1'234'567,89|1.200|05 März 2024|1.234.567,9", text);
    }

    [Fact]
    public async Task Schema_field_formats_apply_inside_repeaters_by_path()
    {
        var items = new List<IReadOnlyDictionary<string, object?>>
        {
            Record(("price", 1999.5m)), Record(("price", 5m)),
        };
        var options = Text(EnUs) with
        {
            FieldFormats = new Dictionary<string, FieldFormat>
            {
                ["items.price"] = new(DecimalPlaces: 2, ThousandsSeparator: " "),
            },
        };

        var text = await RenderTextAsync(
            "{% for item in items %}{{ item.price }};{% endfor %}{{ items[0].price }};"
            + "{% assign p = items[1].price %}{{ p }}",
            Record(("items", items)), options);

        Assert.Equal("1 999.50;5.00;1 999.50;5", text);
    }
}
