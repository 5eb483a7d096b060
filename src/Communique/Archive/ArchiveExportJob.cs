using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Communique.Assets.Storage;
using Communique.Data;
using Communique.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Communique.Archive;

// Writes what a search finds as a zip: each entry's content exactly as archived, and manifest.json with every entry's
// fields, the SHA-256 of its content, its leaf hash and its inclusion proof to the root of a tree head signed for the
// export, so that the zip proves itself to whoever holds the archive's public key (docs/archive.md). Purged entries
// are in the manifest as tombstones, without content. The zip is kept Archive:ExportHours for download.
public sealed class ArchiveExportJob(
    AppDb db, IBlobStore blobs, ArchiveSigner signer, IOptions<ArchiveOptions> options) : IJobHandler
{
    public const string Kind = "archive-export";
    public const string Format = "communique-archive-export-1";
    private const int Page = 500;

    public async Task RunAsync(JobContext job, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Deserialize<ArchiveExportPayload>(job.Payload!, JsonSerializerOptions.Web)!;
        var search = ArchiveSearch.Parse(payload.Search).Search
            ?? throw new JobFailedException("The export's search is not valid any more.");
        var head = await ArchiveTreeHeads.LatestAsync(db, signer, TimeSpan.Zero, cancellationToken);
        var size = head.Size;
        var found = search.Apply(db).AsNoTracking().Where(e => e.LeafIndex < size);
        var count = await found.LongCountAsync(cancellationToken);
        if (count > options.Value.MaxExportEntries)
        {
            throw new JobFailedException($"The search finds {count} entries; an export holds at most "
                + $"{options.Value.MaxExportEntries}. Narrow it (a time range, a channel).");
        }

        var path = Path.GetTempFileName();
        try
        {
            var exported = 0L;
            await using (var file = File.Create(path))
            using (var zip = new ZipArchive(file, ZipArchiveMode.Create))
            {
                var items = new List<ArchiveExportItem>();
                await using var reader = new ArchiveContent(blobs);
                for (long after = -1; ;)
                {
                    var from = after;
                    var entries = await found.Where(e => e.LeafIndex > from).OrderBy(e => e.LeafIndex).Take(Page)
                        .ToListAsync(cancellationToken);
                    if (entries.Count == 0)
                    {
                        break;
                    }

                    foreach (var entry in entries)
                    {
                        items.Add(await AddAsync(zip, reader, entry, size, cancellationToken));
                    }

                    after = entries[^1].LeafIndex;
                    exported += entries.Count;
                    await job.ReportAsync((int)(exported * 100 / Math.Max(count, 1)), null, cancellationToken);
                }

                var manifest = zip.CreateEntry("manifest.json", CompressionLevel.Optimal);
                await using var stream = await manifest.OpenAsync(cancellationToken);
                await JsonSerializer.SerializeAsync(stream, new ArchiveExportManifest(Format, db.Tenant.TeamId,
                    payload.Search, db.Now, TreeHeadResponse.From(head), items), JsonSerializerOptions.Web,
                    cancellationToken);
            }

            await using var written = File.OpenRead(path);
            var hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(written, cancellationToken));
            written.Position = 0;
            var stored = (BlobPutResult.Stored)await blobs.PutAsync(written, written.Length, cancellationToken);
            db.AttachBlob(stored.Hash, BlobHolder.ArchiveExport, job.Id);
            await db.SaveChangesAsync(cancellationToken);
            job.Result = JsonSerializer.Serialize(new ArchiveExportResult(exported, stored.Length, hash, stored.Hash,
                db.Now.AddHours(options.Value.ExportHours)), JsonSerializerOptions.Web);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private async Task<ArchiveExportItem> AddAsync(
        ZipArchive zip, ArchiveContent reader, ArchiveEntry entry, long size, CancellationToken cancellationToken)
    {
        string? name = null;
        if (!entry.IsPurged)
        {
            var content = await reader.ReadAsync(entry, cancellationToken)
                ?? throw new JobFailedException($"The content of entry {entry.Id} is missing: run a verify.");
            name = $"content/{entry.LeafIndex:D10}-{entry.Id:D}{Extension(entry.ContentType)}";
            var part = zip.CreateEntry(name, CompressionLevel.Fastest);
            await using var stream = await part.OpenAsync(cancellationToken);
            await stream.WriteAsync(content, cancellationToken);
        }

        var nodes = await ArchiveNodes.LoadAsync(
            db, [.. MerkleTree.InclusionNodes(entry.LeafIndex, size)], cancellationToken);
        var path = MerkleTree.InclusionProof(entry.LeafIndex, size, n => nodes[n]);
        return new ArchiveExportItem(ArchiveEntryResponse.From(entry), name, [.. path.Select(ArchiveApi.Hex)]);
    }

    private static string Extension(string contentType) => contentType switch
    {
        "message/rfc822" => ".eml",
        "application/pdf" => ".pdf",
        _ => ".bin",
    };
}

public sealed record ArchiveExportPayload(string Search);

public sealed record ArchiveExportResult(long Entries, long Bytes, string Sha256, string Blob, DateTime ExpiresAt);

// manifest.json: each entry with the file that holds its content (none once purged) and its audit path to the root
// of TreeHead.
public sealed record ArchiveExportManifest(
    string Format, Guid TeamId, string Search, DateTime ExportedAt, TreeHeadResponse TreeHead,
    IReadOnlyList<ArchiveExportItem> Entries);

public sealed record ArchiveExportItem(ArchiveEntryResponse Entry, string? File, IReadOnlyList<string> AuditPath);
