using System.Globalization;
using System.Text.Encodings.Web;
using Fluid.Values;

namespace Communique.Rendering;

// A date, time or date-time field. Fluid's own date value prints ISO 8601 ("u") whatever
// the culture; a record's dates print in the data standard's short format instead. It is a
// DateTime to Fluid, so the `date` filter reads it as any other date.
internal sealed class DateFieldValue(DateTimeOffset value, DateFieldKind kind) : FluidValue
{
    public override FluidValues Type => FluidValues.DateTime;

    public string Format(string? format, CultureInfo culture) =>
        value.ToString(format ?? kind switch
        {
            DateFieldKind.Date => "d",
            DateFieldKind.Time => "t",
            _ => "g",
        }, culture);

    public override ValueTask WriteToAsync(TextWriter writer, TextEncoder encoder, CultureInfo cultureInfo)
    {
        writer.Write(encoder.Encode(Format(null, cultureInfo)));
        return default;
    }

    public override bool Equals(FluidValue other) =>
        other.Type == FluidValues.DateTime && other.ToObjectValue() is DateTimeOffset moment && moment == value;

    public override bool Equals(object? obj) => obj is FluidValue other && Equals(other);

    public override int GetHashCode() => value.GetHashCode();

    public override bool ToBooleanValue() => true;

    public override decimal ToNumberValue() => value.Ticks;

    public override string ToStringValue() => value.ToString("u", CultureInfo.InvariantCulture);

    public override object ToObjectValue() => value;
}
