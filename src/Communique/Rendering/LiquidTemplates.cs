using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using Fluid;
using Fluid.Ast;
using Fluid.Parser;
using Fluid.Values;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.FileProviders;

namespace Communique.Rendering;

// The one Liquid engine of every channel: compile (and validate) when content is saved,
// render per recipient. Templates see only the record's data; no files, no network, no
// .NET members; every render is bounded in steps, output, collection size and time.
// A singleton: parsing and compiled templates are shared, renders are independent.
public sealed partial class LiquidTemplates : IDisposable
{
    public const int MaxSourceChars = 1024 * 1024;

    // Ranges and filter results larger than this stop the render: Fluid builds them whole.
    internal const int MaxCollectionItems = 100_000;

    // Reading other templates is I/O and a way around the limits; `liquid` nests tags
    // in a syntax the nesting scan does not read; `ifchanged` captures without bounds.
    private static readonly string[] RemovedTags = ["include", "render", "liquid", "ifchanged"];

    // HTML-encode what must be (<, >, &, quotes) and leave accented letters readable.
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    private readonly FluidParser _parser;
    private readonly TemplateOptions _fluid;
    private readonly TimeProvider _time;
    private readonly MemoryCache _compiled = new(new MemoryCacheOptions { SizeLimit = 16 * 1024 * 1024 });

    public LiquidTemplates(TimeProvider time)
    {
        _time = time;
        _parser = new FluidParser(new FluidParserOptions { AllowFunctions = false, AllowParentheses = false });
        foreach (var tag in RemovedTags)
        {
            _parser.RegisteredTags.Remove(tag);
        }
        _fluid = new TemplateOptions
        {
            FileProvider = new NullFileProvider(),
            MemberAccessStrategy = new DefaultMemberAccessStrategy(),
            StrictFilters = true,
            MaxRecursion = 2 * TemplateScanner.MaxNesting,
            ModelNamesComparer = StringComparer.Ordinal,
            CultureInfo = CultureInfo.InvariantCulture,
            TimeZone = TimeZoneInfo.Utc,
            Now = time.GetUtcNow,
        };
        LocaleFormatting.Register(_fluid.Filters);
        var registered = new List<KeyValuePair<string, FilterDelegate>>();
        foreach (var filter in _fluid.Filters)
        {
            registered.Add(filter);
        }
        foreach (var (name, filter) in registered)
        {
            _fluid.Filters.AddFilter(name, Guard(filter));
        }
    }

