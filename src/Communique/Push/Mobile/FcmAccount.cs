using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Communique.Push.Mobile;

// A team's Firebase service account, taken from the JSON key file the Google Cloud console gives. Only the fields
// the OAuth 2.0 service-account flow needs are kept; the private key stays as its PKCS#8 bytes, and ToString shows
// the account, never the key. Validation happens once, here, so a send never meets a malformed account.
public sealed class FcmAccount
{
    // RSA keys shorter than this are refused by Google and weaker than RS256 is meant for.
    private const int MinKeyBits = 2048;

    private FcmAccount(string projectId, string clientEmail, Uri tokenUri, string? privateKeyId, byte[] privateKey)
    {
        ProjectId = projectId;
        ClientEmail = clientEmail;
        TokenUri = tokenUri;
        PrivateKeyId = privateKeyId;
        PrivateKey = privateKey;
        // Two accounts with the same identity and key share an access token; a replaced key gets its own.
        CacheKey = string.Join('\n', clientEmail, tokenUri.AbsoluteUri,
            Convert.ToBase64String(SHA256.HashData(privateKey)));
    }

    public string ProjectId { get; }

    public string ClientEmail { get; }

    public Uri TokenUri { get; }

    public string? PrivateKeyId { get; }

    internal byte[] PrivateKey { get; }

    internal string CacheKey { get; }

    public override string ToString() => $"{ClientEmail} ({ProjectId})";

    // The account, or an error that names the field at fault (and never quotes the key).
    public static bool TryParse(string json, [NotNullWhen(true)] out FcmAccount? account, out string error)
    {
        account = null;
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(json);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            error = $"The service account is not JSON: {e.Message}";
            return false;
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "The service account must be a JSON object.";
            return false;
        }

        string? projectId = null, clientEmail = null;
        Uri? tokenUri = null;
        byte[]? privateKey = null;
        var problem = Field(root, "type", out var type)
            ?? (type == "service_account" ? null : "type must be \"service_account\".")
            ?? Field(root, "project_id", out projectId)
            ?? ProjectIdError(projectId)
            ?? Field(root, "client_email", out clientEmail)
            ?? (IsEmail(clientEmail) ? null : "client_email must be an email address.")
            ?? TokenUriError(root, out tokenUri)
            ?? KeyError(root, out privateKey);
        error = problem ?? "";
        if (problem is not null)
        {
            return false;
        }

        var privateKeyId = root.TryGetProperty("private_key_id", out var id) && id.ValueKind == JsonValueKind.String
            && id.GetString()!.Length > 0 ? id.GetString() : null;
        account = new FcmAccount(projectId!, clientEmail!, tokenUri!, privateKeyId, privateKey!);
        return true;
    }

    private static string? Field(JsonElement root, string name, out string value)
    {
        value = "";
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return $"{name} is missing.";
        }

        if (element.ValueKind != JsonValueKind.String || element.GetString()!.Trim().Length == 0)
        {
            return $"{name} must be a non-empty string.";
        }

        value = element.GetString()!.Trim();
        return null;
    }

    // Google's project ids are lowercase letters, digits and hyphens; older ones carry a domain ("example.com:app").
    private static string? ProjectIdError(string projectId) =>
        projectId.Length <= 100 && projectId.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)
            || c is '-' or '.' or ':')
            ? null
            : "project_id must be a Google Cloud project id (lowercase letters, digits and hyphens).";

    private static bool IsEmail(string value)
    {
        var at = value.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at < value.Length - 1 && !value.Any(char.IsWhiteSpace);
    }

    // The assertion, and with it the key's signature, goes to this address: only over TLS.
    private static string? TokenUriError(JsonElement root, out Uri? tokenUri)
    {
        tokenUri = null;
        if (Field(root, "token_uri", out var text) is { } missing)
        {
            return missing;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out tokenUri) || tokenUri.Scheme != Uri.UriSchemeHttps
            || tokenUri.UserInfo.Length > 0)
        {
            tokenUri = null;
            return "token_uri must be an https URL.";
        }

        return null;
    }

    private static string? KeyError(JsonElement root, out byte[]? privateKey)
    {
        privateKey = null;
        if (Field(root, "private_key", out var pem) is { } missing)
        {
            return missing;
        }

        if (!PemEncoding.TryFind(pem, out var fields) || pem[fields.Label] is not "PRIVATE KEY")
        {
            return "private_key must be a PEM \"PRIVATE KEY\" (PKCS#8) block.";
        }

        var der = Convert.FromBase64String(pem[fields.Base64Data].ToString());
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(der, out _);
            if (rsa.KeySize < MinKeyBits)
            {
                return $"private_key must be an RSA key of at least {MinKeyBits} bits.";
            }
        }
        catch (CryptographicException)
        {
            return "private_key must be an RSA private key (PKCS#8).";
        }

        privateKey = der;
        return null;
    }
}
