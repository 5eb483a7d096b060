namespace Communique.Deliverability;

public sealed record UnsubscribeResponse(string Address, string? Category, bool Unsubscribed);
