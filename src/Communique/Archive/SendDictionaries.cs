using System.Collections.Concurrent;
using Communique.Assets.Storage;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace Communique.Archive;

// The zstd dictionary of each send being archived: the first message of the send, whole (up to MaxBytes), as a raw
// content dictionary. The messages of one send differ in a few fields, so each is compressed to little more than
// its differences. The dictionary is stored once as a blob (entries name it) before any message uses it. A few
// hundred sends at a time are kept; a send whose dictionary was dropped gets it back from its next message's store.
internal sealed class SendDictionaries(IBlobStore blobs) : IDisposable
{
    public const int MaxBytes = 112 * 1024;
    private const int MaxSends = 256;
    private const int CompressionLevel = 1;

    // ZSTD_c_forceAttachDict: each message is matched against the dictionary's tables where they are, rather than
    // having them copied into its compressor first (zstd copies them for inputs over a few kilobytes).
    private const ZSTD_cParameter ForceAttachDictionary = ZSTD_cParameter.ZSTD_c_experimentalParam4;

    private readonly ConcurrentDictionary<(Guid Team, Guid Send), Lazy<Task<SendDictionary>>> _sends = new();

    public async Task<SendDictionary> ForAsync(
        Guid teamId, Guid sendId, ReadOnlyMemory<byte> first, CancellationToken cancellationToken)
    {
        if (!_sends.TryGetValue((teamId, sendId), out var made))
        {
            // Counting takes every lock of the map: only when a send is new.
            if (_sends.Count >= MaxSends)
            {
                Clear();
            }

            var bytes = first[..Math.Min(first.Length, MaxBytes)].ToArray();
            made = _sends.GetOrAdd((teamId, sendId), new Lazy<Task<SendDictionary>>(() => StoreAsync(bytes)));
        }

        try
        {
            return await made.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            _sends.TryRemove(new KeyValuePair<(Guid, Guid), Lazy<Task<SendDictionary>>>((teamId, sendId), made));
            throw;
        }
    }

    public void Dispose() => Clear();

    private async Task<SendDictionary> StoreAsync(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        var stored = await blobs.PutAsync(stream, bytes.Length, CancellationToken.None);
        return new SendDictionary(((BlobPutResult.Stored)stored).Hash, bytes);
    }

    private void Clear()
    {
        foreach (var key in _sends.Keys)
        {
            if (_sends.TryRemove(key, out var removed) && removed.IsValueCreated
                && removed.Value.IsCompletedSuccessfully)
            {
                removed.Value.Result.Dispose();
            }
        }
    }

    // One send's dictionary and the compressors that have it loaded.
    internal sealed class SendDictionary(string hash, byte[] bytes) : IDisposable
    {
        private readonly CompressorPool _compressors = new(() =>
        {
            var compressor = new Compressor(CompressionLevel);
            compressor.SetParameter(ForceAttachDictionary, 1);
            compressor.LoadDictionary(bytes);
            return compressor;
        });

        public string Hash { get; } = hash;

        public byte[] Compress(ReadOnlySpan<byte> content) => _compressors.Compress(content);

        public void Dispose() => _compressors.Dispose();
    }
}
