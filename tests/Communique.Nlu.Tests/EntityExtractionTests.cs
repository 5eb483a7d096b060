using System.Diagnostics;
using Communique.Nlu.Entities;

namespace Communique.Nlu.Tests;

public sealed class EntityExtractionTests
{
    // A Wednesday.
    private static readonly DateOnly Today = new(2026, 11, 25);

    private static readonly EntityDefinition City = new("city", EntityKind.List,
    [
        new("New York", ["NYC", "the big apple", "new york city"]),
        new("York", []),
        new("Zürich", ["Zurich", "ZRH"]),
        new("東京", ["とうきょう"]),
    ], null);

    private static readonly EntityDefinition OrderNumber =
        new("order", EntityKind.Regex, [], @"\bORD-(?<value>[0-9]{4,8})\b");

    private static List<EntityMatch> Extract(
        string text, IReadOnlyList<EntityDefinition>? entities = null, IReadOnlyCollection<string>? builtIns = null)
    {
        var matches = EntityExtractor.Compile(entities ?? [], builtIns ?? BuiltInEntities.Names)
            .Extract(text, Today).ToList();
        foreach (var match in matches)
        {
            Assert.Equal(match.Raw, text[match.Start..match.End]);
        }
        Assert.Equal(matches.OrderBy(m => m.Start).ThenBy(m => m.End), matches);
        return matches;
    }

    private static (string Raw, string Value)[] Found(
        string text, string entity, IReadOnlyList<EntityDefinition>? entities = null) =>
        [.. Extract(text, entities).Where(m => m.Entity == entity).Select(m => (m.Raw, m.Value))];

    [Fact]
    public void A_list_entity_finds_values_and_synonyms_case_insensitively_and_normalises_them()
    {
        var matches = Extract("Flights from nyc or ZURICH to The  Big\tApple", [City], []);

        Assert.Equal(
            [
                ("city", "nyc", "New York", 13, 16), ("city", "ZURICH", "Zürich", 20, 26),
                ("city", "The  Big\tApple", "New York", 30, 44),
            ],
            matches.Select(m => (m.Entity, m.Raw, m.Value, m.Start, m.End)));
    }

    [Fact]
    public void A_list_entity_takes_the_longest_synonym_and_only_whole_words()
    {
        Assert.Equal([("New York City", "New York")], Found("I live in New York City", "city", [City]));
        Assert.Equal([("york", "York")], Found("york, not yorkshire nor newyork", "city", [City]));
        Assert.Empty(Found("nycs and ZRHx", "city", [City]));
    }

    [Fact]
    public void A_list_entity_matches_in_scripts_written_without_spaces()
    {
        Assert.Equal([("東京", "東京"), ("とうきょう", "東京")],
            Found("明日東京に行きます、とうきょうへ", "city", [City]));
    }

    [Fact]
    public void A_regex_entity_finds_its_matches_and_takes_the_value_group_as_the_value()
    {
        var sku = new EntityDefinition("sku", EntityKind.Regex, [], "[A-Z]{3}[0-9]{3}");

        var matches = Extract("Where is ORD-12345? And ORD-1 and ABC123, abc123", [OrderNumber, sku], []);

        Assert.Equal(
            [("order", "ORD-12345", "12345", 9, 18), ("sku", "ABC123", "ABC123", 34, 40)],
            matches.Select(m => (m.Entity, m.Raw, m.Value, m.Start, m.End)));
    }

