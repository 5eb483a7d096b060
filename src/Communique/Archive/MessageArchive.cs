using System.Data.Common;
using System.Diagnostics;
using System.Security.Cryptography;
using Communique.Assets.Storage;
using Communique.Communications;
using Communique.Data;
using Communique.Jobs;
using Communique.Sending;
using Communique.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ZstdSharp;

namespace Communique.Archive;

// The archive hook of the send pipeline and of the document channel. Each message is compressed (a zstd frame) by its
// caller, then waits for the next group commit: one writer gathers the messages coming (GatherAsync), and for each
// team writes their frames as one pack blob (one write to disk) and their entries, leaves, the log's new complete
// nodes and its new root in one unit of work. The caller returns when that is saved, so a message is archived before
// it is handed over. A crash between the two writes leaves at most a pack no entry names. The log row's size is a
// concurrency token and leaves are unique per team, so servers racing on one log retry instead of sharing a leaf.
public sealed class MessageArchive : IMessageArchive, IDisposable
{
    private const int CompressionLevel = 3;
    // Entries in one pack at most: a pack's entries are consecutive leaves, within this many of each other.
    internal const int MaxBatch = 1000;
    private const int MaxAttempts = 8;
    private const int Gather = 128;
    private const int PooledBytes = 256 * 1024;
    private static readonly TimeSpan Gap = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(200);

    private readonly IServiceScopeFactory _scopes;
    private readonly IBlobStore _blobs;
    private readonly ArchivePolicies _policies;
    private readonly SendDictionaries _dictionaries;
    private readonly IOptions<ArchiveOptions> _options;
    private readonly TimeProvider _time;
    private readonly System.Threading.Channels.Channel<Pending> _pending =
        System.Threading.Channels.Channel.CreateUnbounded<Pending>(
            new System.Threading.Channels.UnboundedChannelOptions { SingleReader = true });
    private readonly CompressorPool _compressors = new(() => new Compressor(CompressionLevel));
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _writer;
    private int _disposed;

    public MessageArchive(IServiceScopeFactory scopes, IBlobStore blobs, ArchivePolicies policies,
        IOptions<ArchiveOptions> options, TimeProvider time)
    {
        _scopes = scopes;
        _blobs = blobs;
        _policies = policies;
        _dictionaries = new SendDictionaries(blobs);
        _options = options;
        _time = time;
        _writer = Task.Run(WriteAsync);
    }

    public bool Keeps => _options.Value.Enabled;

    public async ValueTask<bool> KeepsAsync(Guid teamId, Channel channel, CancellationToken cancellationToken) =>
        Keeps && (await _policies.ForAsync(teamId, channel, cancellationToken)).Archive;

    public Task KeepAsync(ArchivedMessage message, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) =>
        AppendAsync(message, bytes, cancellationToken);

    // The entry, once it is saved in its team's log. Metadata is checked by the caller (ArchiveMetadata.Read).
    public async Task<ArchiveEntry> AppendAsync(
        ArchivedMessage message, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (bytes.Length > _options.Value.MaxEntryBytes)
        {
            throw new InvalidOperationException(
                $"An archive entry holds at most {_options.Value.MaxEntryBytes} bytes; this one has {bytes.Length}.");
        }

        var (metadata, fields, error) = ArchiveMetadata.Read(message.Metadata);
        if (error is not null)
        {
            throw new ArgumentException($"The entry's metadata: {error}", nameof(message));
        }

        var policy = await _policies.ForAsync(message.TeamId, message.Channel, cancellationToken);
        var dictionary = message.SendId == Guid.Empty || message.Alone ? null
            : await _dictionaries.ForAsync(message.TeamId, message.SendId, bytes, cancellationToken);
        var frame = dictionary is null ? Compress(bytes.Span) : dictionary.Compress(bytes.Span);
        var text = string.IsNullOrWhiteSpace(message.Text) ? null : ArchiveText.Words(message.Text);
        var pending = new Pending(message, Convert.ToHexStringLower(SHA256.HashData(bytes.Span)), bytes.Length, frame,
            dictionary?.Hash, policy, metadata, fields, string.IsNullOrEmpty(text) ? null : text);
        await _pending.Writer.WriteAsync(pending, cancellationToken);
        return await pending.Saved.Task.WaitAsync(cancellationToken);
    }

    // Content without a send's dictionary (an ingested document, a single PDF, a send's only message). Pooled
    // compressors serve contents up to PooledBytes, whose tables stay small; a larger content gets a compressor of its
    // own.
    private byte[] Compress(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length <= PooledBytes)
        {
            return _compressors.Compress(bytes);
        }

