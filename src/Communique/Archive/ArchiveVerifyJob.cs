using System.Security.Cryptography;
using System.Text.Json;
using Communique.Assets.Storage;
using Communique.Data;
using Communique.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ZstdSharp;

namespace Communique.Archive;

// Checks a team's whole archive against its log, in leaf order: each entry's fields hash to its leaf, its leaf is
// the log's stored leaf, its content (decompressed) has its SHA-256 and size (a purged entry: its tombstone's leaf
// is the log's); then the root rebuilt from the entries
// is the log's root, and so is the root the stored nodes give (the nodes proofs are made of). The result names the
// first entry found altered, or says that all of them check.
public sealed class ArchiveVerifyJob(AppDb db, IBlobStore blobs, IOptions<ArchiveOptions> options) : IJobHandler
{
    public const string Kind = "archive-verify";

    public async Task RunAsync(JobContext job, CancellationToken cancellationToken)
    {
        var log = await db.ArchiveLogs.AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        var size = log?.Size ?? 0;
        var root = log?.Root ?? MerkleTree.EmptyRoot();
        var range = new List<(int Level, byte[] Hash)>();
        ArchiveVerification? bad = null;
        // The next batch is read from the database while this one is checked (on a thread of its own: SQLite's
        // asynchronous calls run synchronously), and its checks start before this one's have all ended, so that no
        // core waits for the last check of a batch.
        var reading = size > 0 ? ReadAsync(0, size, cancellationToken) : null;
        Checking? checking = null;
        long next = 0;
        try
        {
            while (bad is null && (reading is not null || checking is not null))
            {
                var previous = checking;
                checking = null;
                if (reading is not null)
                {
                    var from = previous is null ? 0 : previous.From + previous.Entries.Count;
                    var (entries, leaves) = await reading;
                    reading = entries.Count > 0 && from + entries.Count < size
                        ? ReadAsync(from + entries.Count, size, cancellationToken)
                        : null;
                    checking = new Checking(from, entries, CheckAllAsync(entries, from, leaves, cancellationToken));
                }

                if (previous is null)
                {
                    continue;
                }

                var checks = await previous.Checks;
                for (var i = 0; i < previous.Entries.Count && bad is null; i++)
                {
                    bad = checks[i];
                    if (bad is null)
                    {
                        // CheckAsync found the stored leaf hash to be the hash of the entry's fields.
                        Add(range, previous.Entries[i].LeafHash);
                        next++;
                    }
                }

                await job.ReportAsync((int)(next * 100 / Math.Max(size, 1)), null, cancellationToken);
            }
        }
        finally
        {
            // Stopped early: the read ahead is done with the context before anything else uses it, and no check
            // outlives the job.
            if (reading is not null)
            {
                await ((Task)reading).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            if (checking is not null)
            {
                await ((Task)checking.Checks).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        if (bad is null && next < size)
        {
            bad = new ArchiveVerification(size, false, next, null, "The log has a leaf with no entry.");
        }

        if (bad is null)
        {
            var rebuilt = Root(range);
            var rootNodes = MerkleTree.RootNodes(size);
            var nodes = await ArchiveNodes.LoadAsync(db, rootNodes, cancellationToken);
            bad = !rebuilt.AsSpan().SequenceEqual(root)
                ? new ArchiveVerification(size, false, null, null, "The log's root is not the root of its entries.")
                : nodes.Count != rootNodes.Count
                    || !MerkleTree.Root(size, n => nodes[n]).AsSpan().SequenceEqual(root)
                    ? new ArchiveVerification(size, false, null, null,
                        "The log's stored nodes do not give its root: proofs made from them would not verify.")
                    : null;
        }

        job.Result = JsonSerializer.Serialize(
            (bad ?? new ArchiveVerification(size, true, null, null, null)) with { Size = size },
            JsonSerializerOptions.Web);
    }

    // The entries of leaves from, from + 1, ... (up to VerifyBatch of them), and the log's leaves over the same range.
    private Task<(List<ArchiveEntry> Entries, Dictionary<long, byte[]> Leaves)> ReadAsync(
        long from, long size, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        var batch = options.Value.VerifyBatch;
        var entries = await db.ArchiveEntries.AsNoTracking()
            .Where(e => e.LeafIndex >= from && e.LeafIndex < size)
            .OrderBy(e => e.LeafIndex).Take(batch).ToListAsync(cancellationToken);
        var last = from + batch;
        var leaves = await db.ArchiveNodes.AsNoTracking()
            .Where(n => n.Level == 0 && n.Index >= from && n.Index < last)
            .ToDictionaryAsync(n => n.Index, n => n.Hash, cancellationToken);
        return (entries, leaves);
    }, cancellationToken);

    // The entries of a batch (leaves from, from + 1, ...) checked on every core, in runs of them (whose contents
    // mostly share packs), two runs a core so that a core done early takes another.
    private async Task<ArchiveVerification?[]> CheckAllAsync(List<ArchiveEntry> entries, long from,
        Dictionary<long, byte[]> leaves, CancellationToken cancellationToken)
    {
        var checks = new ArchiveVerification?[entries.Count];
        var runs = Math.Clamp(entries.Count / 100, 1, 2 * Environment.ProcessorCount);
        var perRun = (entries.Count + runs - 1) / runs;
        await Parallel.ForEachAsync(Enumerable.Range(0, runs), cancellationToken, async (run, token) =>
        {
            await using var reader = new ArchiveContent(blobs);
            for (var i = run * perRun; i < Math.Min(entries.Count, (run + 1) * perRun); i++)
            {
                checks[i] = await CheckAsync(reader, entries[i], from + i, leaves, token);
            }
        });
        return checks;
    }

    private static async Task<ArchiveVerification?> CheckAsync(ArchiveContent reader, ArchiveEntry entry, long expected,
        Dictionary<long, byte[]> leaves, CancellationToken cancellationToken)
    {
        ArchiveVerification Bad(string problem) => new(0, false, expected, entry.Id, problem);
        if (entry.LeafIndex != expected)
        {
            return new ArchiveVerification(0, false, expected, null, "The log has a leaf with no entry.");
        }

        // A purged entry's fields and content are gone; its tombstone keeps the leaf the log has.
        if (entry.IsPurged)
        {
            return leaves.TryGetValue(expected, out var kept) && kept.AsSpan().SequenceEqual(entry.LeafHash)
                ? null
                : Bad("The purged entry's leaf is not the log's leaf.");
        }

        var leaf = MerkleTree.LeafHash(ArchiveLeaf.Bytes(entry));
        if (!leaf.AsSpan().SequenceEqual(entry.LeafHash)
            || !leaves.TryGetValue(expected, out var stored) || !leaf.AsSpan().SequenceEqual(stored))
        {
            return Bad("The entry's fields are not those its leaf was made of.");
        }

        try
        {
            var content = await reader.ReadAsync(entry, cancellationToken);
            return content is null ? Bad("The entry's content is missing.")
                : content.Length == entry.Size && Convert.ToHexStringLower(SHA256.HashData(content)) == entry.Sha256
                    ? null
                    : Bad("The entry's content is not the content it was archived with.");
        }
        catch (ZstdException)
        {
            return Bad("The entry's content is not the content it was archived with.");
        }
    }

    // The complete subtrees of the leaves so far, largest first: a leaf joins the last one while they are of a size.
    private static void Add(List<(int Level, byte[] Hash)> range, byte[] leaf)
    {
        var (level, hash) = (0, leaf);
        while (range.Count > 0 && range[^1].Level == level)
        {
            hash = MerkleTree.NodeHash(range[^1].Hash, hash);
            range.RemoveAt(range.Count - 1);
            level++;
        }

        range.Add((level, hash));
    }

    private static byte[] Root(List<(int Level, byte[] Hash)> range)
    {
        if (range.Count == 0)
        {
            return MerkleTree.EmptyRoot();
        }

        var hash = range[^1].Hash;
        for (var i = range.Count - 2; i >= 0; i--)
        {
            hash = MerkleTree.NodeHash(range[i].Hash, hash);
        }

        return hash;
    }
}

// A batch of entries (leaves From, From + 1, ...) and its checks under way.
internal sealed record Checking(long From, List<ArchiveEntry> Entries, Task<ArchiveVerification?[]> Checks);

// A verify's outcome: the log's size, whether every entry checks, and otherwise the first leaf (and entry) found bad.
public sealed record ArchiveVerification(long Size, bool Intact, long? LeafIndex, Guid? EntryId, string? Problem);
