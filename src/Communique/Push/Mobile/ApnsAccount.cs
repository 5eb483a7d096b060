using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Communique.Push.Mobile;

// A team's token-based APNs credentials: the Apple Developer team id, the id of an APNs auth key and that key (the
// .p8 file, a PKCS#8 P-256 private key), the app's bundle id (every message's apns-topic) and its environment. The key
// stays as its PKCS#8 bytes and ToString never shows it. Validation happens once, here, so a send never meets a
// malformed account.
public sealed class ApnsAccount
{
    private const string P256 = "1.2.840.10045.3.1.7";

    private ApnsAccount(string teamId, string keyId, byte[] privateKey, string bundleId, ApnsEnvironment environment)
    {
        TeamId = teamId;
        KeyId = keyId;
        PrivateKey = privateKey;
        BundleId = bundleId;
        Environment = environment;
        // The provider token depends on the team, the key id and the key; not on the app or the environment.
        CacheKey = string.Join('\n', teamId, keyId, Convert.ToBase64String(SHA256.HashData(privateKey)));
    }

    public string TeamId { get; }

    public string KeyId { get; }

    public string BundleId { get; }

    public ApnsEnvironment Environment { get; }

    internal byte[] PrivateKey { get; }

    internal string CacheKey { get; }

    public override string ToString() => $"{BundleId} (team {TeamId}, key {KeyId}, {Environment})";

    // The account, or an error that names the field at fault (and never quotes the key). The environment is
    // "production" or "sandbox".
    public static bool TryParse(string teamId, string keyId, string privateKey, string bundleId, string environment,
        [NotNullWhen(true)] out ApnsAccount? account, out string error)
    {
        account = null;
        ApnsEnvironment parsedEnvironment = default;
        byte[]? key = null;
        teamId = teamId?.Trim() ?? "";
        keyId = keyId?.Trim() ?? "";
        bundleId = bundleId?.Trim() ?? "";
        var problem = (IsAppleId(teamId) ? null : "teamId must be the 10-character Apple Developer team id.")
            ?? (IsAppleId(keyId) ? null : "keyId must be the 10-character id of the APNs auth key.")
            ?? KeyError(privateKey, out key)
            ?? (IsBundleId(bundleId) ? null : "bundleId must be the app's bundle id (for example com.example.app).")
            ?? EnvironmentError(environment, out parsedEnvironment);
        error = problem ?? "";
        if (problem is not null)
        {
            return false;
        }

        account = new ApnsAccount(teamId, keyId, key!, bundleId, parsedEnvironment);
        return true;
    }

    private static bool IsAppleId(string value) =>
        value.Length == 10 && value.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c));

    // Reverse-DNS labels; it becomes a header value, so nothing else may pass.
    private static bool IsBundleId(string value) =>
        value.Length is > 0 and <= 255 && value.Contains('.', StringComparison.Ordinal)
        && value.Split('.').All(label => label.Length > 0
            && label.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));

    private static string? EnvironmentError(string environment, out ApnsEnvironment parsed)
    {
        parsed = ApnsEnvironment.Production;
        switch (environment?.Trim())
        {
            case "production":
                return null;
            case "sandbox":
                parsed = ApnsEnvironment.Sandbox;
                return null;
            default:
                return "environment must be \"production\" or \"sandbox\".";
        }
    }

    private static string? KeyError(string pem, out byte[]? privateKey)
    {
        privateKey = null;
        if (string.IsNullOrWhiteSpace(pem) || !PemEncoding.TryFind(pem, out var fields)
            || pem[fields.Label] is not "PRIVATE KEY")
        {
            return "privateKey must be the .p8 file's PEM \"PRIVATE KEY\" (PKCS#8) block.";
        }

        var der = Convert.FromBase64String(pem[fields.Base64Data].ToString());
        try
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportPkcs8PrivateKey(der, out _);
            if (ecdsa.ExportParameters(false).Curve.Oid.Value != P256)
            {
                return "privateKey must be a P-256 key, as APNs auth keys are.";
            }
        }
        catch (CryptographicException)
        {
            return "privateKey must be an elliptic-curve (P-256) private key, as APNs auth keys are.";
        }

        privateKey = der;
        return null;
    }
}
