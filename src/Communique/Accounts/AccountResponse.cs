namespace Communique.Accounts;

public sealed record AccountResponse(Guid Id, string Name, string CustomerId, DateTime CreatedAt);
