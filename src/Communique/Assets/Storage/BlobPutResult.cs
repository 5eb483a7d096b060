namespace Communique.Assets.Storage;

public abstract record BlobPutResult
{
    private BlobPutResult()
    {
    }

    // Whether this put created the blob is not reported: on some filesystems two simultaneous puts
    // of new content cannot tell which of them did.
    public sealed record Stored(string Hash, long Length) : BlobPutResult;

    // Nothing was written: the content went past MaxBytes while streaming.
    public sealed record TooLarge(long MaxBytes) : BlobPutResult;
}
