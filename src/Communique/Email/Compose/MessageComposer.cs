using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Communique.Communications;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Encodings;
using MimeKit.Text;
using MimeKit.Utils;

namespace Communique.Email.Compose;

// Turns a rendered email into the MIME message that is sent: CSS moved inline (media queries kept in a style
// element), the preheader as hidden first text, web links rewritten to signed click links (never the unsubscribe
// link or non-web schemes), an open pixel, a text part, a unique Message-ID and the List-Unsubscribe headers of
// RFC 2369 and RFC 8058 (one-click).
public sealed partial class MessageComposer(MailTokens tokens, IOptions<MailOptions> mail, TimeProvider clock)
    : IDisposable
{
    // Where the mailto: unsubscribe goes; parsed once, not per message. Only an address the operator named: one made up
    // (SystemFrom's default is no-reply@localhost) would send the recipient's unsubscribe to nowhere, or to a mailbox
    // nobody reads, instead of the one-click URL.
    private readonly string? _unsubscribeMailbox =
        mail.Value.UnsubscribeAddress is { } address ? MailboxAddress.Parse(address).Address : null;

    // Prepared templates by (HTML, text) template, up to about 16 million characters of them.
    private readonly MemoryCache _prepared = new(new MemoryCacheOptions { SizeLimit = 16 * 1024 * 1024 });

    public MessageLinks LinksFor(Guid messageId)
    {
        var unsubscribe = tokens.Create(new MailToken(MailTokenKind.Unsubscribe, messageId));
        return new MessageLinks(
            messageId,
            mail.Value.Link("/public/unsubscribe/" + unsubscribe),
            _unsubscribeMailbox is null ? null : $"mailto:{_unsubscribeMailbox}?subject=unsubscribe%20{unsubscribe}",
            mail.Value.Link("/public/t/o/" + tokens.Create(new MailToken(MailTokenKind.Open, messageId)) + ".gif"));
    }

    // What a send's messages are made from (TemplateInliner): the content with its CSS already inline and its text
    // part's template derived from the HTML when the template allows; otherwise each message's CSS is inlined, and its
    // text derived, after rendering. Preparing parses the template's HTML and CSS, far dearer than a message; every
    // transactional call is a send of its own, so the result is kept per template instead of made per send.
    public PreparedEmail Prepare(EmailContent email)
    {
        ArgumentNullException.ThrowIfNull(email);
        if (email.Html is not { } html)
        {
            return new PreparedEmail(email, InlineCss: false);
        }

        var key = (html, email.Text);
        if (!_prepared.TryGetValue(key, out PreparedTemplates? prepared) || prepared is null)
        {
            var derived = string.IsNullOrEmpty(email.Text) ? TemplateInliner.TryDeriveText(html) : null;
            prepared = new PreparedTemplates(TemplateInliner.TryInline(html), derived);
            _prepared.Set(key, prepared, new MemoryCacheEntryOptions
            {
                Size = 1 + html.Length + (email.Text?.Length ?? 0) + (prepared.InlinedHtml?.Length ?? 0)
                    + (derived?.Length ?? 0),
            });
        }

        var text = prepared.DerivedText ?? email.Text;
        var tidy = prepared.DerivedText is not null;
        return prepared.InlinedHtml is { } inlined
            ? new PreparedEmail(email with { Html = inlined, Text = text }, InlineCss: false, TidyText: tidy)
            : new PreparedEmail(email with { Text = text }, InlineCss: true, TidyText: tidy);
    }

    private sealed record PreparedTemplates(string? InlinedHtml, string? DerivedText);

    public void Dispose() => _prepared.Dispose();

    public MimeMessage Compose(
        Envelope envelope, RenderedEmail rendered, MessageLinks links, bool tracking, bool inlineCss = true,
        IReadOnlyList<MailAttachment>? attachments = null)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(rendered);
        ArgumentNullException.ThrowIfNull(links);

        // Copies: a MimeKit address list subscribes to its addresses' Changed events, so one address object shared by
        // the messages of a send would keep every one of them alive for as long as the send runs.
        // Date and Message-ID given to the constructor: without them it makes its own (formatting the local time and
        // looking the host's name up), a large part of the cost of a small message.
        var message = new MimeMessage(
            new Header(HeaderId.Date, DateUtils.FormatDate(clock.GetUtcNow())),
            new Header(HeaderId.MessageId, $"<{links.MessageId:N}@{envelope.From.Domain}>"));
        message.From.Add(WireEmail.Copy(envelope.From));
        message.To.Add(WireEmail.Copy(envelope.To));
        if (envelope.ReplyTo is not null)
        {
            message.ReplyTo.Add(WireEmail.Copy(envelope.ReplyTo));
        }

        message.Subject = rendered.Subject;
        message.Headers.Add(HeaderId.ListUnsubscribe, links.UnsubscribeMailto is { } mailto
            ? $"<{links.UnsubscribeUrl}>, <{mailto}>"
            : $"<{links.UnsubscribeUrl}>");
        message.Headers.Add(HeaderId.ListUnsubscribePost, "List-Unsubscribe=One-Click");
        var alternative = new MultipartAlternative
        {
            Encoded(TextFormat.Plain, rendered.Text),
            Encoded(TextFormat.Html, Html(rendered, links, tracking, inlineCss)),
        };
        if (attachments is not { Count: > 0 })
        {
            message.Body = alternative;
            return message;
        }

        var mixed = new Multipart("mixed") { alternative };
        foreach (var attachment in attachments)
        {
            mixed.Add(new MimePart(ContentType.Parse(attachment.ContentType))
            {
                Content = new MimeContent(
                    new MemoryStream(attachment.Encoded, writable: false), ContentEncoding.Base64),
                ContentTransferEncoding = ContentEncoding.Base64,
                ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                FileName = attachment.FileName,
            });
        }

        message.Body = mixed;
        return message;
    }

    // The rendered HTML as sent: CSS inlined (unless the template already was), then the preheader, click links and
    // open pixel written into the text: no parse of the whole document per message.
    private string Html(RenderedEmail rendered, MessageLinks links, bool tracking, bool inlineCss)
    {
        var html = inlineCss ? InlineCss(rendered.Html) : rendered.Html;
        var result = new StringBuilder(html.Length + 1024);
        var bodyStart = BodyStart().Match(html) is { Success: true } body ? body.Index + body.Length : 0;
        var bodyEnd = html.LastIndexOf("</body", StringComparison.OrdinalIgnoreCase) is var end and >= 0
                      && end >= bodyStart
            ? end
            : html.Length;
        var at = 0;
        void CopyTo(int index)
        {
            result.Append(html, at, index - at);
            at = index;
        }

        CopyTo(bodyStart);
        if (!string.IsNullOrEmpty(rendered.Preheader))
        {
            result.Append("<div style=\"display:none;max-height:0;overflow:hidden;mso-hide:all\">")
                .Append(WebUtility.HtmlEncode(rendered.Preheader)).Append("</div>");
        }

        if (tracking)
        {
            foreach (Match link in Href().Matches(html, bodyStart))
            {
                var value = link.Groups["value"];
                var href = WebUtility.HtmlDecode(value.Value).Trim();
                if (value.Index < bodyEnd && Tracked(href, links))
                {
                    CopyTo(value.Index);
                    var click = tokens.Create(new MailToken(MailTokenKind.Click, links.MessageId, href));
                    result.Append(mail.Value.Link("/public/t/c/" + click));
                    at = value.Index + value.Length;
                }
            }

            CopyTo(bodyEnd);
            result.Append("<img src=\"").Append(links.OpenPixelUrl)
                .Append("\" width=\"1\" height=\"1\" alt=\"\" style=\"display:block;width:1px;height:1px;border:0\">");
        }

        CopyTo(html.Length);
        return result.ToString();
    }

    // For a template that could not be inlined once for its whole send (see TemplateInliner). Linked style sheets are
    // not fetched.
    private static string InlineCss(string html)
    {
        using var premailer = new PreMailer.Net.PreMailer(html);
        return premailer.MoveCssInline(removeStyleElements: true, ignoreElements: "link", preserveMediaQueries: true)
            .Html;
    }

    // A text part encoded once, quoted-printable: the DKIM body hash, the size the SMTP client announces and the DATA
    // it writes then copy these bytes instead of encoding the text three times.
    private static TextPart Encoded(TextFormat format, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var encoder = new QuotedPrintableEncoder();
        var encoded = new byte[encoder.EstimateOutputLength(bytes.Length)];
        var length = encoder.Flush(bytes, 0, bytes.Length, encoded);
        var part = new TextPart(format)
        {
            Content = new MimeContent(
                new MemoryStream(encoded, 0, length, writable: false), ContentEncoding.QuotedPrintable),
            ContentTransferEncoding = ContentEncoding.QuotedPrintable,
        };
        part.ContentType.Charset = "utf-8";
        return part;
    }

    // Over rendered HTML: each match stops after a second (RegexMatchTimeoutException) whatever the HTML holds.
    [GeneratedRegex(@"<body\b[^>]*>", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex BodyStart();

    // An anchor's href, quoted or not.
    [GeneratedRegex(
        @"<a\s[^>]*?\bhref\s*=\s*(?:""(?<value>[^""]*)""|'(?<value>[^']*)'|(?<value>[^\s""'>]+))",
        RegexOptions.IgnoreCase, 1000)]
    private static partial Regex Href();

    private static bool Tracked(string href, MessageLinks links) =>
        (href.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
         || href.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        && !string.Equals(href, links.UnsubscribeUrl, StringComparison.Ordinal);
}
