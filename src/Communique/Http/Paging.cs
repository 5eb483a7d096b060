using System.Buffers.Text;

namespace Communique.Http;

// Keyset paging on version-7 ids: the cursor is the last id seen, opaque to callers.
public static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static bool TryRead(int? limit, string? cursor, out int take, out Guid? after, out string? error)
    {
        take = limit ?? DefaultLimit;
        after = null;
        error = null;
        if (take is < 1 or > MaxLimit)
        {
            error = $"limit must be between 1 and {MaxLimit}.";
            return false;
        }

        if (string.IsNullOrEmpty(cursor))
        {
            return true;
        }

        Span<byte> bytes = stackalloc byte[16];
        if (cursor.Length == 22 && Base64Url.IsValid(cursor)
            && Base64Url.TryDecodeFromChars(cursor, bytes, out var written) && written == 16)
        {
            after = new Guid(bytes, bigEndian: true);
            return true;
        }

        error = "cursor is not one this server issued.";
        return false;
    }

    public static Page<T> Build<T>(List<T> rows, int take, Func<T, Guid> id)
    {
        if (rows.Count <= take)
        {
            return new Page<T>(rows, null);
        }

        rows.RemoveAt(rows.Count - 1);
        Span<byte> bytes = stackalloc byte[16];
        id(rows[^1]).TryWriteBytes(bytes, bigEndian: true, out _);
        return new Page<T>(rows, Base64Url.EncodeToString(bytes));
    }
}
