using System.Collections.Concurrent;
using System.Security.Cryptography;
using Communique.Assets.Storage;
using Communique.Communications;
using Communique.Data;
using Communique.Sending;
using Communique.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ZstdSharp;

namespace Communique.Archive;

// The archive hook of the send pipeline and of the document channel: each message or document is compressed into the
// blob store, then its entry, its leaf and the log's new complete nodes and root are saved in one unit of work. A
// team's appends are taken one at a time in this process; the log row's size is a concurrency token, so two servers
// appending to one team's log never give two entries one leaf (the loser reads the log again and retries).
public sealed class MessageArchive(
    IServiceScopeFactory scopes, IBlobStore blobs, IOptions<ArchiveOptions> options, TimeProvider time)
    : IMessageArchive
{
    private const int CompressionLevel = 3;
    private const int MaxAttempts = 8;

    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> _appending = new();

    public bool Keeps => options.Value.Enabled;

    public Task KeepAsync(ArchivedMessage message, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return AppendAsync(message, bytes, cancellationToken);
    }

    // The entry appended to its team's log.
    public async Task<ArchiveEntry> AppendAsync(
        ArchivedMessage message, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (bytes.Length > options.Value.MaxEntryBytes)
        {
            throw new InvalidOperationException(
                $"An archive entry holds at most {options.Value.MaxEntryBytes} bytes; this one has {bytes.Length}.");
        }

        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes.Span));
        byte[] compressed;
        using (var compressor = new Compressor(CompressionLevel))
        {
            compressed = compressor.Wrap(bytes.Span).ToArray();
        }

        var stored = await blobs.PutAsync(new MemoryStream(compressed), compressed.Length + 1, cancellationToken);
        var blobHash = ((BlobPutResult.Stored)stored).Hash;
        var gate = _appending.GetOrAdd(message.TeamId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                await using var scope = scopes.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<TenantContext>().EnterTeam(message.TeamId);
                var db = scope.ServiceProvider.GetRequiredService<AppDb>();
                var entry = new ArchiveEntry
                {
                    TeamId = message.TeamId,
                    Channel = message.Channel,
                    SendId = message.SendId,
                    MessageId = message.MessageId,
                    Recipient = message.Recipient,
                    CreatedAt = ArchiveLeaf.WholeMilliseconds(time.GetUtcNow().UtcDateTime),
                    ContentType = message.ContentType ?? ContentTypeOf(message.Channel),
                    Size = bytes.Length,
                    Sha256 = sha256,
                    BlobHash = blobHash,
                    LeafHash = [],
                };
                try
                {
                    await AppendAsync(db, entry, cancellationToken);
                    return entry;
                }
                catch (DbUpdateException e) when (attempt < MaxAttempts
                    && (e is DbUpdateConcurrencyException || e.IsUniqueViolation()))
                {
                    // Another server appended to this team's log first.
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private static async Task AppendAsync(AppDb db, ArchiveEntry entry, CancellationToken cancellationToken)
    {
        var log = await db.ArchiveLogs.FirstOrDefaultAsync(cancellationToken);
        var size = log?.Size ?? 0;
        entry.LeafIndex = size;
        entry.LeafHash = MerkleTree.LeafHash(ArchiveLeaf.Bytes(entry));
        var nodes = await ArchiveNodes.LoadAsync(
            db, [.. MerkleTree.AppendNodes(size), .. MerkleTree.RootNodes(size + 1)], cancellationToken);
        foreach (var (node, hash) in MerkleTree.Append(size, entry.LeafHash, n => nodes[n]))
        {
            nodes[node] = hash;
            db.ArchiveNodes.Add(new ArchiveNode { Level = node.Level, Index = node.Index, Hash = hash });
        }

        var root = MerkleTree.Root(size + 1, n => nodes[n]);
        if (log is null)
        {
            db.ArchiveLogs.Add(new ArchiveLog { Size = 1, Root = root, UpdatedAt = entry.CreatedAt });
        }
        else
        {
            log.Size = size + 1;
            log.Root = root;
            log.UpdatedAt = entry.CreatedAt;
        }

        db.ArchiveEntries.Add(entry);
        db.AttachBlob(entry.BlobHash, BlobHolder.Archive, entry.Id);
        await db.SaveChangesAsync(cancellationToken);
    }

    private static string ContentTypeOf(Channel channel) => channel switch
    {
        Channel.Email => "message/rfc822",
        Channel.Document => "application/pdf",
        _ => "application/octet-stream",
    };
}
