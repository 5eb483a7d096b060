using Communique.Tenancy;

namespace Communique.Communications;

// An immutable snapshot written with every change of a communication.
public sealed class CommunicationVersion : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public Guid CommunicationId { get; set; }
    public int Number { get; set; }
    public required string Name { get; set; }
    public required string Content { get; set; }
    public required string Author { get; set; }
    public required string Change { get; set; }
    public DateTime CreatedAt { get; set; }
}
