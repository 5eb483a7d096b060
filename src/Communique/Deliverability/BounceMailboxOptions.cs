using System.ComponentModel.DataAnnotations;
using Communique.Email;

namespace Communique.Deliverability;

// The installation's bounce mailbox, read over IMAP (optional; off while Host is empty). Mail:ReturnPath and
// Mail:UnsubscribeAddress name addresses delivered into it.
public sealed class BounceMailboxOptions
{
    public const string Section = "Mail:BounceMailbox";

    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 993;

    // The same modes as a relay's: Auto is TLS on connect at port 993, STARTTLS when offered elsewhere.
    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;

    public string? UserName { get; set; }

    public string? Password { get; set; }

    [Required]
    public string Folder { get; set; } = "INBOX";

    [Range(0.1, 86400)]
    public double PollSeconds { get; set; } = 60;

    [Range(1, 600)]
    public int TimeoutSeconds { get; set; } = 60;

    // Messages read per poll; the rest wait for the next one.
    [Range(1, 10000)]
    public int MaxPerPoll { get; set; } = 500;

    // Messages that were acted on are deleted unless this is set; then they are only marked \Seen.
    public bool KeepProcessed { get; set; }

    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(Host))]
    public bool Enabled => !string.IsNullOrWhiteSpace(Host);
}
