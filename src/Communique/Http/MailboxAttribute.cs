using System.ComponentModel.DataAnnotations;
using MimeKit;

namespace Communique.Http;

// One address as a mail header takes it, with or without a display name ("Help <help@example.com>"); what the send
// writes into its Reply-To.
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field)]
public sealed class MailboxAttribute() : ValidationAttribute("One email address.")
{
    public override bool IsValid(object? value) => value is not string text || MailboxAddress.TryParse(text, out _);
}
