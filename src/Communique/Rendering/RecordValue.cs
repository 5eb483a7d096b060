using System.Globalization;
using System.Text.Encodings.Web;
using Fluid;
using Fluid.Values;

namespace Communique.Rendering;

// A record (or a repeater row) as Liquid sees it. Values are converted on access, so a
// render touches only the fields its template uses. A name the record lacks is an error
// naming the field unless the render ignores missing fields: this is the one place that
// decides it, for top-level names (Fluid falls back to the model) and inside loops alike.
internal sealed class RecordValue(IReadOnlyDictionary<string, object?> fields, string? path)
    : FluidValue, IFluidIndexable
{
    public override FluidValues Type => FluidValues.Dictionary;

    public int Count => fields.Count;

    public IEnumerable<string> Keys => fields.Keys;

    public bool TryGetValue(string name, out FluidValue value)
    {
        if (fields.TryGetValue(name, out var raw))
        {
            value = ToFluid(raw, path, name);
            return true;
        }
        value = NilValue.Instance;
        return false;
    }

    public override ValueTask<FluidValue> GetValueAsync(string name, TemplateContext context)
    {
        var render = (RenderContext)context;
        render.Checkpoint();
        if (fields.TryGetValue(name, out var raw))
        {
            return ToFluid(raw, path, name);
        }
        // Liquid's `size` of a hash, unless the record has a field of that name (checked above).
        if (name == "size")
        {
            return NumberValue.Create(fields.Count);
        }
        if (render.RenderOptions.IgnoreMissingFields)
        {
            return NilValue.Instance;
        }
        throw RenderAbortedException.MissingField(Qualify(name));
    }

    public override ValueTask<FluidValue> GetIndexAsync(FluidValue index, TemplateContext context) =>
        GetValueAsync(index.ToStringValue(), context);

    public override bool Equals(FluidValue other) =>
        ReferenceEquals(this, other) || ((other.IsNil() || other.Type == FluidValues.Empty) && fields.Count == 0);

    public override bool Equals(object? obj) => obj is FluidValue other && Equals(other);

    public override int GetHashCode() => fields.GetHashCode();

    public override bool ToBooleanValue() => true;

    public override decimal ToNumberValue() => 0;

    public override string ToStringValue() => "";

    public override object ToObjectValue() => this;

    public override ValueTask WriteToAsync(TextWriter writer, TextEncoder encoder, CultureInfo cultureInfo) => default;

    // Liquid's `contains` on a hash tests for a key.
    public override bool Contains(FluidValue value) => fields.ContainsKey(value.ToStringValue());

    public override IEnumerable<FluidValue> Enumerate(TemplateContext context)
    {
        foreach (var (name, raw) in fields)
        {
            yield return new ArrayValue([new StringValue(name), ToFluid(raw, path, name)]);
        }
    }

    private string Qualify(string name) => Join(path, name);

    private static string Join(string? parent, string? name) =>
        name is null ? parent ?? "" : parent is null ? name : $"{parent}.{name}";

    // `name` is null for an item of a list, which shares the list's path ("items.sku").
    private static FluidValue ToFluid(object? raw, string? parent, string? name) => raw switch
    {
        null => NilValue.Instance,
        string text => new StringValue(text),
        bool flag => BooleanValue.Create(flag),
        int number => NumberValue.Create(number),
        long number => NumberValue.Create(number),
        decimal number => NumberValue.Create(number),
        double number => FromDouble(number),
        float number => FromDouble(number),
        short number => NumberValue.Create(number),
        DateTime moment => new DateFieldValue(new DateTimeOffset(moment.Ticks, TimeSpan.Zero), DateFieldKind.DateTime),
        DateTimeOffset moment => new DateFieldValue(moment, DateFieldKind.DateTime),
        DateOnly day => new DateFieldValue(
            new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), DateFieldKind.Date),
        TimeOnly time => new DateFieldValue(
            new DateTimeOffset(DateOnly.MinValue.ToDateTime(time), TimeSpan.Zero), DateFieldKind.Time),
        Guid id => new StringValue(id.ToString()),
        IReadOnlyDictionary<string, object?> nested => new RecordValue(nested, Join(parent, name)),
        // Repeaters: a list of rows, each a record of its own; lists of plain values work too.
        IEnumerable<object?> items => ToArray(items, Join(parent, name)),
        _ => throw new RenderAbortedException(new RenderFailure(
            RenderFailureKind.TemplateError,
            $"The field '{Join(parent, name)}' holds a {raw.GetType().Name}, which templates cannot use.",
            Join(parent, name))),
    };

    private static ArrayValue ToArray(IEnumerable<object?> items, string path)
    {
        var values = new List<FluidValue>(items is IReadOnlyCollection<object?> known ? known.Count : 4);
        foreach (var item in items)
        {
            values.Add(ToFluid(item, path, null));
        }
        return new ArrayValue(values);
    }

    private static FluidValue FromDouble(double number) =>
        double.IsFinite(number) && Math.Abs(number) < 7.9e28
            ? NumberValue.Create((decimal)number)
            : new StringValue(number.ToString(CultureInfo.InvariantCulture));

}
