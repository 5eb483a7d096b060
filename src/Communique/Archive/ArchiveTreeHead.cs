using System.Globalization;
using System.Text;
using Communique.Tenancy;

namespace Communique.Archive;

// A signed statement of a team's log at one size: its root, when it was signed and with which key. Kept, so that any
// two heads a customer holds can be proven consistent.
public sealed class ArchiveTreeHead : ITeamOwned
{
    public const string Format = "communique-archive-tree-head-1";

    public Guid TeamId { get; set; }
    public long Size { get; set; }
    public required byte[] Root { get; set; }
    public DateTime SignedAt { get; set; }
    public required string KeyId { get; set; }
    public required byte[] Signature { get; set; }

    // What the signature is over: the format's name, the team, the size, the root in hex and the time (whole
    // milliseconds), each followed by a line feed, in UTF-8 (docs/archive.md).
    public byte[] Statement() => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
        $"{Format}\n{TeamId:D}\n{Size}\n{Convert.ToHexStringLower(Root)}\n{SignedAt:yyyy-MM-ddTHH:mm:ss.fffZ}\n"));
}