    [Theory]
    [InlineData("I need 2 tickets", "2", "2")]
    [InlineData("It costs 1,250.50 in total", "1,250.50", "1250.5")]
    [InlineData("a temperature of -3.75 degrees", "-3.75", "-3.75")]
    [InlineData("about +42 people", "+42", "42")]
    [InlineData("pick 007 please", "007", "7")]
    [InlineData("pi is 3.14.", "3.14", "3.14")]
    [InlineData("twenty five people", "twenty five", "25")]
    [InlineData("Ninety-nine red balloons", "Ninety-nine", "99")]
    [InlineData("one hundred and six", "one hundred and six", "106")]
    [InlineData("three thousand four hundred twelve", "three thousand four hundred twelve", "3412")]
    [InlineData("twenty five hundred and counting", "twenty five hundred", "2500")]
    public void Number_finds_digits_and_words(string text, string raw, string value)
    {
        Assert.Equal([(raw, value)], Found(text, "number"));
    }

    [Fact]
    public void Number_keeps_separate_numbers_apart_and_ignores_digits_inside_words()
    {
        Assert.Equal([("1", "1"), ("2", "2"), ("3", "3")], Found("rows 1,2,3", "number"));
        Assert.Equal(
            [("one", "1"), ("two", "2"), ("twenty", "20"), ("twenty", "20")],
            Found("one two, twenty twenty", "number"));
        Assert.Equal([("5", "5"), ("10", "10")], Found("pages 5-10", "number"));
        Assert.Empty(Found("version 1.2.3 of abc123 and someone's 5th", "number"));
    }

    [Theory]
    [InlineData("on 2026-12-01 please", "2026-12-01", "2026-12-01")]
    [InlineData("on 2027/01/15 please", "2027/01/15", "2027-01-15")]
    [InlineData("arriving 1 December 2026", "1 December 2026", "2026-12-01")]
    [InlineData("arriving 3rd of march 2027.", "3rd of march 2027", "2027-03-03")]
    [InlineData("arriving December 1, 2027", "December 1, 2027", "2027-12-01")]
    [InlineData("arriving Dec 1st", "Dec 1st", "2026-12-01")]
    [InlineData("arriving Sept. 4", "Sept. 4", "2027-09-04")]
    [InlineData("arriving 25 November", "25 November", "2026-11-25")]
    [InlineData("arriving Monday, 30 November 2026", "Monday, 30 November 2026", "2026-11-30")]
    [InlineData("on 29 February", "29 February", "2028-02-29")]
    public void Date_reads_absolute_forms_and_puts_a_missing_year_on_or_after_today(
        string text, string raw, string value)
    {
        Assert.Equal([(raw, value)], Found(text, "date"));
    }

    [Theory]
    [InlineData("today", "today", "2026-11-25")]
    [InlineData("Tomorrow works", "Tomorrow", "2026-11-26")]
    [InlineData("it was yesterday", "yesterday", "2026-11-24")]
    [InlineData("the day after tomorrow", "the day after tomorrow", "2026-11-27")]
    [InlineData("next friday", "next friday", "2026-11-27")]
    [InlineData("can we meet on Monday?", "Monday", "2026-11-30")]
    [InlineData("not wednesday", "wednesday", "2026-12-02")]
    [InlineData("this wednesday", "this wednesday", "2026-11-25")]
    [InlineData("next Wednesday", "next Wednesday", "2026-12-02")]
    public void Date_resolves_relative_days_against_today(string text, string raw, string value)
    {
        Assert.Equal([(raw, value)], Found(text, "date"));
    }

    [Fact]
    public void Date_refuses_impossible_and_ambiguous_dates()
    {
        Assert.Empty(Found("2026-02-30, 31 April, 2026-13-01 and 01/02/2026", "date"));
    }

    [Fact]
    public void Email_is_found_with_its_domain_lower_cased()
    {
        Assert.Equal(
            [("Ann.Lee+news@Example.CO.uk", "Ann.Lee+news@example.co.uk"), ("jörg@bücher.de", "jörg@bücher.de")],
            Found("Write to Ann.Lee+news@Example.CO.uk. Or jörg@bücher.de, not @nobody or a@b", "email"));
    }

