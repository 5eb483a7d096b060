using System.Collections.Concurrent;
using System.Globalization;
using Fluid;
using Fluid.Values;

namespace Communique.Rendering;

// Number formatting in the render's culture (the data standard), never the thread's:
// the `number`, `currency` and `percent` filters, and schema field formats.
internal static class LocaleFormatting
{
    private const int MaxDecimals = 28;

    private static readonly string[] NumberFormats = Formats("N");
    private static readonly string[] CurrencyFormats = Formats("C");
    private static readonly string[] PercentFormats = Formats("P");

    private static readonly ConcurrentDictionary<(string Culture, string Currency), NumberFormatInfo> Currencies =
        new();

    private static readonly Lazy<ILookup<string, CultureInfo>> CulturesByCurrency = new(() =>
        CultureInfo.GetCultures(CultureTypes.SpecificCultures)
            .Select(culture => (Culture: culture, Currency: CurrencyOf(culture)))
            .Where(c => c.Currency is not null)
            .OrderBy(c => c.Culture.Name, StringComparer.Ordinal)
            .ToLookup(c => c.Currency!, c => c.Culture, StringComparer.Ordinal));

    public static void Register(FilterCollection filters)
    {
        filters.AddFilter("number", Number);
        filters.AddFilter("currency", Currency);
        filters.AddFilter("percent", Percent);
    }

    public static string FormatField(decimal value, FieldFormat format, CultureInfo culture)
    {
        var numbers = (NumberFormatInfo)culture.NumberFormat.Clone();
        if (!string.IsNullOrEmpty(format.DecimalSeparator))
        {
            numbers.NumberDecimalSeparator = format.DecimalSeparator;
        }
        // Plain output has no grouping; a schema asks for it by naming a separator.
        numbers.NumberGroupSeparator = format.ThousandsSeparator ?? "";
        var decimals = format.DecimalPlaces is { } places ? Math.Clamp(places, 0, MaxDecimals) : Decimals(value);
        return value.ToString(NumberFormats[decimals], numbers);
    }

    // {{ total | number }} groups thousands and keeps the value's decimals; number: 2 rounds.
    private static ValueTask<FluidValue> Number(FluidValue input, FilterArguments arguments, TemplateContext context)
    {
        if (input.IsNil())
        {
            return NilValue.Instance;
        }
        var value = input.ToNumberValue();
        var decimals = DecimalsArgument(arguments.At(0)) ?? Decimals(value);
        return new StringValue(value.ToString(NumberFormats[decimals], context.CultureInfo));
    }

    // {{ total | currency: "EUR" }}: the culture's currency pattern with that currency's
    // symbol and minor units; without a code, the culture's own currency. currency: "EUR", 0 rounds.
    private static ValueTask<FluidValue> Currency(FluidValue input, FilterArguments arguments, TemplateContext context)
    {
        if (input.IsNil())
        {
            return NilValue.Instance;
        }
        var code = arguments.At(0);
        var numbers = code.IsNil()
            ? context.CultureInfo.NumberFormat
            : CurrencyFormat(context.CultureInfo, code.ToStringValue().Trim().ToUpperInvariant());
        var decimals = DecimalsArgument(arguments.At(1)) ?? numbers.CurrencyDecimalDigits;
        return new StringValue(input.ToNumberValue().ToString(CurrencyFormats[decimals], numbers));
    }

    // {{ 0.256 | percent }} is 25.6% in en-US and 25,6 % in de-DE; percent: 0 rounds.
    private static ValueTask<FluidValue> Percent(FluidValue input, FilterArguments arguments, TemplateContext context)
    {
        if (input.IsNil())
        {
            return NilValue.Instance;
        }
        var value = input.ToNumberValue();
        var decimals = DecimalsArgument(arguments.At(0)) ?? Math.Max(0, Decimals(value) - 2);
        return new StringValue(value.ToString(PercentFormats[decimals], context.CultureInfo));
    }

    private static NumberFormatInfo CurrencyFormat(CultureInfo culture, string currency) =>
        Currencies.GetOrAdd((culture.Name, currency), static (key, culture) =>
        {
            var numbers = (NumberFormatInfo)culture.NumberFormat.Clone();
            if (HomeOf(culture, key.Currency) is { } home)
            {
                numbers.CurrencySymbol = home.NumberFormat.CurrencySymbol;
                numbers.CurrencyDecimalDigits = home.NumberFormat.CurrencyDecimalDigits;
            }
            else
            {
                numbers.CurrencySymbol = key.Currency;
            }
            return NumberFormatInfo.ReadOnly(numbers);
        }, culture);

    // Where a currency's symbol and minor units come from: the culture itself if it uses
    // that currency, else a culture of the same language that does (CHF for de-DE from
    // de-CH), else ICU's data for this language in a region that does (JPY for en-US from
    // en-JP: "¥", where ja-JP would give the full-width "￥").
    private static CultureInfo? HomeOf(CultureInfo culture, string currency)
    {
        if (CurrencyOf(culture) == currency)
        {
            return culture;
        }
        var users = CulturesByCurrency.Value[currency];
        var language = culture.TwoLetterISOLanguageName;
        if (users.FirstOrDefault(c => c.TwoLetterISOLanguageName == language) is { } sameLanguage)
        {
            return sameLanguage;
        }
        if (users.FirstOrDefault() is not { } user)
        {
            return null;
        }
        try
        {
            var local = CultureInfo.GetCultureInfo($"{language}-{new RegionInfo(user.Name).TwoLetterISORegionName}");
            return CurrencyOf(local) == currency ? local : user;
        }
        catch (CultureNotFoundException)
        {
            return user;
        }
    }

    private static string? CurrencyOf(CultureInfo culture)
    {
        if (culture.IsNeutralCulture || culture.Name.Length == 0)
        {
            return null;
        }
        try
        {
            return new RegionInfo(culture.Name).ISOCurrencySymbol;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static int? DecimalsArgument(FluidValue argument) =>
        argument.IsNil() ? null : (int)Math.Clamp(argument.ToNumberValue(), 0, MaxDecimals);

    // The decimals a value needs: 12.50 needs 1, 12 needs 0.
    private static int Decimals(decimal value)
    {
        var scale = (int)value.Scale;
        while (scale > 0 && decimal.Round(value, scale - 1) == value)
        {
            scale--;
        }
        return Math.Min(scale, MaxDecimals);
    }

    private static string[] Formats(string prefix) =>
        Enumerable.Range(0, MaxDecimals + 1).Select(d => prefix + d.ToString(CultureInfo.InvariantCulture)).ToArray();
}
