using System.Globalization;
using System.Text.RegularExpressions;
using Communique.Tenancy;

namespace Communique.Email.Dkim;

// A team's signing key for one domain: every message from an address at the domain is signed with it. The private key
// is sealed with the installation's master key; the public key is what the DNS record publishes.
public sealed partial class DkimKey : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }

    // Lower case, ASCII (an international domain in its xn-- form).
    public required string Domain { get; set; }
    public required string Selector { get; set; }
    public DkimAlgorithm Algorithm { get; set; }

    // PKCS #8 for RSA, the 32-byte seed for Ed25519; sealed.
    public required byte[] SealedPrivateKey { get; set; }

    // The p= value of the DNS record: SubjectPublicKeyInfo for RSA, the raw 32-byte key for Ed25519 (RFC 8463); base64.
    public required string PublicKey { get; set; }
    public DateTime CreatedAt { get; set; }

    public string RecordName => $"{Selector}._domainkey.{Domain}";

    public string RecordValue => $"v=DKIM1; k={(Algorithm == DkimAlgorithm.Rsa ? "rsa" : "ed25519")}; p={PublicKey}";

    // Lower case and ASCII: an international name becomes its xn-- form, as DNS and the d= tag carry it.
    public static string? NormalizeDomain(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 253)
        {
            return null;
        }

        try
        {
            var ascii = new IdnMapping().GetAscii(text.Trim().TrimEnd('.')).ToLowerInvariant();
            return ascii.Contains('.', StringComparison.Ordinal) && ascii.Split('.').All(l => LabelPattern().IsMatch(l))
                ? ascii
                : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex LabelPattern();
}
