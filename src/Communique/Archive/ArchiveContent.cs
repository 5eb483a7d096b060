using System.Collections.Concurrent;
using Communique.Assets.Storage;
using ZstdSharp;

namespace Communique.Archive;

// Reads entries' contents back: each one's zstd frame out of its pack, decompressed (with its send's dictionary,
// which is kept in memory for the next entry of the same send). One reader reading many entries in leaf order keeps
// the pack it is in and a decompressor per dictionary, as the entries of a pack follow each other: a pack of up to
// WholePackBytes is read whole, once, and a larger one is kept open. With wholePacks false, only the frames asked
// for are read.
internal sealed class ArchiveContent(IBlobStore blobs, bool wholePacks = true) : IAsyncDisposable
{
    private const int MaxDictionaries = 64;
    private const int WholePackBytes = 4 << 20;
    private static readonly ConcurrentDictionary<string, byte[]> Dictionaries = new();

    private readonly Dictionary<string, Decompressor> _decompressors = [];
    private Decompressor? _plain;
    private string? _packHash;
    private Stream? _pack;
    private byte[]? _packBytes;

    // The content, or null when it was purged or its pack (or dictionary) is missing or shorter than the entry says.
    // ZstdException when the frame is not a zstd frame.
    public static async Task<byte[]?> ReadAsync(
        IBlobStore blobs, ArchiveEntry entry, CancellationToken cancellationToken)
    {
        // One entry: only its frame is read.
        await using var reader = new ArchiveContent(blobs, wholePacks: false);
        return await reader.ReadAsync(entry, cancellationToken);
    }

    public async Task<byte[]?> ReadAsync(ArchiveEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.IsPurged || entry.BlobHash.Length == 0)
        {
            return null;
        }

        var decompressor = await DecompressorAsync(entry.DictionaryHash, cancellationToken);
        if (decompressor is null)
        {
            return null;
        }

        if (_packHash != entry.BlobHash)
        {
            if (_pack is not null)
            {
                await _pack.DisposeAsync();
            }

            _pack = await blobs.OpenReadAsync(entry.BlobHash, cancellationToken);
            _packHash = entry.BlobHash;
            _packBytes = null;
            if (wholePacks && _pack is { Length: <= WholePackBytes })
            {
                _packBytes = new byte[_pack.Length];
                await _pack.ReadExactlyAsync(_packBytes, cancellationToken);
            }
        }

        if (_pack is null || (_packBytes?.Length ?? _pack.Length) < entry.BlobOffset + entry.BlobLength)
        {
            return null;
        }

        var length = checked((int)entry.BlobLength);
        byte[] frame;
        int offset;
        if (_packBytes is not null)
        {
            (frame, offset) = (_packBytes, (int)entry.BlobOffset);
        }
        else
        {
            _pack.Position = entry.BlobOffset;
            (frame, offset) = (new byte[length], 0);
            await _pack.ReadExactlyAsync(frame, cancellationToken);
        }

        // Read bounded by the entry's size: content longer than it is cut one byte past it (so it does not match).
        var content = new byte[checked((int)entry.Size + 1)];
        return decompressor.TryUnwrap(frame.AsSpan(offset, length), content, out var written)
            ? content[..written]
            : content;
    }

    public async ValueTask DisposeAsync()
    {
        if (_pack is not null)
        {
            await _pack.DisposeAsync();
        }

        _plain?.Dispose();
        foreach (var decompressor in _decompressors.Values)
        {
            decompressor.Dispose();
        }
    }

    // A decompressor with the dictionary loaded, or null when the dictionary is missing.
    private async Task<Decompressor?> DecompressorAsync(string? hash, CancellationToken cancellationToken)
    {
        if (hash is null)
        {
            return _plain ??= new Decompressor();
        }

        if (_decompressors.TryGetValue(hash, out var loaded))
        {
            return loaded;
        }

        if (!Dictionaries.TryGetValue(hash, out var dictionary))
        {
            dictionary = await ReadAllAsync(hash, SendDictionaries.MaxBytes, cancellationToken);
            if (dictionary is null)
            {
                return null;
            }

            if (Dictionaries.Count >= MaxDictionaries)
            {
                Dictionaries.Clear();
            }

            Dictionaries[hash] = dictionary;
        }

        var decompressor = new Decompressor();
        decompressor.LoadDictionary(dictionary);
        if (_decompressors.Count >= MaxDictionaries)
        {
            foreach (var old in _decompressors.Values)
            {
                old.Dispose();
            }

            _decompressors.Clear();
        }

        _decompressors[hash] = decompressor;
        return decompressor;
    }

    private async Task<byte[]?> ReadAllAsync(string hash, int maxBytes, CancellationToken cancellationToken)
    {
        await using var stream = await blobs.OpenReadAsync(hash, cancellationToken);
        if (stream is null || stream.Length > maxBytes)
        {
            return null;
        }

        var bytes = new byte[stream.Length];
        await stream.ReadExactlyAsync(bytes, cancellationToken);
        return bytes;
    }
}
