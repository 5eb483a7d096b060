using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Communique.Email.Compose;

namespace Communique.Communications;

public sealed record PreviewRequest(
    Guid? DataSourceId, Guid? Uuid, JsonElement? Record, [MaxLength(32)] string? Locale,
    bool IgnoreMissingFields = false);

public sealed record EmailPreviewResponse(string Subject, string Html, string Text, string? Preheader)
{
    public static EmailPreviewResponse From(RenderedEmail email)
    {
        ArgumentNullException.ThrowIfNull(email);
        return new EmailPreviewResponse(email.Subject, email.Html, email.Text, email.Preheader);
    }
}
