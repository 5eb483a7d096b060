using Communique.DataSources.Import;

namespace Communique.Tests.DataSources.Import;

public sealed class ValueParserTests
{
    private static readonly DataStandard EnUs = DataStandard.For("en-US");
    private static readonly DataStandard DeDe = DataStandard.For("de-DE");

    [Theory]
    [InlineData("en-US", "1,234.5", "1234.5")]
    [InlineData("en-US", "1234.5", "1234.5")]
    [InlineData("en-US", "-1,234,567.25", "-1234567.25")]
    [InlineData("en-US", "+7", "7")]
    [InlineData("en-US", " 42 ", "42")]
    [InlineData("en-US", ".5", "0.5")]
    [InlineData("de-DE", "1.234,5", "1234.5")]
    [InlineData("de-DE", "1234,5", "1234.5")]
    [InlineData("de-DE", "-0,01", "-0.01")]
    [InlineData("fr-FR", "1 234,5", "1234.5")]
    [InlineData("fr-FR", "1\u202F234,5", "1234.5")]
    [InlineData("hi-IN", "12,34,567.5", "1234567.5")]
    [InlineData("", "1,234.5", "1234.5")]
    public void Numbers_parse_as_the_data_standard_writes_them(string standard, string text, string expected)
    {
        Assert.True(ValueParser.TryParseNumber(text, DataStandard.For(standard), out var value));
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value);
    }

    [Theory]
    [InlineData("en-US", "1,2")]
    [InlineData("en-US", "1,2,3")]
    [InlineData("en-US", "1234,5")]
    [InlineData("en-US", "1.234,5")]
    [InlineData("en-US", "12,3456")]
    [InlineData("en-US", "5.")]
    [InlineData("en-US", "1e5")]
    [InlineData("en-US", "$5")]
    [InlineData("en-US", "-")]
    [InlineData("en-US", "1 234")]
    [InlineData("en-US", "12345678901234567890123456789")]
    [InlineData("de-DE", "1234.5")]
    [InlineData("de-DE", "1,234.5")]
    public void Text_that_is_not_a_number_in_the_data_standard_is_refused(string standard, string text)
    {
        Assert.False(ValueParser.TryParseNumber(text, DataStandard.For(standard), out _));
    }

    [Theory]
    [InlineData("en-US", "12/31/2026")]
    [InlineData("en-US", "1/5/2026")]
    [InlineData("en-US", "01/05/2026")]
    [InlineData("de-DE", "31.12.2026")]
    [InlineData("de-DE", "5.1.2026")]
    [InlineData("en-GB", "31/12/2026")]
    [InlineData("ja-JP", "2026/12/31")]
    [InlineData("de-DE", "2026-12-31")]
    [InlineData("en-US", "2026-12-31")]
    public void Dates_parse_in_the_data_standard_and_always_in_iso_8601(string standard, string text)
    {
        Assert.True(ValueParser.TryParseDate(text, DataStandard.For(standard), out var date));
        Assert.True(date == new DateOnly(2026, 12, 31) || date == new DateOnly(2026, 1, 5));
    }

    [Theory]
    [InlineData("en-US", "31/12/2026")]
    [InlineData("de-DE", "12/31/2026")]
    [InlineData("en-US", "2026-02-30")]
    [InlineData("en-US", "2026-13-01")]
    [InlineData("en-US", "20261231")]
    [InlineData("en-US", "tomorrow")]
    public void Dates_that_do_not_exist_or_follow_another_standard_are_refused(string standard, string text)
    {
        Assert.False(ValueParser.TryParseDate(text, DataStandard.For(standard), out _));
    }

    [Theory]
    [InlineData("en-US", "3:45 PM", 15, 45, 0)]
    [InlineData("en-US", "15:45", 15, 45, 0)]
    [InlineData("de-DE", "15:45", 15, 45, 0)]
    [InlineData("de-DE", "15:45:30", 15, 45, 30)]
    [InlineData("de-DE", "09:05:07.25", 9, 5, 7)]
    public void Times_parse_in_the_data_standard_and_in_iso_8601(
        string standard, string text, int hour, int minute, int second)
    {
        Assert.True(ValueParser.TryParseTime(text, DataStandard.For(standard), out var time));
        Assert.Equal((hour, minute, second), (time.Hour, time.Minute, time.Second));
    }

    [Theory]
    [InlineData("24:00")]
    [InlineData("12:60")]
    [InlineData("1200")]
    public void Impossible_times_are_refused(string text)
    {
        Assert.False(ValueParser.TryParseTime(text, EnUs, out _));
    }

    [Fact]
    public void Iso_date_times_with_an_offset_become_utc_and_without_one_stay_wall_clock_times()
    {
        Assert.True(ValueParser.TryParseDateTime("2026-12-31T23:30:00+02:00", EnUs, out var offset));
        Assert.Equal(new DateTime(2026, 12, 31, 21, 30, 0, DateTimeKind.Utc), offset);
        Assert.Equal(DateTimeKind.Utc, offset.Kind);

        Assert.True(ValueParser.TryParseDateTime("2026-12-31T23:30:00Z", EnUs, out var zulu));
        Assert.Equal(DateTimeKind.Utc, zulu.Kind);

        Assert.True(ValueParser.TryParseDateTime("2026-12-31 23:30", EnUs, out var wall));
        Assert.Equal(new DateTime(2026, 12, 31, 23, 30, 0), wall);
        Assert.Equal(DateTimeKind.Unspecified, wall.Kind);

        Assert.True(ValueParser.TryParseDateTime("2026-12-31T23:30:00.1234567", EnUs, out var precise));
        Assert.Equal(1234567, precise.Ticks % TimeSpan.TicksPerSecond);
    }

    [Fact]
    public void Date_times_parse_in_the_data_standard()
    {
        Assert.True(ValueParser.TryParseDateTime("12/31/2026 3:45 PM", EnUs, out var us));
        Assert.Equal(new DateTime(2026, 12, 31, 15, 45, 0), us);

        Assert.True(ValueParser.TryParseDateTime("31.12.2026 15:45", DeDe, out var de));
        Assert.Equal(new DateTime(2026, 12, 31, 15, 45, 0), de);
    }

    [Fact]
    public void A_date_alone_is_a_date_time_at_midnight()
    {
        Assert.True(ValueParser.TryParseDateTime("2026-12-31", EnUs, out var value));
        Assert.Equal(new DateTime(2026, 12, 31), value);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("FALSE", false)]
    [InlineData("Yes", true)]
    [InlineData("no", false)]
    public void Booleans_are_true_false_yes_and_no_in_any_case(string text, bool expected)
    {
        Assert.True(ValueParser.TryParseBoolean(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("y")]
    [InlineData("oui")]
    public void Other_words_are_not_booleans(string text)
    {
        Assert.False(ValueParser.TryParseBoolean(text, out _));
    }

    [Fact]
    public void TryParse_gives_the_typed_value_for_each_type()
    {
        Assert.True(ValueParser.TryParse("1.234,5", FieldType.Number, DeDe, out var number));
        Assert.Equal(1234.5m, number);
        Assert.True(ValueParser.TryParse("31.12.2026", FieldType.Date, DeDe, out var date));
        Assert.Equal(new DateOnly(2026, 12, 31), date);
        Assert.True(ValueParser.TryParse("15:45", FieldType.Time, DeDe, out var time));
        Assert.Equal(new TimeOnly(15, 45), time);
        Assert.True(ValueParser.TryParse("2026-12-31T15:45:00", FieldType.DateTime, DeDe, out var dateTime));
        Assert.Equal(new DateTime(2026, 12, 31, 15, 45, 0), dateTime);
        Assert.True(ValueParser.TryParse("yes", FieldType.Boolean, DeDe, out var boolean));
        Assert.Equal(true, boolean);
        Assert.True(ValueParser.TryParse(" as is ", FieldType.String, DeDe, out var text));
        Assert.Equal(" as is ", text);
    }

    [Fact]
    public void Empty_values_are_null_for_every_type()
    {
        Assert.True(ValueParser.TryParse("", FieldType.Number, EnUs, out var empty));
        Assert.Null(empty);
        Assert.True(ValueParser.TryParse("  ", FieldType.Date, EnUs, out var blank));
        Assert.Null(blank);
        Assert.True(ValueParser.TryParse(null, FieldType.Boolean, EnUs, out var missing));
        Assert.Null(missing);
    }

    [Fact]
    public void A_value_that_does_not_fit_its_type_is_reported()
    {
        Assert.False(ValueParser.TryParse("n/a", FieldType.Number, EnUs, out var value));
        Assert.Null(value);
    }

    [Fact]
    public void An_unknown_data_standard_is_refused()
    {
        Assert.Throws<ArgumentException>(() => DataStandard.For("xx-NOPE"));
    }
}
