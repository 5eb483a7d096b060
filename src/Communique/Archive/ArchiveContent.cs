using Communique.Assets.Storage;
using ZstdSharp;

namespace Communique.Archive;

// Reads an entry's content back: its zstd frame out of its pack, decompressed.
internal static class ArchiveContent
{
    // The content, or null when its pack is missing or shorter than the entry says. ZstdException when the frame is
    // not a zstd frame.
    public static async Task<byte[]?> ReadAsync(
        IBlobStore blobs, ArchiveEntry entry, CancellationToken cancellationToken)
    {
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
        return decompressor.TryUnwrap(frame, content, out var written) ? content[..written] : content;
    }
}
