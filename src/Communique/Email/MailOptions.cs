using System.ComponentModel.DataAnnotations;

namespace Communique.Email;

// Where email goes. With no relay configured, messages are written as .eml files to the pickup folder.
public sealed class MailOptions
{
    public const string Section = "Mail";

    // Relative paths are under Storage:DataDirectory.
    [Required]
    public string PickupDirectory { get; set; } = "mail-pickup";

    // How people reach this installation: the start of every link in an email (verification, tracking, unsubscribe);
    // by default the server's own first listening address.
    [Url]
    public string? PublicBaseUrl { get; set; }

    // The server's first listening address (ServerAddress), asked for when a link is made: it is known only once the
    // server listens, after these options are read.
    internal Func<string?> ListeningAddress { get; set; } = () => null;

    // The From of the emails the product sends itself (sender verification).
    [Required]
    public string SystemFrom { get; set; } = "Communique <no-reply@localhost>";

    // The envelope sender (SMTP MAIL FROM, where mailbox providers send bounces) of every message handed to a relay;
    // by default each message's From. Point it at the bounce mailbox (Mail:BounceMailbox) to have bounces read.
    public string? ReturnPath { get; set; }

    // The List-Unsubscribe mailto: address; without it, List-Unsubscribe carries only the one-click URL. Messages to it
    // with the subject "unsubscribe <token>" unsubscribe when it is delivered into the bounce mailbox.
    public string? UnsubscribeAddress { get; set; }

    // Messages of one send rendered, signed and handed over at the same time (each on its own relay connection).
    [Range(1, 256)]
    public int SendParallelism { get; set; } = 16;

    public SendRateOptions RateLimits { get; set; } = new();

    // Tried in order; a relay that cannot be reached is skipped for the message.
    public List<SmtpRelayOptions> Relays { get; set; } = [];

    public string PickupDirectoryUnder(string dataDirectory) => Path.Combine(dataDirectory, PickupDirectory);

    public string Link(string pathAndQuery) =>
        (PublicBaseUrl ?? ListeningAddress() ?? "http://localhost:5000").TrimEnd('/') + pathAndQuery;
}
