using System.Diagnostics;
using Communique.Rendering;
using Microsoft.Extensions.Time.Testing;
using static Communique.Tests.Rendering.Liquid;

namespace Communique.Tests.Rendering;

// Every limit must stop a hostile template quickly: the machine is shared, so "quickly"
// is asserted generously, well under what the unbounded template would take.
public sealed class SandboxTests
{
    private static readonly TimeSpan Quickly = TimeSpan.FromSeconds(5);

    private static async Task<RenderFailure> StoppedAsync(
        string source, RenderOptions? options = null, LiquidTemplates? templates = null)
    {
        var clock = Stopwatch.StartNew();
        var outcome = await RenderAsync(source, Record(("name", "Ada")), options, templates);

        Assert.False(outcome.Succeeded);
        Assert.True(clock.Elapsed < Quickly, $"took {clock.Elapsed}");
        return outcome.Failure;
    }

    [Fact]
    public async Task An_endless_loop_is_stopped_by_the_step_limit()
    {
        var failure = await StoppedAsync(
            "{% for a in (1..100000) %}{% for b in (1..100000) %}{% endfor %}{% endfor %}");

        Assert.Equal(RenderFailureKind.StepLimit, failure.Kind);
    }

    [Fact]
    public async Task The_step_limit_is_configurable()
    {
        const string source = "{% for i in (1..20) %}{{ i }}{% endfor %}";

        var failure = await StoppedAsync(source, Text() with { MaxSteps = 30 });
        var fine = await RenderAsync(source, Record(), Text() with { MaxSteps = 100 });

        Assert.Equal(RenderFailureKind.StepLimit, failure.Kind);
        Assert.True(fine.Succeeded);
    }

    [Fact]
    public async Task A_huge_range_is_stopped_before_it_is_built()
    {
        var failure = await StoppedAsync("{% for i in (1..100000000) %}xxxxxxxxxx{% endfor %}");

        Assert.Equal(RenderFailureKind.CollectionLimit, failure.Kind);
        Assert.Contains("100000000", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_range_sized_by_record_data_is_bounded_too()
    {
        var outcome = await RenderAsync("{% for i in (1..n) %}x{% endfor %}", Record(("n", 2_000_000_000)));

        Assert.Equal(RenderFailureKind.CollectionLimit, outcome.Failure?.Kind);
    }

    [Fact]
    public async Task Exploding_output_is_stopped_at_the_output_limit()
    {
        var failure = await StoppedAsync(
            "{% for i in (1..100000) %}{% for j in (1..100) %}xxxxxxxxxx{% endfor %}{% endfor %}");

        Assert.Equal(RenderFailureKind.OutputLimit, failure.Kind);
    }

    [Fact]
    public async Task The_output_limit_is_configurable()
    {
        const string source = "{% for i in (1..50) %}xxx{% endfor %}";

        var failure = await StoppedAsync(source, Text() with { MaxOutputChars = 100 });
        var fine = await RenderAsync(source, Record(), Text() with { MaxOutputChars = 150 });

        Assert.Equal(RenderFailureKind.OutputLimit, failure.Kind);
        Assert.Equal(150, fine.Text?.Length);
    }

    [Fact]
    public async Task A_string_doubling_itself_is_stopped_at_the_output_limit()
    {
        var failure = await StoppedAsync(
            "{% assign s = 'xx' %}{% for i in (1..64) %}{% assign s = s | append: s %}{% endfor %}{{ s | size }}");

        Assert.Equal(RenderFailureKind.OutputLimit, failure.Kind);
    }

    [Fact]
    public async Task A_list_doubling_itself_is_stopped_at_the_collection_limit()
    {
        var failure = await StoppedAsync(
            "{% assign a = 'x,y' | split: ',' %}{% for i in (1..64) %}{% assign a = a | concat: a %}{% endfor %}{{ a " +
                "| size }}");

        Assert.Equal(RenderFailureKind.CollectionLimit, failure.Kind);
    }

    [Fact]
    public async Task A_capture_is_bounded_by_the_output_limit()
    {
        var failure = await StoppedAsync(
            "{% capture s %}{% for i in (1..100000) %}{% for j in (1..100) %}xxxxxxxxxx{% endfor %}{% endfor %}{% " +
                "endcapture %}");

        Assert.Equal(RenderFailureKind.OutputLimit, failure.Kind);
    }

    [Fact]
    public async Task Slow_work_within_every_other_limit_is_stopped_by_the_time_limit()
    {
        // Half a megabyte upper-cased 100,000 times: minutes of work in few steps and no output.
        var failure = await StoppedAsync(
            "{% assign s = 'x' %}{% for i in (1..19) %}{% assign s = s | append: s %}{% endfor %}" +
            "{% for i in (1..100000) %}{% assign t = s | upcase %}{% endfor %}",
            Text() with { Timeout = TimeSpan.FromMilliseconds(200) });

        Assert.Equal(RenderFailureKind.TimeLimit, failure.Kind);
    }

    [Fact]
    public async Task The_time_limit_follows_the_injected_clock()
    {
        using var templates = new LiquidTemplates(
            new FakeTimeProvider { AutoAdvanceAmount = TimeSpan.FromMilliseconds(300) });

        var failure = await StoppedAsync("{% for i in (1..1000) %}{{ name }}{% endfor %}", Text(), templates);

        Assert.Equal(RenderFailureKind.TimeLimit, failure.Kind);
    }

    [Fact]
    public async Task A_cancelled_render_throws_rather_than_failing_the_recipient()
    {
        using var templates = new LiquidTemplates(TimeProvider.System);
        Assert.True(templates.TryCompile("{% for i in (1..1000) %}{{ i }}{% endfor %}", out var template, out _));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await templates.RenderAsync(template, Record(), Text(), cancelled.Token));
    }

    [Fact]
    public async Task Now_comes_from_the_injected_clock()
    {
        using var templates = new LiquidTemplates(
            new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero)));

        var outcome = await RenderAsync("{{ 'now' | date: '%Y-%m-%d %H:%M' }}", Record(), Text(), templates);

        Assert.Equal("2030-01-02 03:04", outcome.Text);
    }
}