    [Theory]
    [InlineData("call +44 20 7946 0958 now", "+44 20 7946 0958", "+442079460958")]
    [InlineData("call (555) 123-4567.", "(555) 123-4567", "5551234567")]
    [InlineData("call +1 (555) 123-4567", "+1 (555) 123-4567", "+15551234567")]
    [InlineData("call 555.123.4567", "555.123.4567", "5551234567")]
    [InlineData("call +4915112345678", "+4915112345678", "+4915112345678")]
    public void Phone_is_found_in_common_notations_and_normalised_to_digits(string text, string raw, string value)
    {
        Assert.Equal([(raw, value)], Found(text, "phone"));
    }

    [Fact]
    public void Phone_needs_seven_digits_and_a_phone_like_shape()
    {
        Assert.Empty(Found("code 123-4567 or order 12345678 or +44 12", "phone"));
    }

    [Theory]
    [InlineData(
        "see https://example.com/a?b=1&c=2#top.",
        "https://example.com/a?b=1&c=2#top",
        "https://example.com/a?b=1&c=2#top")]
    [InlineData("see http://Example.com/Path, ok", "http://Example.com/Path", "http://Example.com/Path")]
    [InlineData("see www.example.org/docs!", "www.example.org/docs", "https://www.example.org/docs")]
    [InlineData(
        "(see https://en.wikipedia.org/wiki/Mercury_(planet))",
        "https://en.wikipedia.org/wiki/Mercury_(planet)",
        "https://en.wikipedia.org/wiki/Mercury_(planet)")]
    [InlineData("see https://example.com🎉", "https://example.com", "https://example.com")]
    public void Url_is_found_with_a_scheme_added_when_missing(string text, string raw, string value)
    {
        Assert.Equal([(raw, value)], Found(text, "url"));
    }

    [Fact]
    public void Only_the_requested_built_ins_are_extracted()
    {
        var matches = Extract("2 tickets to ann@example.com", [], ["email"]);

        Assert.Equal(["email"], matches.Select(m => m.Entity));
    }

    [Fact]
    public void A_number_never_fires_inside_a_date_phone_url_or_email()
    {
        var matches = Extract(
            "On 1 December 2026 call +44 20 7946 0958 or see https://shop.example/item/42 or mail a1@x.io");

        Assert.Equal(["date", "phone", "url", "email"], matches.Select(m => m.Entity));
    }

    [Fact]
    public void The_longest_span_wins_and_on_equal_spans_the_team_entity_beats_the_built_in()
    {
        var weekday = new EntityDefinition("weekday", EntityKind.List, [new("fri", ["friday"])], null);
        var room = new EntityDefinition("room", EntityKind.Regex, [], "[0-9]{3}");
        var code = new EntityDefinition("code", EntityKind.Regex, [], "[0-9]{3}");

        var matches = Extract("next friday, friday, room 101", [weekday, room, code]);

        Assert.Equal(
            [("date", "next friday"), ("weekday", "friday"), ("room", "101")],
            matches.Select(m => (m.Entity, m.Raw)));
    }

    [Fact]
    public void A_pattern_that_does_not_compile_is_refused_with_the_reason()
    {
        var problem = EntityPatterns.Problem("ORD-([0-9]+");

        Assert.NotNull(problem);
        Assert.Contains("does not compile", problem, StringComparison.Ordinal);
        Assert.Contains("offset", problem, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() =>
            EntityExtractor.Compile([new("order", EntityKind.Regex, [], "ORD-([0-9]+")], []));
    }

    [Theory]
    [InlineData("(a+)+b")]
    [InlineData("(a|aa)+b")]
    [InlineData(@"(\w+\s?)+b")]
    public void Nested_repetitions_are_accepted_and_match_in_linear_time(string pattern)
    {
        Assert.Null(EntityPatterns.Problem(pattern));
        var nested = new EntityDefinition("nested", EntityKind.Regex, [], pattern);

        // A backtracking engine gives up on the run of a's before it reaches the "ab" at the end.
        var matches = Extract(new string('a', 20_000) + "! ab", [nested]);

        Assert.Contains(matches, m => m.Entity == "nested" && m.Raw.EndsWith('b'));
    }

