using System.Runtime.CompilerServices;
using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Communique.Assets.Storage;
using Communique.Data;
using Communique.DataSources.Import;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Communique.DataSources;

// Streams an uploaded file into a data source's records: parse, infer, store in batches, then make
// the new records visible in one update. Anything that fails on the way takes its rows back out.
public sealed class DataImporter(AppDb db, IBlobStore blobs, IOptions<DataSourceOptions> options, TimeProvider clock)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public async Task<ImportReport> RunAsync(
        ImportRequest request, Func<int, Task>? progress, CancellationToken cancellationToken)
    {
        var source = await db.DataSources.FirstAsync(d => d.Id == request.DataSourceId, cancellationToken);
        var generation = request.Mode == ImportMode.Append ? source.Generation : source.Generation + 1;
        var start = request.Mode == ImportMode.Append ? source.RecordCount : 0;

        // Rows a crashed earlier attempt left beyond the visible mark are not anyone's records.
        await DiscardAsync(source.Id, generation, start, CancellationToken.None);
        try
        {
            var report = await ImportAsync(source, request, generation, start, progress, cancellationToken);
            if (request.Mode == ImportMode.Replace)
            {
                await db.DataRecords.Where(r => r.DataSourceId == source.Id && r.Generation < generation)
                    .ExecuteDeleteAsync(CancellationToken.None);
            }

            return report;
        }
        catch (Exception e)
        {
            await DiscardAsync(source.Id, generation, start, CancellationToken.None);
            db.ChangeTracker.Clear();
            var failed = new ImportReport(request.Mode.ToString().ToLowerInvariant(), 0, null, 0, 0,
                e is OperationCanceledException ? "The import was cancelled." : e.Message, db.Now);
            await db.DataSources.Where(d => d.Id == source.Id).ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, d => d.Generation == 0 ? DataSourceStatus.Failed : DataSourceStatus.Ready)
                .SetProperty(d => d.LastImport, JsonSerializer.Serialize(failed, Json))
                .SetProperty(d => d.UpdatedAt, failed.At), CancellationToken.None);
            throw;
        }
    }

    private async Task<ImportReport> ImportAsync(
        DataSource source, ImportRequest request, int generation, long start, Func<int, Task>? progress,
        CancellationToken cancellationToken)
    {
        var standard = DataStandard.For(source.Locale);
        await using var content = await blobs.OpenReadAsync(request.BlobHash, cancellationToken)
            ?? throw new InvalidOperationException("The uploaded file is no longer stored.");
        using var reader = SourceReader.Open(content, source.Format, standard);

        var existing = request.Mode == ImportMode.Append
            ? JsonSerializer.Deserialize<List<FieldSchema>>(source.Schema, Json)! : null;
        var keep = request.Mode == ImportMode.Replace && source.UniqueField is not null
            ? await KnownUuidsAsync(source, cancellationToken)
            : null;
        var inference = new SchemaInference(reader.Fields, standard);
        // Sized up front from the file (about 100 bytes a record), so the hash set does not grow by doubling.
        var duplicates = source.UniqueField is null ? null
            : new DuplicateFinder(expectedRecords: content.CanSeek ? (int)Math.Min(content.Length / 100, 50_000_000)
                : 0);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using var json = new Utf8JsonWriter(buffer);
        var position = start;
        var uuids = new RecordUuids(clock);
        var lastPercent = -1;
        int[]? order = null;
        var keyIndex = -2;

        // Parsing and storing overlap: this thread reads and encodes the next batch while the writer stores the last.
        // Progress is reported by the writer between its transactions: from the reading thread it would wait for the
        // database's write lock while the writer holds it, and the two would take turns instead of overlapping.
        var batches = Channel.CreateBounded<(List<DataRecord> Records, int Percent)>(
            new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writer = Task.Run(async () =>
        {
            await foreach (var (full, percent) in batches.Reader.ReadAllAsync(stop.Token))
            {
                await RecordStore.WriteAsync(db, full, stop.Token);
                if (progress is not null && percent != lastPercent)
                {
                    lastPercent = percent;
                    await progress(percent);
                }
            }
        }, CancellationToken.None);

        try
        {
            var batch = new List<DataRecord>(options.Value.BatchSize);
            foreach (var record in reader.ReadRecords(cancellationToken))
            {
                if (keyIndex == -2)
                {
                    keyIndex = source.UniqueField is null ? -1 : reader.Fields.IndexOf(source.UniqueField);
                    if (source.UniqueField is not null && keyIndex < 0
                        && source.Format is SourceFormat.Csv or SourceFormat.Xlsx)
                    {
                        throw new SourceDataException(SourceProblem.Malformed,
                            $"The unique identifier '{source.UniqueField}' is not a field of the file.");
                    }

                    order = existing is null ? null : AppendOrder(existing, reader.Fields);
                }

                inference.Observe(record);
                var key = keyIndex >= 0 ? record.GetValue(keyIndex) : null;
                duplicates?.Observe(key, record.Line);
                batch.Add(new DataRecord
                {
                    TeamId = source.TeamId,
                    DataSourceId = source.Id,
                    Generation = generation,
                    Position = position++,
                    Uuid = key is not null && keep?.Remove(key, out var known) == true ? known : uuids.Next(),
                    Key = key,
                    Values = Encode(record, reader.Fields, order, buffer, json),
                });

                if (batch.Count == options.Value.BatchSize)
                {
                    var percent = content.CanSeek && content.Length > 0
                        ? (int)(content.Position * 100 / content.Length) : 0;
                    await SendAsync(batches, (batch, percent), writer, cancellationToken);
                    batch = new List<DataRecord>(options.Value.BatchSize);
                }
            }

            await SendAsync(batches, (batch, 100), writer, cancellationToken);
            batches.Writer.Complete();
            await writer;
        }
        catch
        {
            batches.Writer.TryComplete();
            await stop.CancelAsync();
            try
            {
                await writer;
            }
            catch (OperationCanceledException)
            {
                // The writer stops with the import.
            }

            throw;
        }

        // A large import leaves its duplicate index and batches behind in the oldest generation, where the server
        // collector would keep them until much later: hand the memory back now, so the next import starts from rest.
        if (position - start >= LargeImport)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }

        await TableStatistics.RefreshAfterLoadAsync(db, "DataRecords", position - start, cancellationToken);
        var schema = existing ?? Merge(inference.Fields, source.Generation == 0 ? null
            : JsonSerializer.Deserialize<List<FieldSchema>>(source.Schema, Json));
        var report = new ImportReport(
            request.Mode.ToString().ToLowerInvariant(), position - start, duplicates?.Duplicates,
            duplicates?.DuplicateCount ?? 0,
            duplicates?.BlankCount ?? 0, null, db.Now);

        // The one write that makes the new records visible.
        source.Generation = generation;
        source.RecordCount = position;
        source.Schema = JsonSerializer.Serialize(schema, Json);
        source.Status = DataSourceStatus.Ready;
        source.LastImport = JsonSerializer.Serialize(report, Json);
        source.UpdatedAt = report.At;
        await db.SaveChangesAsync(CancellationToken.None);
        return report;
    }

    // A writer that failed has nothing more to take: surface its exception instead of waiting on a full channel.
    private static async Task SendAsync(
        Channel<(List<DataRecord> Records, int Percent)> batches, (List<DataRecord> Records, int Percent) batch,
        Task writer,
        CancellationToken cancellationToken)
    {
        if (batch.Records.Count == 0)
        {
            return;
        }

        var sent = batches.Writer.WriteAsync(batch, cancellationToken).AsTask();
        if (await Task.WhenAny(sent, writer) == writer)
        {
            await writer;
            throw new InvalidOperationException("The record writer stopped before the import finished.");
        }

        await sent;
    }

    private const long LargeImport = 250_000;

    private Task<int> DiscardAsync(Guid source, int generation, long from, CancellationToken cancellationToken) =>
        db.DataRecords.Where(r => r.DataSourceId == source && r.Generation == generation && r.Position >= from)
            .ExecuteDeleteAsync(cancellationToken);

    private async Task<Dictionary<string, Guid>> KnownUuidsAsync(DataSource source, CancellationToken cancellationToken)
    {
        var known = new Dictionary<string, Guid>(StringComparer.Ordinal);
        await foreach (var row in db.DataRecords.AsNoTracking()
                           .Where(r => r.DataSourceId == source.Id && r.Generation == source.Generation
                               && r.Position < source.RecordCount && r.Key != null)
                           .Select(r => new { r.Key, r.Uuid }).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            known.TryAdd(row.Key!, row.Uuid);
        }

        return known;
    }

    // Appended files must bring the same fields; their values are stored in the existing schema's order.
    private static int[] AppendOrder(List<FieldSchema> schema, SourceFieldSet fields)
    {
        var order = new int[schema.Count];
        for (var i = 0; i < schema.Count; i++)
        {
            order[i] = fields.IndexOf(schema[i].SourceName);
        }

        var missing = schema.Where((_, i) => order[i] < 0).Select(f => f.SourceName).ToList();
        var extra = fields.Where(f => !schema.Any(s =>
            string.Equals(s.SourceName, f.Name, StringComparison.OrdinalIgnoreCase))).Select(f => f.Name).ToList();
        if (missing.Count > 0 || extra.Count > 0)
        {
            throw new SourceDataException(SourceProblem.Malformed,
                "An appended file must have the fields of the data source"
                + (missing.Count > 0 ? $"; missing: {string.Join(", ", missing)}" : "")
                + (extra.Count > 0 ? $"; not in the data source: {string.Join(", ", extra)}" : "") + ".");
        }

        return order;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per value or row: see Import/SourceReader.cs
    private static string Encode(SourceRecord record, SourceFieldSet fields, int[]? order,
        ArrayBufferWriter<byte> buffer, Utf8JsonWriter writer)
    {
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        Write(writer, record, fields, order);
        writer.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per value or row: see Import/SourceReader.cs
    private static void Write(Utf8JsonWriter writer, SourceRecord record, SourceFieldSet fields, int[]? order)
    {
        writer.WriteStartArray();
        var count = order?.Length ?? fields.Count;
        for (var i = 0; i < count; i++)
        {
            var index = order is null ? i : order[i];
            if (fields[index].Items is { } itemFields)
            {
                if (record.GetItems(index) is { } items)
                {
                    writer.WriteStartArray();
                    foreach (var item in items)
                    {
                        Write(writer, item, itemFields, null);
                    }

                    writer.WriteEndArray();
                }
                else
                {
                    writer.WriteNullValue();
                }
            }
            else if (record.GetValue(index) is { } value)
            {
                writer.WriteStringValue(value);
            }
            else
            {
                writer.WriteNullValue();
            }
        }

        writer.WriteEndArray();
    }

    // A replacement keeps what people set on fields that are still there: hidden flags and formats.
    private static List<FieldSchema> Merge(IReadOnlyList<InferredField> inferred, List<FieldSchema>? previous) =>
        inferred.Select(f =>
        {
            var fresh = new FieldSchema(f.Name, Schemas.TypeName(f.Type), Items: f.Items is null ? null
                : Merge(f.Items, null));
            var before = previous?.FirstOrDefault(p => string.Equals(p.SourceName, f.Name, StringComparison.Ordinal));
            return before is null ? fresh : fresh with
            {
                Name = before.Name,
                Source = before.Source,
                Hidden = before.Hidden,
                DecimalPlaces = before.DecimalPlaces,
                DecimalSeparator = before.DecimalSeparator,
                ThousandsSeparator = before.ThousandsSeparator,
                DateFormat = before.DateFormat,
            };
        }).ToList();
}
