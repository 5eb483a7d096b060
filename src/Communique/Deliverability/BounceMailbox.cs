using System.Text.RegularExpressions;
using Communique.Data;
using Communique.Email;
using Communique.Email.Compose;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Communique.Deliverability;

// Reads the unseen messages of the bounce mailbox and feeds them to the same code as the provider webhook:
// - a DSN or ARF (multipart/report) is applied like a webhook report, the team found from the original Message-ID;
// - a message whose subject is "unsubscribe <token>" (the List-Unsubscribe mailto:) unsubscribes that message's
//   recipient from the email's category.
// What was acted on is deleted (or marked \Seen with KeepProcessed); anything else — auto-replies, malformed reports,
// reports about mail we never sent, forged tokens, messages over 1 MB — is marked \Seen and left for a person. A
// database failure leaves the message unseen, to be read again at the next poll; a report read twice counts once.
public sealed partial class BounceMailbox(
    IOptions<BounceMailboxOptions> options, IServiceScopeFactory scopes, MailTokens tokens,
    ILogger<BounceMailbox> logger)
{
    public const int MaxMessageBytes = 1024 * 1024;

    private enum Outcome
    {
        Report,
        Unsubscribe,
        LeftAlone,
    }

    public async Task<MailboxPoll> PollOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            throw new InvalidOperationException("No bounce mailbox is configured (Mail:BounceMailbox:Host).");
        }

        using var client = new ImapClient { Timeout = settings.TimeoutSeconds * 1000 };
        await client.ConnectAsync(settings.Host, settings.Port, SecureSocket(settings), cancellationToken);
        if (!string.IsNullOrEmpty(settings.UserName))
        {
            await client.AuthenticateAsync(settings.UserName, settings.Password ?? "", cancellationToken);
        }

        var folder = await client.GetFolderAsync(settings.Folder, cancellationToken);
        await folder.OpenAsync(FolderAccess.ReadWrite, cancellationToken);
        var unseen = await folder.SearchAsync(SearchQuery.NotSeen, cancellationToken);
        var batch = unseen.Take(settings.MaxPerPoll).ToList();
        var summaries = batch.Count == 0
            ? []
            : await folder.FetchAsync(batch, MessageSummaryItems.UniqueId | MessageSummaryItems.Size,
                cancellationToken);

        var (reports, unsubscribes, leftAlone) = (0, 0, 0);
        var deleted = new List<UniqueId>();
        foreach (var summary in summaries)
        {
            var outcome = summary.Size > MaxMessageBytes
                ? LeftAlone(summary.UniqueId, $"it is over {MaxMessageBytes} bytes")
                : await HandleAsync(summary.UniqueId,
                    await folder.GetMessageAsync(summary.UniqueId, cancellationToken), cancellationToken);
            var delete = outcome != Outcome.LeftAlone && !settings.KeepProcessed;
            await folder.AddFlagsAsync(summary.UniqueId, delete ? MessageFlags.Seen | MessageFlags.Deleted
                : MessageFlags.Seen, true, cancellationToken);
            if (delete)
            {
                deleted.Add(summary.UniqueId);
            }

            (reports, unsubscribes, leftAlone) = outcome switch
            {
                Outcome.Report => (reports + 1, unsubscribes, leftAlone),
                Outcome.Unsubscribe => (reports, unsubscribes + 1, leftAlone),
                _ => (reports, unsubscribes, leftAlone + 1),
            };
        }

        if (deleted.Count > 0)
        {
            // Only the messages deleted here, where the server can (UIDPLUS); otherwise everything flagged \Deleted.
            if (client.Capabilities.HasFlag(ImapCapabilities.UidPlus))
            {
                await folder.ExpungeAsync(deleted, cancellationToken);
            }
            else
            {
                await folder.ExpungeAsync(cancellationToken);
            }
        }

        await client.DisconnectAsync(true, cancellationToken);
        return new MailboxPoll(summaries.Count, reports, unsubscribes, leftAlone);
    }

    private async Task<Outcome> HandleAsync(UniqueId uid, MimeMessage message, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDb>();
        if (message.Body is MultipartReport)
        {
            IReadOnlyList<ProviderReport> reports;
            try
            {
                reports = ProviderReports.Read(message);
            }
            catch (MalformedReportException e)
            {
                return LeftAlone(uid, e.Message);
            }

            var applied = await ReportIntake.ApplyAsync(db, null, reports, logger, cancellationToken);
            return applied.Applied + applied.Duplicates > 0 || reports.Count == 0
                ? Outcome.Report
                : LeftAlone(uid, "it reports on no message sent from here");
        }

        if (UnsubscribeSubject().Match(message.Subject ?? "") is { Success: true } match)
        {
            return await UnsubscribePage.ByMailAsync(match.Groups["token"].Value, tokens, db, cancellationToken)
                ? Outcome.Unsubscribe
                : LeftAlone(uid, "its unsubscribe token is not one of ours");
        }

        return LeftAlone(uid, "it is neither a delivery or abuse report nor an unsubscribe request");
    }

    private Outcome LeftAlone(UniqueId uid, string why)
    {
        logger.LogInformation("Bounce mailbox message {Uid} left for a person: {Why}", uid, why);
        return Outcome.LeftAlone;
    }

    private static SecureSocketOptions SecureSocket(BounceMailboxOptions settings) => settings.Security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => settings.Port == 993 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable,
    };

    // "unsubscribe <token>", as the mailto: link fills it in; replies ("Re: unsubscribe …") included.
    [GeneratedRegex(@"\bunsubscribe\s+(?<token>[A-Za-z0-9_-]{16,8192})",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex UnsubscribeSubject();
}
