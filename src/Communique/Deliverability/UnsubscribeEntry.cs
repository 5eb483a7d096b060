using Communique.Http;

namespace Communique.Deliverability;

public sealed record UnsubscribeEntry(
    Guid Id, string Address, string? Category, string Reason, Guid? LastCommunicationId, DateTime CreatedAt,
    DateTime UpdatedAt, bool Editable)
{
    public static UnsubscribeEntry From(Unsubscribe u) =>
        new(u.Id, u.Address, u.Category, WireNames.Of(u.Reason), u.LastCommunicationId, u.CreatedAt, u.UpdatedAt,
            u.IsEditable);
}
