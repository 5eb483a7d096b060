using System.Text.Json;
using Communique.Data;
using Communique.DataSources;
using Microsoft.EntityFrameworkCore;

namespace Communique.Video;

// The record a personalised video is made for, found by its uuid among the team's data sources (a uuid is unique
// across sources), typed by its source's schema. Null for a uuid that is no visible record of the team.
public static class VideoRecords
{
    public static async Task<LookedUpRecord?> FindAsync(AppDb db, Guid uuid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var found = await (
                from r in db.DataRecords.AsNoTracking()
                join s in db.DataSources.AsNoTracking() on r.DataSourceId equals s.Id
                where r.Uuid == uuid && r.Generation == s.Generation && r.Position < s.RecordCount
                select new { r.Values, s.Schema, s.Locale })
            .FirstOrDefaultAsync(cancellationToken);
        if (found is null)
        {
            return null;
        }

        var schema = JsonSerializer.Deserialize<List<FieldSchema>>(found.Schema, DataImporter.Json)!;
        return Of(schema, found.Locale, found.Values, uuid);
    }

    // A stored record's values typed by its source's schema.
    public static LookedUpRecord Of(List<FieldSchema> schema, string locale, string values, Guid uuid)
    {
        using var parsed = JsonDocument.Parse(values);
        var record = RecordValues.Typed(schema, parsed.RootElement, DataSources.Import.DataStandard.For(locale));
        // A template may use the record's uuid (in a button's URL, say) unless the source has a field of that name.
        record.TryAdd("uuid", uuid.ToString());
        return new LookedUpRecord(record, Schemas.FormatsOf(schema), locale);
    }
}
