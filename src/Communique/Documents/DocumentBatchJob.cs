using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Communique.Assets.Storage;
using Communique.Communications;
using Communique.Data;
using Communique.DataSources;
using Communique.Documents.Print;
using Communique.Jobs;
using Communique.Sending;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Communique.Documents;

// A batch of documents, one per record: into a zip of PDFs and/or one merged print PDF with its manifest, written to
// temporary files as the records are made (memory stays flat however many) and then stored as the job's files. A
// record that cannot be made is listed with its reason; the others are made. Every PDF made goes through the
// archive hook (the merged print file as one).
public sealed class DocumentBatchJob(
    AppDb db, DocumentMaker maker, IBlobStore blobs, IMessageArchive archive, IOptions<DocumentOptions> options)
    : IJobHandler
{
    public const string Kind = "document-batch";

    private const int MaxListedFailures = 1000;
    private const int Page = 500;

    public async Task RunAsync(JobContext job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var payload = JsonSerializer.Deserialize<BatchJobPayload>(job.Payload!, JsonSerializerOptions.Web)!;
        var communication = await db.Communications.AsNoTracking()
            .FirstOrDefaultAsync(c => c.Id == payload.CommunicationId, cancellationToken)
            ?? throw new JobFailedException("The communication was deleted.");
        var json = await db.CommunicationVersions.AsNoTracking()
            .Where(v => v.CommunicationId == payload.CommunicationId && v.Number == payload.Version)
            .Select(v => v.Content).FirstOrDefaultAsync(cancellationToken)
            ?? throw new JobFailedException("The communication's version was deleted.");
        var content = JsonSerializer.Deserialize<DocumentContent>(json, JsonSerializerOptions.Web)!;
        var total = await CountAsync(payload, cancellationToken);

        var folder = Directory.CreateTempSubdirectory("communique-batch-");
        try
        {
            var result = await MakeAsync(job, payload, content, communication.AssetFolderId, total, folder.FullName,
                cancellationToken);
            job.Result = JsonSerializer.Serialize(result, JsonSerializerOptions.Web);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private async Task<BatchResult> MakeAsync(
        JobContext job, BatchJobPayload payload, DocumentContent content, Guid? assetFolderId, int total,
        string folder, CancellationToken cancellationToken)
    {
        var zipPath = Path.Combine(folder, "documents.zip");
        var printPath = Path.Combine(folder, "print.pdf");
        var wantZip = payload.Output is BatchOutput.Zip or BatchOutput.Both;
        var wantPrint = payload.Output is BatchOutput.Print or BatchOutput.Both;
        var failures = new List<BatchFailure>();
        var (records, made, failed) = (0, 0, 0);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        FileStream? printFile = null;
        PrintBatchWriter? print = null;
        await using (var zipFile = wantZip ? File.Create(zipPath) : null)
        using (var zip = zipFile is null ? null : new ZipArchive(zipFile, ZipArchiveMode.Create))
        {
            var lastReport = 0;
            await foreach (var (id, record) in RecordsAsync(payload, cancellationToken))
            {
                records++;
                if (!RecordLookup.TryCulture(record.Locale, out var culture))
                {
                    throw new JobFailedException($"'{record.Locale}' is not a known locale.");
                }

                var outcome = await maker.LayAsync(db, content, assetFolderId, record, culture,
                    payload.IgnoreMissingFields, cancellationToken);
                var reason = outcome.Failure is { } failure
                    ? $"The {outcome.Part} could not be made: {failure.Message}"
                    : null;
                var document = outcome.Document;
                byte[]? pdf = null;
                if (document is not null && zip is not null)
                {
                    (pdf, var unmade) = maker.Pdf(document, content.Archival);
                    reason = unmade is null ? null : $"The document could not be made: {unmade}";
                }

                if (reason is null && document is not null && wantPrint)
                {
                    try
                    {
                        if (print is null)
                        {
                            printFile = File.Create(printPath);
                            print = new PrintBatchWriter(printFile, maker.Settings(document, content.Archival),
                                new PrintOptions(payload.Duplex, payload.CropMarks, payload.PageCodes));
                        }

                        print.Add(id, document);
                    }
                    catch (DocumentException e)
                    {
                        reason = $"The document could not be made: {e.Message}";
                    }
                }

                if (reason is not null)
                {
                    failed++;
                    if (failures.Count < MaxListedFailures)
                    {
                        failures.Add(new BatchFailure(id, reason));
                    }
                }
                else
                {
                    made++;
                    if (pdf is not null)
                    {
                        await KeepAsync(job, pdf, cancellationToken);
                        var name = Unique(names, outcome.FileName!, id);
                        var entry = zip!.CreateEntry(name, CompressionLevel.NoCompression);
                        await using var stream = await entry.OpenAsync(cancellationToken);
                        await stream.WriteAsync(pdf, cancellationToken);
                    }
                }

                var percent = total == 0 ? 0 : records * 100 / total;
                if (percent > lastReport)
                {
                    lastReport = percent;
                    await job.ReportAsync(percent, null, cancellationToken);
                }
            }
        }

        var files = new List<BatchFile>();
        if (wantZip && made > 0)
        {
            files.Add(await StoreAsync(job, zipPath, "documents.zip", "application/zip", cancellationToken));
        }

        if (print is not null)
        {
            print.Finish();
            var manifest = print.Manifest;
            print.Dispose();
            await printFile!.DisposeAsync();
            var printed = await File.ReadAllBytesAsync(printPath, cancellationToken);
            await KeepAsync(job, printed, cancellationToken);
            files.Add(await StoreAsync(job, printPath, "print.pdf", "application/pdf", cancellationToken));
            var manifestPath = Path.Combine(folder, "manifest.json");
            var manifestJson = JsonSerializer.SerializeToUtf8Bytes(manifest, JsonSerializerOptions.Web);
            await File.WriteAllBytesAsync(manifestPath, manifestJson, cancellationToken);
            files.Add(await StoreAsync(job, manifestPath, "manifest.json", "application/json", cancellationToken));
        }

        await db.SaveChangesAsync(cancellationToken);
        var expires = db.Now.AddHours(options.Value.KeepResultsHours);
        return new BatchResult(records, made, failed, failures, files, expires);
    }

    // The records of the batch with the names a failure or a manifest gives them.
    private async IAsyncEnumerable<(string Id, LookedUpRecord Record)> RecordsAsync(
        BatchJobPayload payload, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        if (payload.RecordsJson is { } inline)
        {
            using var records = JsonDocument.Parse(inline);
            var position = 0;
            foreach (var record in records.RootElement.EnumerateArray())
            {
                position++;
                var values = Rendering.InlineRecord.Values(record);
                yield return (position.ToString(CultureInfo.InvariantCulture),
                    new LookedUpRecord(values, new Dictionary<string, Rendering.FieldFormat>(), payload.Locale));
            }

            yield break;
        }

        var source = await db.DataSources.AsNoTracking().FirstOrDefaultAsync(d => d.Id == payload.DataSourceId, ct)
            ?? throw new JobFailedException("The data source was deleted.");
        if (source.Generation != payload.Generation)
        {
            throw new JobFailedException("The data source's records were replaced since the batch was asked for.");
        }

        var schema = JsonSerializer.Deserialize<List<FieldSchema>>(source.Schema, DataImporter.Json)!;
        var formats = Schemas.FormatsOf(schema);
        var locale = payload.Locale ?? source.Locale;
        var standard = DataSources.Import.DataStandard.For(locale);
        var wanted = payload.Uuids is { Count: > 0 } uuids ? uuids.ToHashSet() : null;
        var after = -1L;
        while (true)
        {
            var page = await db.DataRecords.AsNoTracking()
                .Where(r => r.DataSourceId == source.Id && r.Generation == source.Generation
                    && r.Position > after && r.Position < source.RecordCount)
                .OrderBy(r => r.Position).Take(Page).ToListAsync(ct);
            if (page.Count == 0)
            {
                yield break;
            }

            foreach (var row in page)
            {
                after = row.Position;
                if (wanted is not null && !wanted.Contains(row.Uuid))
                {
                    continue;
                }

                using var values = JsonDocument.Parse(row.Values);
                var record = RecordValues.Typed(schema, values.RootElement, standard);
                if (Matches(record, payload.Where))
                {
                    yield return (row.Uuid.ToString(), new LookedUpRecord(record, formats, locale));
                }
            }
        }
    }

    // Each field named in `where` has that value, compared as text (numbers and dates as the invariant culture
    // writes them).
    internal static bool Matches(
        IReadOnlyDictionary<string, object?> record, IReadOnlyDictionary<string, string>? where)
    {
        if (where is null)
        {
            return true;
        }

        foreach (var (field, value) in where)
        {
            if (!record.TryGetValue(field, out var actual) || !string.Equals(
                    Convert.ToString(actual, CultureInfo.InvariantCulture), value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private async Task<int> CountAsync(BatchJobPayload payload, CancellationToken cancellationToken)
    {
        if (payload.RecordsJson is { } inline)
        {
            using var records = JsonDocument.Parse(inline);
            return records.RootElement.GetArrayLength();
        }

        if (payload.Uuids is { Count: > 0 } uuids)
        {
            return uuids.Count;
        }

        return (int)await db.DataSources.Where(d => d.Id == payload.DataSourceId).Select(d => d.RecordCount)
            .FirstOrDefaultAsync(cancellationToken);
    }

    private async Task<BatchFile> StoreAsync(
        JobContext job, string path, string name, string contentType, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        if (await blobs.PutAsync(file, long.MaxValue, cancellationToken) is not BlobPutResult.Stored stored)
        {
            throw new InvalidOperationException("The blob store refused a batch's file.");
        }

        db.AttachBlob(stored.Hash, BlobHolder.DocumentBatch, job.Id);
        return new BatchFile(name, contentType, stored.Length, stored.Hash);
    }

    private async Task KeepAsync(JobContext job, byte[] pdf, CancellationToken cancellationToken)
    {
        if (archive.Keeps && await archive.KeepsAsync(job.TeamId, Channel.Document, cancellationToken))
        {
            var ids = new ArchivedMessage(job.TeamId, job.Id, Guid.CreateVersion7(), Channel.Document);
            await archive.KeepAsync(ids, pdf, cancellationToken);
        }
    }

    // A zip entry's name: the document's file name, made unique within the zip by the record's id.
    private static string Unique(HashSet<string> names, string fileName, string id)
    {
        var name = fileName;
        if (!names.Add(name))
        {
            name = $"{Path.GetFileNameWithoutExtension(fileName)}-{id}{Path.GetExtension(fileName)}";
            names.Add(name);
        }

        return name;
    }
}
