using MimeKit;

namespace Communique.Email;

// MIME as it goes on the wire (RFC 5321: CRLF line ends), as MailKit's SMTP client writes it: without the headers
// that must not travel (Bcc, Resent-Bcc, Content-Length). DKIM signs these bytes and the archive keeps them.
public static class WireFormat
{
    public static FormatOptions Options { get; } = Create();

    private static FormatOptions Create()
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        format.EnsureNewLine = true;
        format.HiddenHeaders.Add(HeaderId.Bcc);
        format.HiddenHeaders.Add(HeaderId.ResentBcc);
        format.HiddenHeaders.Add(HeaderId.ContentLength);
        return format;
    }
}
