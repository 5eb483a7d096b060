namespace Communique.Email.Compose;

// The per-recipient links a message carries besides its content's own: made before rendering, so that templates can
// place {{ unsubscribe_url }} where they like. The mailto: unsubscribe only with Mail:UnsubscribeAddress configured.
public sealed record MessageLinks(Guid MessageId, string UnsubscribeUrl, string? UnsubscribeMailto, string OpenPixelUrl)
{
    public const string UnsubscribeField = "unsubscribe_url";
}
