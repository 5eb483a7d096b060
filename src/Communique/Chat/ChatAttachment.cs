using Communique.Tenancy;

namespace Communique.Chat;

// A file sent in a conversation, by its user or an agent. Its bytes are a blob held until ExpiresAt; then the sweep
// lets the blob go and the attachment answers 410.
public sealed class ChatAttachment : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public Guid ConversationId { get; set; }
    public required string Name { get; set; }
    public required string ContentType { get; set; }
    public long Size { get; set; }
    public required string BlobHash { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public bool Released { get; set; }
}