    [Theory]
    [InlineData(@"(?<=ORD-)[0-9]+")]
    [InlineData(@"(a)\1")]
    [InlineData(@"(?>a+)b")]
    public void Constructs_the_linear_engine_cannot_run_are_refused_with_the_reason(string pattern)
    {
        var problem = EntityPatterns.Problem(pattern);

        Assert.NotNull(problem);
        Assert.Contains("do not support", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a*")]
    public void An_empty_pattern_or_one_that_matches_empty_text_is_refused(string pattern)
    {
        Assert.NotNull(EntityPatterns.Problem(pattern));
    }

    [Fact]
    public void An_overlong_pattern_is_refused()
    {
        Assert.Contains("1,001 characters", EntityPatterns.Problem(new string('a', 1_001)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(@"\bORD-(?<value>[0-9]{4,8})\b")]
    [InlineData(@"[A-Z]{2}[0-9]{2}(?: ?[0-9A-Z]{4}){3,7}")]
    [InlineData(@"(?i)\b(?:gold|silver|bronze)\s+(?:member|tier)\b")]
    [InlineData(@"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")]
    public void Ordinary_patterns_are_accepted(string pattern)
    {
        Assert.Null(EntityPatterns.Problem(pattern));
    }

    [Fact]
    public void A_pattern_with_nested_repetitions_costs_little_on_a_long_text()
    {
        var slow = new EntityDefinition("slow", EntityKind.Regex, [], "(a+)+$");
        var text = "2 tickets " + new string('a', 5_000) + "!";
        var clock = Stopwatch.StartNew();

        var matches = Extract(text, [slow]);

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.Equal([("number", "2")], matches.Select(m => (m.Entity, m.Raw)));
    }

    [Fact]
    public void Spans_index_the_original_text_through_emoji_and_other_scripts()
    {
        var text = "book 2 tickets to Zürich 🎉 on 2026-12-01, Москва 👍🏽 tomorrow, 東京 3 days";

        var matches = Extract(text, [City]);

        Assert.Equal(
            [
                ("number", "2", "2"), ("city", "Zürich", "Zürich"), ("date", "2026-12-01", "2026-12-01"),
                ("date", "tomorrow", "2026-11-26"), ("city", "東京", "東京"), ("number", "3", "3"),
            ],
            matches.Select(m => (m.Entity, m.Raw, m.Value)));
        Assert.Equal(text.IndexOf("tomorrow", StringComparison.Ordinal), matches[3].Start);
    }

    [Fact]
    public void Unpaired_surrogates_and_combining_marks_do_not_break_matching()
    {
        const string text = "\uD83D 2 \uDC4D Zu\u0308rich Zurich\u0301 Zurich";

        var matches = Extract(text, [City]);

        Assert.Equal([("number", "2"), ("city", "Zurich")], matches.Select(m => (m.Entity, m.Raw)));
        Assert.Equal(text.LastIndexOf("Zurich", StringComparison.Ordinal), matches[1].Start);
    }

    [Fact]
    public void Empty_and_entity_free_text_finds_nothing()
    {
        Assert.Empty(Extract("", [City, OrderNumber]));
        Assert.Empty(Extract("   ", [City, OrderNumber]));
        Assert.Empty(Extract("hello there", [City, OrderNumber]));
    }

    [Fact]
    public void One_extractor_serves_many_threads_at_once()
    {
        var extractor = EntityExtractor.Compile([City, OrderNumber], BuiltInEntities.Names);
        const string text = "ORD-12345 to NYC on Dec 1st, call +44 20 7946 0958";
        var expected = extractor.Extract(text, Today);

        Parallel.For(0, 2_000, _ => Assert.Equal(expected, extractor.Extract(text, Today)));
        Assert.Equal(4, expected.Count);
    }
}
