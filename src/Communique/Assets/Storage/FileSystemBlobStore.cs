using System.Buffers;
using System.Security.Cryptography;
using Communique.Data;

namespace Communique.Assets.Storage;

// Blobs live at <root>/ab/cd/<hash>. A put writes <root>/tmp/<random>.part first and renames it
// into place, so a reader never sees a half-written blob and a crash leaves at most a stray .part.
// Files and folders are the server's own (PrivateFiles).
public sealed class FileSystemBlobStore : IBlobStore
{
    private const int BufferSize = 81_920;

    private readonly string _root;
    private readonly string _temp;

    public FileSystemBlobStore(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        _root = Path.GetFullPath(root);
        // Same filesystem as the blobs, so the final move is a rename rather than a copy.
        _temp = Path.Combine(_root, "tmp");
    }

    public async Task<BlobPutResult> PutAsync(Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);

        PrivateFiles.CreateFolder(_temp);
        var temp = Path.Combine(_temp, $"{Guid.NewGuid():N}.part");
        var moved = false;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long length = 0;
            var create = PrivateFiles.NewFile(FileMode.CreateNew, options: FileOptions.Asynchronous);
            await using (var file = new FileStream(temp, create))
            {
                int read;
                while ((read = await content.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
                {
                    length += read;
                    if (length > maxBytes)
                    {
                        return new BlobPutResult.TooLarge(maxBytes);
                    }

                    sha256.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }

                // The rename below may reach the disk before the data does; a blob that survives a
                // power cut must not be a hole of zeros.
                file.Flush(flushToDisk: true);
            }

            var hash = Convert.ToHexStringLower(sha256.GetHashAndReset());
            var target = PathFor(hash);
            // Put again: the sweep's grace starts anew, so the holder about to name it finds it there.
            if (!Touched(target))
            {
                PrivateFiles.CreateFolder(Path.GetDirectoryName(target)!);
                try
                {
                    // A concurrent put of the same bytes may get there first. Depending on the
                    // filesystem the move then fails, or renames over it: rename is atomic and the
                    // bytes are identical, so readers see the whole blob either way.
                    File.Move(temp, target, overwrite: false);
                    moved = true;
                }
                catch (IOException) when (File.Exists(target))
                {
                }
            }

            return new BlobPutResult.Stored(hash, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (!moved)
            {
                File.Delete(temp);
            }
        }
    }

    public Task<Stream?> OpenReadAsync(string hash, CancellationToken cancellationToken)
    {
        var path = PathFor(hash);
        try
        {
            // FileShare.Delete: a download in progress must not stop the blob from being deleted.
            Stream stream = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.Read | FileShare.Delete,
                Options = FileOptions.Asynchronous,
            });
            return Task.FromResult<Stream?>(stream);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public Task<bool> ExistsAsync(string hash, CancellationToken cancellationToken) =>
        Task.FromResult(File.Exists(PathFor(hash)));

    public Task DeleteAsync(string hash, CancellationToken cancellationToken)
    {
        // The ab/cd folders stay: removing one could race a put that has just created it.
        var path = PathFor(hash);
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            // Nothing was ever stored under this prefix.
        }

        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<(string Hash, DateTime PutAt)> ListAsync(
        DateTime leftoversBefore, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken
            cancellationToken)
    {
        if (Directory.Exists(_temp))
        {
            foreach (var part in Directory.EnumerateFiles(_temp, "*.part"))
            {
                if (File.GetLastWriteTimeUtc(part) < leftoversBefore)
                {
                    File.Delete(part);
                }
            }
        }

        if (!Directory.Exists(_root))
        {
            yield break;
        }

        foreach (var file in Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var hash = Path.GetFileName(file);
            if (BlobHash.IsValid(hash) && file == PathFor(hash))
            {
                yield return (hash, File.GetLastWriteTimeUtc(file));
            }
        }

        await Task.CompletedTask;
    }

    public Task DeleteIfPutBeforeAsync(string hash, DateTime before, CancellationToken cancellationToken)
    {
        var path = PathFor(hash);
        if (File.Exists(path) && File.GetLastWriteTimeUtc(path) < before)
        {
            File.Delete(path);
        }

        return Task.CompletedTask;
    }

    // Whether the blob is there, its time made now.
    private static bool Touched(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        try
        {
            // A file's times are the system clock's, whatever clock the server is given.
            File.SetLastWriteTimeUtc(path, TimeProvider.System.GetUtcNow().UtcDateTime);
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
    }

    private string PathFor(string hash)
    {
        BlobHash.ThrowIfInvalid(hash);
        return Path.Combine(_root, hash[..2], hash[2..4], hash);
    }
}
