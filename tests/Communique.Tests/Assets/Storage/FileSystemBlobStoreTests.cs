using System.Security.Cryptography;
using Communique.Assets.Storage;

namespace Communique.Tests.Assets.Storage;

public sealed class FileSystemBlobStoreTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("communique-blobs-");
    private readonly FileSystemBlobStore _store;

    public FileSystemBlobStoreTests() => _store = new FileSystemBlobStore(_root.FullName);

    public void Dispose() => _root.Delete(recursive: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] Bytes(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private string[] FilesUnderRoot() => Directory.GetFiles(_root.FullName, "*", SearchOption.AllDirectories);

    private async Task<BlobPutResult.Stored> PutAsync(byte[] bytes, long maxBytes = long.MaxValue)
    {
        using var content = new MemoryStream(bytes);
        return Assert.IsType<BlobPutResult.Stored>(await _store.PutAsync(content, maxBytes, Ct));
    }

    [Fact]
    public async Task Storing_the_same_bytes_twice_keeps_one_file_named_by_its_sha256()
    {
        var bytes = Bytes(200_000);

        var first = await PutAsync(bytes);
        var second = await PutAsync(bytes);

        var hash = Sha256(bytes);
        Assert.Equal(new BlobPutResult.Stored(hash, bytes.Length), first);
        Assert.Equal(first, second);
        var file = Assert.Single(FilesUnderRoot());
        Assert.Equal(Path.Combine(_root.FullName, hash[..2], hash[2..4], hash), file);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(file, Ct));
    }

    [Fact]
    public async Task Different_bytes_are_stored_apart()
    {
        var a = await PutAsync(Bytes(1000, seed: 1));
        var b = await PutAsync(Bytes(1000, seed: 2));

        Assert.NotEqual(a.Hash, b.Hash);
        Assert.Equal(2, FilesUnderRoot().Length);
    }

    [Fact]
    public async Task Concurrent_puts_of_the_same_content_store_it_once()
    {
        var bytes = Bytes(1_000_000);

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => PutAsync(bytes), Ct)));

        Assert.All(results, r => Assert.Equal(new BlobPutResult.Stored(Sha256(bytes), bytes.Length), r));
        var file = Assert.Single(FilesUnderRoot());
        Assert.Equal(bytes, await File.ReadAllBytesAsync(file, Ct));
    }

    [Fact]
    public async Task Content_read_in_small_uneven_chunks_hashes_the_same()
    {
        var bytes = Bytes(100_003);

        var stored = Assert.IsType<BlobPutResult.Stored>(
            await _store.PutAsync(new TricklingStream(bytes, 7), long.MaxValue, Ct));

        Assert.Equal(Sha256(bytes), stored.Hash);
        Assert.Equal(bytes.Length, stored.Length);
    }

    [Fact]
    public async Task Content_over_the_size_limit_is_refused_and_leaves_nothing_behind()
    {
        var bytes = Bytes(300_000);

        var result = await _store.PutAsync(new TricklingStream(bytes, 65_536), maxBytes: bytes.Length - 1, Ct);

        Assert.Equal(new BlobPutResult.TooLarge(bytes.Length - 1), result);
        Assert.Empty(FilesUnderRoot());
    }

    [Fact]
    public async Task Content_of_exactly_the_size_limit_is_stored()
    {
        var bytes = Bytes(4096);

        var stored = await PutAsync(bytes, maxBytes: bytes.Length);

        Assert.Equal(bytes.Length, stored.Length);
    }

    [Fact]
    public async Task An_empty_file_is_a_blob_too()
    {
        var stored = await PutAsync([]);

        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", stored.Hash);
        Assert.Equal(0, stored.Length);
    }

    [Fact]
    public async Task A_put_cancelled_while_streaming_leaves_nothing_behind()
    {
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var content = new TricklingStream(Bytes(100_000), 1000, afterBytes: 50_000, then: cancellation.Cancel);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => _store.PutAsync(content, long.MaxValue, cancellation.Token));

        Assert.Empty(FilesUnderRoot());
    }

    [Fact]
    public async Task A_stored_blob_opens_as_a_seekable_stream_for_ranges()
    {
        var bytes = Bytes(10_000);
        var stored = await PutAsync(bytes);

        await using var stream = await _store.OpenReadAsync(stored.Hash, Ct);

        Assert.NotNull(stream);
        Assert.True(stream.CanSeek);
        Assert.Equal(bytes.Length, stream.Length);
        stream.Seek(9_000, SeekOrigin.Begin);
        var range = new byte[500];
        await stream.ReadExactlyAsync(range, Ct);
        Assert.Equal(bytes[9_000..9_500], range);
    }

    [Fact]
    public async Task A_missing_blob_opens_as_null_and_deleting_it_is_harmless()
    {
        var missing = Sha256([1, 2, 3]);

        Assert.Null(await _store.OpenReadAsync(missing, Ct));
        Assert.False(await _store.ExistsAsync(missing, Ct));
        await _store.DeleteAsync(missing, Ct);
    }

    [Fact]
    public async Task A_deleted_blob_is_gone_and_can_be_stored_again()
    {
        var bytes = Bytes(1000);
        var stored = await PutAsync(bytes);
        Assert.True(await _store.ExistsAsync(stored.Hash, Ct));

        await _store.DeleteAsync(stored.Hash, Ct);

        Assert.False(await _store.ExistsAsync(stored.Hash, Ct));
        Assert.Null(await _store.OpenReadAsync(stored.Hash, Ct));
        await PutAsync(bytes);
        Assert.True(await _store.ExistsAsync(stored.Hash, Ct));
    }

    [Theory]
    [InlineData("../../../../etc/passwd")]
    [InlineData("ab/../../../../../../../../../../../../../../../../../../../../etc")]
    [InlineData("/etc/passwd")]
    [InlineData("..")]
    [InlineData("")]
    [InlineData("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")]
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85")]
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8555")]
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85g")]
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8\\.")]
    public async Task A_hash_that_is_not_64_lowercase_hex_digits_is_rejected_by_every_call(string hash)
    {
        Assert.False(BlobHash.IsValid(hash));
        await Assert.ThrowsAsync<ArgumentException>(() => _store.OpenReadAsync(hash, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => _store.ExistsAsync(hash, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => _store.DeleteAsync(hash, Ct));
    }

    [Fact]
    public void A_relative_root_is_taken_under_the_data_directory_and_an_absolute_one_as_is()
    {
        Assert.Equal(Path.GetFullPath("data/blobs"), new BlobStoreOptions().RootUnder("data"));
        Assert.Equal("/srv/blobs", new BlobStoreOptions { Root = "/srv/blobs" }.RootUnder("data"));
    }

    // Hands out at most chunk bytes per read, like a network body; optionally acts once it has given afterBytes.
    private sealed class TricklingStream(
        byte[] bytes, int chunk, int afterBytes = int.MaxValue, Action? then = null) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_position >= afterBytes)
            {
                then?.Invoke();
            }

            var n = Math.Min(Math.Min(chunk, buffer.Length), bytes.Length - _position);
            bytes.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var n = Read(buffer.Span);
            cancellationToken.ThrowIfCancellationRequested();
            return ValueTask.FromResult(n);
        }

        public override void Flush() => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