        using var own = new Compressor(CompressionLevel);
        return own.Wrap(bytes).ToArray();
    }

    // Called once for each service it is registered as.
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _pending.Writer.TryComplete();
        _stopping.Cancel();
        try
        {
            _writer.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The writer was stopped; its waiting callers were told.
        }

        _stopping.Dispose();
        _dictionaries.Dispose();
        _compressors.Dispose();
    }

    private async Task WriteAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _pending.Reader.WaitToReadAsync(_stopping.Token))
        {
            batch.Clear();
            await GatherAsync(batch);
            foreach (var team in batch.GroupBy(p => p.Message.TeamId))
            {
                var items = team.ToList();
                try
                {
                    var entries = await SaveAsync(team.Key, items, _stopping.Token);
                    for (var i = 0; i < items.Count; i++)
                    {
                        items[i].Saved.TrySetResult(entries[i]);
                    }
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    foreach (var item in items)
                    {
                        item.Saved.TrySetException(e);
                    }
                }
            }
        }
    }

    // Messages come one at a time while a send is being made. The writer takes them while they keep coming (each
    // within Gap of the last), up to Gather of them or for Linger at most, so that one pack and one transaction serve
    // many (a pack and a transaction cost about the same for one entry as for a hundred). Only while every message is
    // one of many (ArchivedMessage.OneOfMany): a caller waiting for its one message is not kept waiting for others.
    private async Task GatherAsync(List<Pending> batch)
    {
        var started = Stopwatch.GetTimestamp();
        var oneOfMany = true;
        while (true)
        {
            while (batch.Count < MaxBatch && _pending.Reader.TryRead(out var next))
            {
                batch.Add(next);
                oneOfMany &= next.Message.OneOfMany;
            }

            if (!oneOfMany || batch.Count >= Gather || Stopwatch.GetElapsedTime(started) >= Linger)
            {
                return;
            }

            using var gap = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            gap.CancelAfter(Gap);
            try
            {
                if (!await _pending.Reader.WaitToReadAsync(gap.Token))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task<List<ArchiveEntry>> SaveAsync(
        Guid teamId, List<Pending> items, CancellationToken cancellationToken)
    {
        var pack = new MemoryStream(items.Sum(i => i.Frame.Length));
        var offsets = new long[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            offsets[i] = pack.Position;
            pack.Write(items[i].Frame);
        }

        // The pack goes to disk (its fsync) while the entries are made; the transaction commits once it is there.
        var blobHash = Convert.ToHexStringLower(SHA256.HashData(pack.GetBuffer().AsSpan(0, (int)pack.Length)));
        var stored = Task.Run(() => PutPackAsync(pack, blobHash, cancellationToken), cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            await using var scope = _scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().EnterTeam(teamId);
            var db = scope.ServiceProvider.GetRequiredService<AppDb>();
            var now = ArchiveLeaf.WholeMilliseconds(_time.GetUtcNow().UtcDateTime);
            var entries = items.Select((item, i) => new ArchiveEntry
            {
                // Ids in the order of time, from the same clock as CreatedAt: a time range is a range of ids.
                Id = Guid.CreateVersion7(new DateTimeOffset(now)),
                TeamId = teamId,
                Channel = item.Message.Channel,
                SendId = item.Message.SendId,
                MessageId = item.Message.MessageId,
                Recipient = item.Message.Recipient,
                CampaignId = NullIfEmpty(item.Message.CampaignId),
                CommunicationId = NullIfEmpty(item.Message.CommunicationId),
                CommunicationVersion = item.Message.CommunicationVersion,
                RecordUuid = item.Message.RecordUuid,
                CreatedAt = now,
                ContentType = item.Message.ContentType ?? ContentTypeOf(item.Message.Channel),
                Size = item.Size,
                Sha256 = item.Sha256,
                Metadata = item.Metadata,
                BlobHash = blobHash,
                BlobOffset = offsets[i],
                BlobLength = item.Frame.Length,
                DictionaryHash = item.DictionaryHash,
                RetainUntil = item.Policy.RetainUntil(now),
                LeafHash = [],
            }).ToList();
            try
            {
                long size;
                using (await scope.ServiceProvider.GetRequiredService<WriteTurns>()
                    .TakeAsync(WriteTurns.Side.Delivery, cancellationToken))
                {
                    size = await AppendAsync(db, teamId, entries, items, stored, cancellationToken);
                }

                await TableStatistics.RefreshArchiveAsync(db, size - entries.Count, size, cancellationToken);
                return entries;
            }
            catch (Exception e) when (attempt < MaxAttempts && (e is DbUpdateConcurrencyException
                || (e is DbUpdateException update && update.IsUniqueViolation())
                || (e is DbException raw && raw.IsUniqueViolation())))
            {
                // Another server appended to this team's log first.
            }
        }
    }

    private async Task PutPackAsync(MemoryStream pack, string hash, CancellationToken cancellationToken)
    {
        pack.Position = 0;
        var stored = await _blobs.PutAsync(pack, pack.Length, cancellationToken);
        if (stored is not BlobPutResult.Stored { Hash: var put } || put != hash)
        {
            throw new InvalidOperationException($"The blob store kept an archive pack as {stored}, not as {hash}.");
        }
    }

    // The rows go in below EF Core's change tracking (three or so per entry); the log row, whose size is the
    // concurrency token, through it, in the same transaction, which commits once the pack is stored: no entry
    // names content that is not on disk.
    // The log's new size.
    private static async Task<long> AppendAsync(AppDb db, Guid teamId, List<ArchiveEntry> entries,
        List<Pending> items, Task packStored, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var texts = new List<(ArchiveEntry, string)>();
        var fields = new List<ArchiveField>();
        var textKey = items.Any(i => i.Text is not null) ? await ArchiveText.NextKeyAsync(db, cancellationToken) : null;
        for (var i = 0; i < entries.Count; i++)
        {
            if (items[i].Text is { } text)
            {
                entries[i].TextKey = textKey++;
                texts.Add((entries[i], text));
            }

            fields.AddRange(items[i].Fields.Select(f => new ArchiveField
            {
                TeamId = teamId, EntryId = entries[i].Id, Name = f.Name, Value = f.Value,
            }));
        }

        var log = await db.ArchiveLogs.FirstOrDefaultAsync(cancellationToken);
        var size = log?.Size ?? 0;
        var end = size + entries.Count;

        // The complete subtrees the log ends with: every left sibling the batch's leaves join, and every node of the
        // new root, is one of them or a node the batch makes (a subtree of the new size that ends within the old one
        // is also one of the old size's).
        var nodes = await ArchiveNodes.LoadAsync(
            db, [.. MerkleTree.RootNodes(size), .. MerkleTree.AppendNodes(size)], cancellationToken);
        var made = new List<ArchiveNode>(entries.Count * 2);
        foreach (var entry in entries)
        {
            entry.LeafIndex = size;
            entry.LeafHash = MerkleTree.LeafHash(ArchiveLeaf.Bytes(entry));
            foreach (var (node, hash) in MerkleTree.Append(size, entry.LeafHash, n => nodes[n]))
            {
                nodes[node] = hash;
                made.Add(new ArchiveNode { TeamId = teamId, Level = node.Level, Index = node.Index, Hash = hash });
            }

            size++;
        }

        await BulkWriter.InsertAsync(db, entries, null, cancellationToken);
        await BulkWriter.InsertAsync(db, made, null, cancellationToken);
        await BulkWriter.InsertAsync(db, fields, null, cancellationToken);
        await ArchiveText.AddAsync(db, texts, cancellationToken);
        var root = MerkleTree.Root(end, n => nodes[n]);
        var updatedAt = entries[0].CreatedAt;
        if (log is null)
        {
            db.ArchiveLogs.Add(new ArchiveLog { Size = end, Root = root, UpdatedAt = updatedAt });
        }
        else
        {
            log.Size = end;
            log.Root = root;
            log.UpdatedAt = updatedAt;
        }

        if (entries.Where(e => e.RetainUntil is not null).Min(e => e.RetainUntil) is { } due)
        {
            await db.EnqueueOnceAsync(ArchivePurge.JobKind, ArchivePurge.JobKey(teamId), due,
                cancellationToken: cancellationToken);
        }

        db.AttachBlob(entries[0].BlobHash, BlobHolder.Archive, entries[0].Id);
        foreach (var used in entries.Where(e => e.DictionaryHash is not null).DistinctBy(e => e.DictionaryHash))
        {
            db.AttachBlob(used.DictionaryHash!, BlobHolder.Archive, used.Id);
        }

        await db.SaveChangesAsync(cancellationToken);
        await packStored;
        await transaction.CommitAsync(cancellationToken);
        return end;
    }

    private static string ContentTypeOf(Channel channel) => channel switch
    {
        Channel.Email => "message/rfc822",
        Channel.Document => "application/pdf",
        // What a push message's recipient decrypts: its payload's JSON.
        Channel.Push => "application/json",
        _ => "application/octet-stream",
    };

    private static Guid? NullIfEmpty(Guid? id) => id == Guid.Empty ? null : id;

    private sealed record Pending(ArchivedMessage Message, string Sha256, long Size, byte[] Frame,
        string? DictionaryHash, ArchivePolicy Policy, string? Metadata, List<(string Name, string Value)> Fields,
        string? Text)
    {
        public TaskCompletionSource<ArchiveEntry> Saved { get; } =
            new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
