using Communique.Rendering;
using static Communique.Tests.Rendering.Liquid;

namespace Communique.Tests.Rendering;

public sealed class CompileTests : IDisposable
{
    private readonly LiquidTemplates _templates = new(TimeProvider.System);

    public void Dispose() => _templates.Dispose();

    private LiquidError Refused(string source)
    {
        Assert.False(_templates.TryCompile(source, out var template, out var error));
        Assert.Null(template);
        return error;
    }

    [Fact]
    public void A_valid_template_compiles()
    {
        Assert.True(
            _templates.TryCompile(
                "Hi {{ name | upcase }}{% for i in items %}{{ i.sku }}{% endfor %}", out var template, out var error));
        Assert.NotNull(template);
        Assert.Null(error);
    }

    [Fact]
    public void An_unclosed_if_points_at_the_if()
    {
        var error = Refused("<p>Hello</p>\n  {% if vip %}VIP\n<p>Bye</p>");

        Assert.Equal(2, error.Line);
        Assert.Equal(3, error.Column);
        Assert.Contains("'if'", error.Message, StringComparison.Ordinal);
        Assert.Contains("{% endif %}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unclosed_for_inside_an_if_points_at_the_for()
    {
        var error = Refused("{% if a %}\n{% for b in c %}\n{% endif %}");

        Assert.Equal((2, 1), (error.Line, error.Column));
        Assert.Contains("'for'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unclosed_output_points_where_the_end_was_expected()
    {
        var error = Refused("line1\nline2 {{ name \nline3");

        Assert.Equal((2, 14), (error.Line, error.Column));
        Assert.Contains("'}}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_tag_points_at_its_name()
    {
        var error = Refused("a\nb\n  {% shout 'hi' %}");

        Assert.Equal((3, 6), (error.Line, error.Column));
        Assert.Equal("Unknown tag 'shout'.", error.Message);
    }

    [Fact]
    public void An_end_tag_without_a_block_is_refused()
    {
        var error = Refused("ok\n{% endif %}");

        Assert.Equal((2, 4), (error.Line, error.Column));
    }

    [Fact]
    public void An_unknown_filter_is_refused_at_save_time_not_passed_through()
    {
        var error = Refused("Hi\n{{ 'x' | append: '|' }} {{ name | shout }}");

        Assert.Equal((2, 35), (error.Line, error.Column));
        Assert.Equal("Unknown filter 'shout'.", error.Message);
    }

    [Fact]
    public void A_malformed_tag_reports_its_line_with_windows_line_endings()
    {
        var error = Refused("ab\r\ncd {% if %}");

        Assert.Equal(2, error.Line);
        Assert.Contains("if", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{% include 'header' %}")]
    [InlineData("{% render 'footer' %}")]
    public void Templates_cannot_include_files(string source)
    {
        var error = Refused(source);

        Assert.Equal((1, 4), (error.Line, error.Column));
        Assert.Contains("not available", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Raw_and_comment_bodies_are_not_parsed()
    {
        Assert.True(_templates.TryCompile(
            "{% raw %}{% if {{ %}{% endraw %}{% comment %}{% for {% endcomment %}{% # it's {% if %}", out _,
            out var error), error?.ToString());
    }

    [Fact]
    public void Blocks_nested_too_deeply_are_refused_where_the_limit_is_crossed()
    {
        var source = string.Concat(Enumerable.Repeat("{% if a %}\n", 40))
            + string.Concat(Enumerable.Repeat("{% endif %}", 40));

        var error = Refused(source);

        Assert.Equal((TemplateScanner.MaxNesting + 1, 1), (error.Line, error.Column));
    }

    [Fact]
    public void Pathological_nesting_is_refused_instead_of_overflowing_the_stack()
    {
        var deepBlocks = string.Concat(Enumerable.Repeat("{% for a in b %}", 50_000));
        var longChain = "{{ a" + string.Concat(Enumerable.Repeat(" | upcase", 100_000)) + " }}";
        var longCondition = "{% if a" + string.Concat(Enumerable.Repeat(" or a", 100_000)) + " %}{% endif %}";
        var deepIndex = "{{ " + string.Concat(Enumerable.Repeat("a[", 100_000)) + "0" + new string(']', 100_000)
            + " }}";
        var deepParentheses = "{{ " + new string('(', 100_000) + "1..2" + new string(')', 100_000) + " }}";

        Assert.Contains("nested", Refused(deepBlocks).Message, StringComparison.Ordinal);
        Assert.Contains("filters and operators", Refused(longChain).Message, StringComparison.Ordinal);
        Assert.Contains("filters and operators", Refused(longCondition).Message, StringComparison.Ordinal);
        Assert.Contains("filters and operators", Refused(deepIndex).Message, StringComparison.Ordinal);
        Assert.Contains("nested", Refused(deepParentheses).Message, StringComparison.Ordinal);
    }

    // A stack overflow cannot be caught: whatever the limits let through must parse and
    // render on a thread with less stack than the thread pool's (1.5 MB on Linux).
    [Theory]
    [InlineData("blocks")]
    [InlineData("filters")]
    [InlineData("operators")]
    [InlineData("brackets")]
    [InlineData("everything")]
    public void A_template_at_the_limits_fits_in_a_small_stack(string shape)
    {
        var nesting = TemplateScanner.MaxNesting;
        var parts = TemplateScanner.MaxExpressionParts;
        var brackets = TemplateScanner.MaxBracketDepth;
        var source = shape switch
        {
            "blocks" => string.Concat(Enumerable.Repeat("{% for x in items %}{% if x %}", nesting / 2)) + "{{ name }}"
                + string.Concat(Enumerable.Repeat("{% endif %}{% endfor %}", nesting / 2)),
            "filters" => "{{ name" + string.Concat(Enumerable.Repeat(" | append: 'x'", parts)) + " }}",
            "operators" => "{% if x" + string.Concat(Enumerable.Repeat(" or x", parts - 1)) + " %}y{% endif %}",
            "brackets" =>
                "{{ " + string.Concat(Enumerable.Repeat("a[", brackets)) + "0" + new string(']', brackets) + " }}",
            _ => string.Concat(Enumerable.Repeat("{% for x in items %}{% if x %}", nesting / 2))
                + "{{ " + string.Concat(Enumerable.Repeat("a[", brackets - 1)) + "0" + new string(']', brackets - 1)
                + string.Concat(Enumerable.Repeat(" | append: 'x'", parts - 2 * brackets)) + " }}"
                + string.Concat(Enumerable.Repeat("{% endif %}{% endfor %}", nesting / 2)),
        };
        var record = Record(("name", "n"), ("x", true), ("a", new List<object?> { 0 }),
            ("items", new List<IReadOnlyDictionary<string, object?>> { Record(("x", true)) }));
        LiquidError? error = null;
        RenderOutcome? outcome = null;

        var thread = new Thread(() =>
        {
            if (_templates.TryCompile(source, out var template, out error))
            {
                outcome = _templates.RenderAsync(template, record, Text(), CancellationToken.None).AsTask().GetAwaiter()
                    .GetResult();
            }
        }, maxStackSize: 1024 * 1024);
        thread.Start();
        thread.Join();

        Assert.Null(error);
        Assert.True(outcome?.Succeeded, outcome?.Failure?.ToString());
    }

    [Fact]
    public void A_template_longer_than_the_limit_is_refused()
    {
        var error = Refused(new string('x', LiquidTemplates.MaxSourceChars + 1));

        Assert.Equal((1, 1), (error.Line, error.Column));
    }

    [Fact]
    public void Compiling_the_same_source_again_reuses_the_compiled_template()
    {
        const string source = "Hello {{ name }}";

        Assert.True(_templates.TryCompile(source, out var first, out _));
        Assert.True(_templates.TryCompile(string.Concat("Hello ", "{{ name }}"), out var second, out _));
        Assert.True(_templates.TryCompile("Bye {{ name }}", out var other, out _));

        Assert.Same(first, second);
        Assert.NotSame(first, other);
    }

    [Fact]
    public async Task A_compiled_template_renders_concurrently_for_different_records()
    {
        Assert.True(
            _templates.TryCompile("{% for i in items %}{{ i.n }}{% endfor %}-{{ name }}", out var template, out _));

        var renders = Enumerable.Range(0, 200).Select(n => _templates.RenderAsync(
            template,
            Record(("name", $"r{n}"),
                ("items", new List<IReadOnlyDictionary<string, object?>> { Record(("n", n)), Record(("n", n + 1)) })),
            Text(),
            TestContext.Current.CancellationToken).AsTask());
        var outcomes = await Task.WhenAll(renders);

        Assert.All(outcomes.Select((o, n) => (o, n)), x => Assert.Equal($"{x.n}{x.n + 1}-r{x.n}", x.o.Text));
    }
}
