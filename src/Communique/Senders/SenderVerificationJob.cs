using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using Communique.Auth;
using Communique.Data;
using Communique.Email;
using Communique.Jobs;
using Communique.Sending;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Communique.Senders;

// Makes a fresh verification link for a sender address and mails it. A job, so that adding a sender never waits on a
// mail server and a relay that is down is tried again with backoff. The token exists only in the email; the database
// keeps its keyed hash.
public sealed class SenderVerificationJob(
    AppDb db, MasterKey keys, IMailTransport transport, IOptions<MailOptions> mail) : IJobHandler
{
    public const string Kind = "sender-verification";

    public sealed record Payload(Guid SenderId);

    public async Task RunAsync(JobContext job, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Deserialize<Payload>(job.Payload!, JsonSerializerOptions.Web)!;
        var sender = await db.Senders.FirstOrDefaultAsync(s => s.Id == payload.SenderId, cancellationToken);
        if (sender is null || sender.VerifiedAt is not null)
        {
            job.Result = "nothing to send: the sender is gone or already verified";
            return;
        }

        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        sender.TokenHash = keys.HashSecret(token);
        sender.TokenExpiresAt = db.Now + Sender.LinkLifetime;
        sender.LastSentAt = db.Now;
        sender.UpdatedAt = db.Now;
        await db.SaveChangesAsync(cancellationToken);

        var result = await transport.SendAsync(Message(sender.Address,
            mail.Value.Link("/public/senders/verify?token=" + token)), cancellationToken);
        switch (result.Outcome)
        {
            case DeliveryOutcome.Accepted:
                job.Result = JsonSerializer.Serialize(new { sender.Address, result.Reply }, JsonSerializerOptions.Web);
                return;
            case DeliveryOutcome.PermanentFailure:
                throw new JobFailedException(
                    $"The mail server refused the verification email for {sender.Address}: {result.Reply}");
            default:
                throw new IOException(
                    $"The verification email for {sender.Address} could not be handed over yet: {result.Reply}");
        }
    }

    private MimeMessage Message(string address, string link)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(mail.Value.SystemFrom));
        message.To.Add(MailboxAddress.Parse(address));
        message.Subject = $"Confirm {address} as a sender address";
        var text = $"""
            Someone asked to send email from {address} with Communique.

            To confirm that this is your address, open this link within 24 hours:
            {link}

            If you did not ask for this, ignore this email: nothing will be sent from your address.
            """;
        var html = $"""
            <p>Someone asked to send email from <b>{HtmlEncoder.Default.Encode(address)}</b> with Communique.</p>
            <p><a href="{HtmlEncoder.Default.Encode(link)}">Confirm this sender address</a>
            (the link works for 24 hours).</p>
            <p>If you did not ask for this, ignore this email: nothing will be sent from your address.</p>
            """;
        message.Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody();
        return message;
    }
}
