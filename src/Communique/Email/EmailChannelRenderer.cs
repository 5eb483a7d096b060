using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Communique.Campaigns;
using Communique.Communications;
using Communique.Data;
using Communique.Deliverability;
using Communique.Email.Compose;
using Communique.Email.Dkim;
using Communique.Rendering;
using Communique.Sending;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Communique.Email;

// The email channel's renderer: a send's content prepared once (templates, stored attachments, the sender's DKIM
// key), then per message its record rendered (EmailRenderer), composed into MIME with its links and per-recipient
// attachments, and signed.
public sealed class EmailChannelRenderer(
    AppDb db, LiquidTemplates liquid, MessageComposer composer, DkimSigning dkim, MessageAttachments attachments)
    : IChannelRenderer
{
    // The DKIM keys found so far by domain: a transactional run prepares many sends of the same senders.
    private readonly Dictionary<string, DkimKey?> _keys = new(StringComparer.Ordinal);

    // The contents prepared so far, by their JSON: the calls of one communication version carry the same copy.
    private readonly Dictionary<string, (EmailContent Content, Compose.PreparedEmail Email)> _contents =
        new(StringComparer.Ordinal);

    private const int KeptContents = 100;

    public async Task<(PreparedSend? Prepared, string? Failure)> PrepareAsync(
        CampaignSend send, RecordShape shape, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(send);
        ArgumentNullException.ThrowIfNull(shape);
        var (content, prepared) = ContentOf(send);
        var (stored, parts, failure) = await attachments.OfSendAsync(db, send, content, cancellationToken);
        if (stored is null)
        {
            return (null, "An attachment of the email was deleted after the send was asked for.");
        }

        if (failure is not null)
        {
            return (null, failure);
        }

        var email = prepared with { Attachments = stored };
        var from = new MailboxAddress(send.SenderName ?? "", send.SenderAddress);
        var replyTo = send.ReplyTo is null ? null : MailboxAddress.Parse(send.ReplyTo);
        var key = await KeyOfAsync(DkimKey.NormalizeDomain(from.Domain), cancellationToken);
        var culture = CultureInfo.GetCultureInfo(shape.Locale);
        var formats = DataSources.Schemas.FormatsOf(shape.Schema);
        return (new PreparedEmail(send, email, culture, formats, key, from, replyTo) { Parts = parts }, null);
    }

    private (EmailContent Content, Compose.PreparedEmail Email) ContentOf(CampaignSend send)
    {
        if (send.SubjectOverride is null && _contents.TryGetValue(send.Content, out var known))
        {
            return known;
        }

        var content = JsonSerializer.Deserialize<EmailContent>(send.Content, JsonSerializerOptions.Web)!;
        if (send.SubjectOverride is not null)
        {
            content = content with { Subject = send.SubjectOverride };
            return (content, composer.Prepare(content));
        }

        if (_contents.Count >= KeptContents)
        {
            _contents.Clear();
        }

        return _contents[send.Content] = (content, composer.Prepare(content));
    }

    private async Task<DkimKey?> KeyOfAsync(string? domain, CancellationToken cancellationToken)
    {
        if (domain is not null && _keys.TryGetValue(domain, out var known))
        {
            return known;
        }

        var key = await db.DkimKeys.AsNoTracking().Where(k => k.Domain == domain)
            .OrderByDescending(k => k.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        if (domain is not null)
        {
            _keys[domain] = key;
        }

        return key;
    }

    public async ValueTask<RenderedMessage> RenderAsync(
        PreparedSend prepared, OutboundMessage message, Dictionary<string, object?> record,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(record);
        var making = (PreparedEmail)prepared;
        var (send, email) = (making.Send, making.Email);
        var links = composer.LinksFor(message.Id);
        record[MessageLinks.UnsubscribeField] = links.UnsubscribeUrl;
        var (rendered, failure, part) = await EmailRenderer.RenderAsync(
            liquid, email.Content, record, making.Culture, making.Formats, send.IgnoreMissingFields, cancellationToken);
        if (rendered is null)
        {
            return RenderedMessage.Failed($"not rendered: the {part} failed: {failure!.Message}");
        }

        if (email.TidyText)
        {
            rendered = rendered with { Text = EmailRenderer.Tidy(rendered.Text) };
        }

        var (parts, partFailure) = await MessageAttachments.OfMessageAsync(email.Attachments, making.Parts, record,
            making.Culture, making.Formats, send.IgnoreMissingFields, cancellationToken);
        if (partFailure is not null)
        {
            return RenderedMessage.Failed($"not made: {partFailure}");
        }
        var envelope = new Envelope(making.From, new MailboxAddress("", message.Address), making.ReplyTo);
        MimeMessage mime;
        try
        {
            mime = composer.Compose(envelope, rendered, links, send.Tracking, email.InlineCss, parts);
        }
        catch (RegexMatchTimeoutException)
        {
            return RenderedMessage.Failed("not composed: its HTML took too long to read for links");
        }

        // The message is written once, for the wire; its entities are then done with (disposed: MimeKit's entities have
        // finalizers, which would otherwise keep each message alive through one more collection).
        var messageId = mime.MessageId;
        WireEmail wire;
        using (mime)
        {
            wire = making.Key is { } key ? dkim.Sign(mime, key) : WireEmail.Of(mime);
        }

        return RenderedMessage.Made(new EmailOutgoing(wire, rendered.Subject, rendered.Text), messageId);
    }

    private sealed class PreparedEmail(
        CampaignSend send, Compose.PreparedEmail email, CultureInfo culture, Dictionary<string, FieldFormat> formats,
        DkimKey? key, MailboxAddress from, MailboxAddress? replyTo) : PreparedSend(send)
    {
        public Compose.PreparedEmail Email { get; } = email;
        public CultureInfo Culture { get; } = culture;
        public Dictionary<string, FieldFormat> Formats { get; } = formats;
        public DkimKey? Key { get; } = key;
        public MailboxAddress From { get; } = from;
        public MailboxAddress? ReplyTo { get; } = replyTo;

        // The makers of each recipient's own parts (documents made from their record); none for most emails.
        public IReadOnlyList<IRecipientParts> Parts { get; init; } = [];

        // The email's unsubscribe category: what an unsubscribe from one of its messages applies to.
        public override string Category { get; } = string.IsNullOrWhiteSpace(email.Content.UnsubscribeCategory)
            ? UnsubscribeCategory.Default : email.Content.UnsubscribeCategory.Trim();
    }
}
