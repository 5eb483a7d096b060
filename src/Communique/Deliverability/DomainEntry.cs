namespace Communique.Deliverability;

public sealed record DomainEntry(Guid Id, string Domain, DateTime CreatedAt);
