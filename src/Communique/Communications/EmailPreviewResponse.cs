using Communique.Email.Compose;

namespace Communique.Communications;

public sealed record EmailPreviewResponse(string Subject, string Html, string Text, string? Preheader)
{
    public static EmailPreviewResponse From(RenderedEmail email)
    {
        ArgumentNullException.ThrowIfNull(email);
        return new EmailPreviewResponse(email.Subject, email.Html, email.Text, email.Preheader);
    }
}
