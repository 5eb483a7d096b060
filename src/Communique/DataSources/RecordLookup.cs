using System.Globalization;
using System.Text.Json;
using Communique.Data;
using Communique.Rendering;
using Microsoft.EntityFrameworkCore;

namespace Communique.DataSources;

// The one record a preview or a single document is made for: given inline, or a record of one of the team's data
// sources by its uuid (typed by the source's schema, with its field formats and locale).
public static class RecordLookup
{
    // Null with the request field at fault and why. A locale given reads the source's values in its conventions
    // instead of the source's own.
    public static async Task<(LookedUpRecord? Record, string? Field, string? Error)> FindAsync(
        AppDb db, JsonElement? inline, Guid? dataSourceId, Guid? uuid, string? locale,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (inline is { ValueKind: JsonValueKind.Object } given)
        {
            return (new LookedUpRecord(InlineRecord.Values(given), new Dictionary<string, FieldFormat>(), locale),
                null, null);
        }

        if (dataSourceId is not { } sourceId || uuid is not { } id)
        {
            return (null, "record", "Give a record inline, or dataSourceId and uuid.");
        }

        var source = await db.DataSources.AsNoTracking().FirstOrDefaultAsync(d => d.Id == sourceId, cancellationToken);
        var row = source is null ? null : await db.DataRecords.AsNoTracking().FirstOrDefaultAsync(
            r => r.DataSourceId == sourceId && r.Uuid == id && r.Generation == source.Generation
                && r.Position < source.RecordCount, cancellationToken);
        if (source is null || row is null)
        {
            return (null, "uuid", "No record of this team's data source has this uuid.");
        }

        var schema = JsonSerializer.Deserialize<List<FieldSchema>>(source.Schema, DataImporter.Json)!;
        using var values = JsonDocument.Parse(row.Values);
        locale ??= source.Locale;
        var record = RecordValues.Typed(schema, values.RootElement, Import.DataStandard.For(locale));
        return (new LookedUpRecord(record, Schemas.FormatsOf(schema), locale), null, null);
    }

    // A locale's culture (en-US when none is given); false for a name that is not a known locale.
    public static bool TryCulture(string? locale, out CultureInfo culture)
    {
        try
        {
            culture = CultureInfo.GetCultureInfo(locale ?? "en-US", predefinedOnly: true);
            return true;
        }
        catch (CultureNotFoundException)
        {
            culture = CultureInfo.InvariantCulture;
            return false;
        }
    }
}