    public bool TryCompile(
        string source, [NotNullWhen(true)] out CompiledTemplate? template, [NotNullWhen(false)] out LiquidError? error)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (_compiled.TryGetValue(source, out template) && template is not null)
        {
            error = null;
            return true;
        }
        if (!TryBuild(source, out template, out error))
        {
            return false;
        }
        _compiled.Set(source, template, new MemoryCacheEntryOptions { Size = Math.Max(1, source.Length) });
        return true;
    }

    public async ValueTask<RenderOutcome> RenderAsync(
        CompiledTemplate template, IReadOnlyDictionary<string, object?> record, RenderOptions options,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Culture);
        ArgumentNullException.ThrowIfNull(options.FieldFormats);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxOutputChars);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxSteps);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Timeout, TimeSpan.Zero);
        cancellationToken.ThrowIfCancellationRequested();

        var context = new RenderContext(new RecordValue(record, null), _fluid, options, _time, cancellationToken);
        // Output is usually the source plus field values: start there and grow once at most.
        using var writer = new BoundedWriter(
            context, Math.Min(template.SourceLength + template.SourceLength / 4 + 256, options.MaxOutputChars));
        try
        {
            await template.Fluid.RenderAsync(writer, options.HtmlEncode ? Html : NullEncoder.Default, context);
            return RenderOutcome.Success(writer.ToString());
        }
        catch (RenderAbortedException aborted)
        {
            return RenderOutcome.Failed(aborted.Failure);
        }
        catch (InvalidOperationException) when (context.StepsExhausted)
        {
            return RenderOutcome.Failed(new RenderFailure(
                RenderFailureKind.StepLimit,
                string.Create(CultureInfo.InvariantCulture,
                    $"The template ran more than the limit of {options.MaxSteps} steps.")));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        // A filter given the wrong kind of value, a bad format string: the template's
        // problem for this record, reported like any other failure rather than thrown.
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            return RenderOutcome.Failed(new RenderFailure(RenderFailureKind.TemplateError, e.Message));
        }
    }

    public void Dispose() => _compiled.Dispose();

    private bool TryBuild(
        string source, [NotNullWhen(true)] out CompiledTemplate? template, [NotNullWhen(false)] out LiquidError? error)
    {
        template = null;
        error = source.Length > MaxSourceChars
            ? new LiquidError($"The template is longer than the limit of {MaxSourceChars} characters.", 1, 1)
            : TemplateScanner.CheckShape(source);
        if (error is not null)
        {
            return false;
        }

        var context = new FluidParseContext(source);
        IReadOnlyList<Statement> statements;
        try
        {
            if (!_parser.Grammar.TryParse(context, out statements, out var failure))
            {
                error = Explain(source, failure?.Message, failure?.Position.Offset ?? context.Scanner.Cursor.Offset);
                return false;
            }
        }
        catch (ParseException e)
        {
            // Some of Fluid's errors are thrown, with the position only in the message.
            var at = PositionSuffix().Match(e.Message);
            var offset = at.Success
                ? TemplateScanner.Offset(
                    source, int.Parse(at.Groups[1].Value, CultureInfo.InvariantCulture),
                    int.Parse(at.Groups[2].Value, CultureInfo.InvariantCulture))
                : 0;
            error = Explain(source, at.Success ? e.Message[..at.Index] : e.Message, offset);
            return false;
        }
        if (!context.Scanner.Cursor.Eof)
        {
            error = Explain(source, null, context.Scanner.Cursor.Offset);
            return false;
        }

        var sandbox = new SandboxRewriter(_fluid.Filters);
        IFluidTemplate sandboxed;
        try
        {
            sandboxed = sandbox.VisitTemplate(new FluidTemplate(statements));
        }
        catch (InsufficientExecutionStackException)
        {
            error = new LiquidError("The template is nested too deeply.", 1, 1);
            return false;
        }
        if (sandbox.UnknownFilter is { } unknown)
        {
            error = TemplateScanner.ErrorAt(
                source, TemplateScanner.FindFilter(source, unknown) ?? 0, $"Unknown filter '{unknown}'.");
            return false;
        }
        template = new CompiledTemplate(sandboxed, source.Length);
        return true;
    }

    // Fluid's messages, pointed at the place a person should look.
    private static LiquidError Explain(string source, string? message, int offset)
    {
        if (message is null)
        {
            return TemplateScanner.ErrorAt(source, offset, "The template could not be read here.");
        }
        var unclosed = UnclosedBlock().Match(message);
        if (unclosed.Success && TemplateScanner.FindUnclosed(source, unclosed.Groups[1].Value, offset) is { } opener)
        {
            var name = unclosed.Groups[1].Value;
            return TemplateScanner.ErrorAt(
                source, opener, $"The '{name}' tag is not closed: '{{% end{name} %}}' was expected.");
        }
        var unknown = UnknownTag().Match(message);
        if (unknown.Success)
        {
            // Fluid points after the tag's name; the name itself is where to look.
            var name = unknown.Groups[1].Value;
            var start = Math.Max(0, offset - name.Length);
            return RemovedTags.Contains(name)
                ? TemplateScanner.ErrorAt(source, start, $"The '{name}' tag is not available in Communique templates.")
                : TemplateScanner.ErrorAt(source, start, $"Unknown tag '{name}'.");
        }
        if (message.StartsWith("Parentheses are not allowed", StringComparison.Ordinal))
        {
            return TemplateScanner.ErrorAt(source, offset, "Parentheses can only hold a range, such as (1..5).");
        }
        return TemplateScanner.ErrorAt(source, offset, message.TrimEnd('.') + ".");
    }

    private static FilterDelegate Guard(FilterDelegate filter) => (input, arguments, context) =>
    {
        var render = (RenderContext)context;
        render.Checkpoint();
        var result = filter(input, arguments, context);
        if (!result.IsCompletedSuccessfully)
        {
            return Checked(result, render);
        }
        render.CheckSize(result.Result);
        return result;

        static async ValueTask<FluidValue> Checked(ValueTask<FluidValue> pending, RenderContext render)
        {
            var value = await pending;
            render.CheckSize(value);
            return value;
        }
    };

    // Over Fluid's messages, which quote the template: each match stops after a second whatever it holds.
    [GeneratedRegex(@"\s+at \((\d+):(\d+)\)$", RegexOptions.None, 1000)]
    private static partial Regex PositionSuffix();

    [GeneratedRegex(@"^'\{% end(\w+) %\}' was expected", RegexOptions.None, 1000)]
    private static partial Regex UnclosedBlock();

    [GeneratedRegex(@"^Unknown tag '([^']*)'", RegexOptions.None, 1000)]
    private static partial Regex UnknownTag();
}
