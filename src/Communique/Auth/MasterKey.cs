using System.Security.Cryptography;
using System.Text;
using Communique.Data;
using Microsoft.Extensions.Options;

namespace Communique.Auth;

// The root secret of an installation. Client secrets are hashed and signing keys sealed with keys derived from it,
// so a copy of the database alone reveals neither.
public sealed class MasterKey
{
    private readonly byte[] _root;
    private readonly byte[] _secretHashKey;
    private readonly byte[] _sealKey;

    public MasterKey(IOptions<AuthOptions> auth, IOptions<StorageOptions> storage)
    {
        var root = Load(auth.Value.MasterKey, storage.Value.DataDirectory);
        _root = root;
        _secretHashKey = HKDF.DeriveKey(
            HashAlgorithmName.SHA256, root, 32, info: "communique client secret"u8.ToArray());
        _sealKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, root, 32, info: "communique signing key seal"u8.ToArray());
    }

    // A key of its own for one purpose (e.g. "communique tracking tokens"), the same on every node of an installation.
    public byte[] Derive(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _root, 32, info: Encoding.UTF8.GetBytes(purpose));

    public byte[] HashSecret(string secret) => HMACSHA256.HashData(_secretHashKey, Encoding.UTF8.GetBytes(secret));

    public bool SecretMatches(string secret, byte[] hash) =>
        CryptographicOperations.FixedTimeEquals(HashSecret(secret), hash);

    public byte[] Seal(byte[] plain)
    {
        var sealedBytes = new byte[12 + 16 + plain.Length];
        var nonce = sealedBytes.AsSpan(0, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_sealKey, 16);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(28), sealedBytes.AsSpan(12, 16));
        return sealedBytes;
    }

    public byte[] Unseal(byte[] sealedBytes)
    {
        var plain = new byte[sealedBytes.Length - 28];
        using var aes = new AesGcm(_sealKey, 16);
        aes.Decrypt(sealedBytes.AsSpan(0, 12), sealedBytes.AsSpan(28), sealedBytes.AsSpan(12, 16), plain);
        return plain;
    }

    private static byte[] Load(string? configured, string dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var bytes = Convert.FromBase64String(configured);
            return bytes.Length >= 32 ? bytes : throw new OptionsValidationException(
                AuthOptions.Section, typeof(AuthOptions), ["Auth:MasterKey must be base64 of at least 32 bytes."]);
        }

        var path = Path.Combine(dataDirectory, "master.key");
        if (!File.Exists(path))
        {
            Data.PrivateFiles.CreateFolder(dataDirectory);
            var fresh = RandomNumberGenerator.GetBytes(32);
            try
            {
                using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(file.SafeFileHandle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }

                file.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(fresh)));
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process of this installation created it first; use theirs.
            }
        }

        return Convert.FromBase64String(File.ReadAllText(path).Trim());
    }
}
