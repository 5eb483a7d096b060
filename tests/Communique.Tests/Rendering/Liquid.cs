using System.Globalization;
using Communique.Rendering;

namespace Communique.Tests.Rendering;

// Compile-then-render in one call, for tests that are about rendering.
internal static class Liquid
{
    public static readonly CultureInfo EnUs = CultureInfo.GetCultureInfo("en-US");
    public static readonly CultureInfo DeDe = CultureInfo.GetCultureInfo("de-DE");

    public static RenderOptions Text(CultureInfo? culture = null) => new() { Culture = culture ?? EnUs };

    public static RenderOptions Html(CultureInfo? culture = null) =>
        new() { Culture = culture ?? EnUs, HtmlEncode = true };

    public static Dictionary<string, object?> Record(params (string Name, object? Value)[] fields) =>
        fields.ToDictionary(f => f.Name, f => f.Value);

    public static async Task<RenderOutcome> RenderAsync(
        string source, IReadOnlyDictionary<string, object?> record, RenderOptions? options = null,
        LiquidTemplates? templates = null)
    {
        using var owned = templates is null ? new LiquidTemplates(TimeProvider.System) : null;
        var engine = templates ?? owned!;
        Assert.True(engine.TryCompile(source, out var template, out var error), error?.ToString());
        return await engine.RenderAsync(template, record, options ?? Text(), TestContext.Current.CancellationToken);
    }

    public static async Task<string> RenderTextAsync(
        string source, IReadOnlyDictionary<string, object?> record, RenderOptions? options = null)
    {
        var outcome = await RenderAsync(source, record, options);
        Assert.True(outcome.Succeeded, outcome.Failure?.ToString());
        return outcome.Text;
    }
}
