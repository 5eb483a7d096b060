using Communique.Communications;

namespace Communique.Email.Compose;

// A send's content, ready for its messages (MessageComposer.Prepare). A text part derived from the HTML template is
// tidied after rendering (the Liquid tags' lines leave blank lines behind).
public sealed record PreparedEmail(EmailContent Content, bool InlineCss, bool TidyText = false)
{
    public IReadOnlyList<MailAttachment> Attachments { get; init; } = [];
}
