using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Communique.Communications;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Communique.Email.Compose;

// The addresses of one message.
public sealed record Envelope(MailboxAddress From, MailboxAddress To, MailboxAddress? ReplyTo = null);

// The per-recipient links a message carries besides its content's own: made before rendering, so that templates can
// place {{ unsubscribe_url }} where they like.
public sealed record MessageLinks(Guid MessageId, string UnsubscribeUrl, string UnsubscribeMailto, string OpenPixelUrl)
{
    public const string UnsubscribeField = "unsubscribe_url";
}

// Turns a rendered email into the MIME message that is sent: CSS moved inline (media queries kept in a style
// element), the preheader as hidden first text, web links rewritten to signed click links (never the unsubscribe
// link or non-web schemes), an open pixel, a text part, a unique Message-ID and the List-Unsubscribe headers of
// RFC 2369 and RFC 8058 (one-click).
public sealed class MessageComposer(MailTokens tokens, IOptions<MailOptions> mail, TimeProvider clock)
{
    // Where the mailto: unsubscribe goes; parsed once, not per message.
    private readonly string _unsubscribeMailbox = MailboxAddress.Parse(mail.Value.SystemFrom).Address;

    public MessageLinks LinksFor(Guid messageId)
    {
        var unsubscribe = tokens.Create(new MailToken(MailTokenKind.Unsubscribe, messageId));
        return new MessageLinks(
            messageId,
            mail.Value.Link("/public/unsubscribe/" + unsubscribe),
            $"mailto:{_unsubscribeMailbox}?subject=unsubscribe%20{unsubscribe}",
            mail.Value.Link("/public/t/o/" + tokens.Create(new MailToken(MailTokenKind.Open, messageId)) + ".gif"));
    }

    public MimeMessage Compose(Envelope envelope, EmailPreviewResponse rendered, MessageLinks links, bool tracking)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(rendered);
        ArgumentNullException.ThrowIfNull(links);

        // Copies: a MimeKit address list subscribes to its addresses' Changed events, so one address object shared by
        // the messages of a send would keep every one of them alive for as long as the send runs.
        var message = new MimeMessage();
        message.From.Add(Copy(envelope.From));
        message.To.Add(Copy(envelope.To));
        if (envelope.ReplyTo is not null)
        {
            message.ReplyTo.Add(Copy(envelope.ReplyTo));
        }

        message.Subject = rendered.Subject;
        message.Date = clock.GetUtcNow();
        message.MessageId = $"{links.MessageId:N}@{envelope.From.Domain}";
        message.Headers.Add(HeaderId.ListUnsubscribe, $"<{links.UnsubscribeUrl}>, <{links.UnsubscribeMailto}>");
        message.Headers.Add(HeaderId.ListUnsubscribePost, "List-Unsubscribe=One-Click");
        message.Body = new BodyBuilder { HtmlBody = Html(rendered, links, tracking), TextBody = rendered.Text }.ToMessageBody();
        return message;
    }

    private string Html(EmailPreviewResponse rendered, MessageLinks links, bool tracking)
    {
        var document = new HtmlParser().ParseDocument(rendered.Html);
        var body = document.Body!;
        if (!string.IsNullOrEmpty(rendered.Preheader))
        {
            var preheader = document.CreateElement("div");
            preheader.SetAttribute("style", "display:none;max-height:0;overflow:hidden;mso-hide:all");
            preheader.TextContent = rendered.Preheader;
            body.Prepend(preheader);
        }

        if (tracking)
        {
            foreach (var anchor in document.QuerySelectorAll("a[href]").OfType<IHtmlAnchorElement>())
            {
                var href = anchor.GetAttribute("href")!.Trim();
                if (Tracked(href, links))
                {
                    anchor.SetAttribute("href", mail.Value.Link("/public/t/c/" + tokens.Create(new MailToken(MailTokenKind.Click, links.MessageId, href))));
                }
            }

            var pixel = document.CreateElement("img");
            pixel.SetAttribute("src", links.OpenPixelUrl);
            pixel.SetAttribute("width", "1");
            pixel.SetAttribute("height", "1");
            pixel.SetAttribute("alt", "");
            pixel.SetAttribute("style", "display:block;width:1px;height:1px;border:0");
            body.AppendChild(pixel);
        }

        using var premailer = new PreMailer.Net.PreMailer(document);
        return premailer.MoveCssInline(removeStyleElements: true, preserveMediaQueries: true).Html;
    }

    private static MailboxAddress Copy(MailboxAddress address) => new(address.Name, address.Address);

    private static bool Tracked(string href, MessageLinks links) =>
        (href.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || href.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        && !string.Equals(href, links.UnsubscribeUrl, StringComparison.Ordinal);
}
