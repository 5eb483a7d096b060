namespace Communique.Assets.Storage;

// A blob's name: the SHA-256 of its bytes as 64 lowercase hex digits. Nothing else is accepted,
// so a hash can never name a path outside the store ("../", "/", "\", dots, upper-case aliases).
public static class BlobHash
{
    public const int Length = 64;

    public static bool IsValid(string? hash)
    {
        if (hash is null || hash.Length != Length)
        {
            return false;
        }

        foreach (var c in hash)
        {
            if (c is not (>= '0' and <= '9') and not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }

    public static void ThrowIfInvalid(string hash)
    {
        if (!IsValid(hash))
        {
            throw new ArgumentException("A blob hash is 64 lowercase hexadecimal digits (SHA-256).", nameof(hash));
        }
    }
}
