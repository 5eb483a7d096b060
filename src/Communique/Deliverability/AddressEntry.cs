namespace Communique.Deliverability;

public sealed record AddressEntry(Guid Id, string Address, DateTime CreatedAt);
