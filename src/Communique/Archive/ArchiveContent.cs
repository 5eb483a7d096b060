using System.Collections.Concurrent;
using Communique.Assets.Storage;
using ZstdSharp;

namespace Communique.Archive;

// Reads an entry's content back: its zstd frame out of its pack, decompressed (with its send's dictionary, which is
// kept in memory for the next entry of the same send).
internal static class ArchiveContent
{
    private const int MaxDictionaries = 64;
    private static readonly ConcurrentDictionary<string, byte[]> Dictionaries = new();

    // The content, or null when it was purged or its pack (or dictionary) is missing or shorter than the entry says.
    // ZstdException when the frame is not a zstd frame.
    public static async Task<byte[]?> ReadAsync(
        IBlobStore blobs, ArchiveEntry entry, CancellationToken cancellationToken)
    {
        if (entry.IsPurged || entry.BlobHash.Length == 0)
        {
            return null;
        }

        byte[]? dictionary = null;
        if (entry.DictionaryHash is { } hash && !Dictionaries.TryGetValue(hash, out dictionary))
        {
            dictionary = await ReadAllAsync(blobs, hash, SendDictionaries.MaxBytes, cancellationToken);
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

        await using var pack = await blobs.OpenReadAsync(entry.BlobHash, cancellationToken);
        if (pack is null || pack.Length < entry.BlobOffset + entry.BlobLength)
        {
            return null;
        }

        pack.Position = entry.BlobOffset;
        var frame = new byte[checked((int)entry.BlobLength)];
        await pack.ReadExactlyAsync(frame, cancellationToken);
        // Read bounded by the entry's size: content longer than it is cut one byte past it (so it does not match).
        var content = new byte[checked((int)entry.Size + 1)];
        using var decompressor = new Decompressor();
        if (dictionary is not null)
        {
            decompressor.LoadDictionary(dictionary);
        }

        return decompressor.TryUnwrap(frame, content, out var written) ? content[..written] : content;
    }

    private static async Task<byte[]?> ReadAllAsync(
        IBlobStore blobs, string hash, int maxBytes, CancellationToken cancellationToken)
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
