namespace Communique.Auth;

public sealed class SigningKey
{
    public required string Id { get; set; }
    public required string Algorithm { get; set; }

    // PKCS#8 private key sealed with a key derived from the master key (AES-GCM).
    public required byte[] SealedPrivateKey { get; set; }
    public required byte[] PublicKey { get; set; }
    public DateTime CreatedAt { get; set; }

    // Set when a newer key takes over signing; the key still validates until tokens it signed expire.
    public DateTime? RetiredAt { get; set; }
}
